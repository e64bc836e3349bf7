/**
 * The load options on the command line, one flag each, for every subcommand
 * that reads a log (inspect, mine, train, predict, report): the flags, their
 * help text, and their translation into LoadOptions. Notebooks pass the same
 * options as parameters under their library names (eventMap, tsFormat, …).
 */
import type { ParseArgsConfig } from 'node:util';
import type { LoadOptions } from '../data/load-events';
import { parsePairs } from '../data/load-options';
import type { LabelledFlags } from '../data/load-labelled';
import { PRESETS } from '../data/presets';
import { isTimeZone, timestampFormatProblem, TIMESTAMP_FORMATS, type TimestampFormat } from '../data/timestamps';
import { OptionError } from '../errors';
import { listFlag } from './args';

/** parseArgs specs of the load flags. */
export const LOAD_FLAGS: NonNullable<ParseArgsConfig['options']> = {
  preset: { type: 'string' }, columns: { type: 'string' }, rename: { type: 'string' }, 'event-map': { type: 'string' },
  actions: { type: 'string' }, categorical: { type: 'string' }, numeric: { type: 'string' }, drop: { type: 'string' },
  'ts-format': { type: 'string' }, tz: { type: 'string' }, 'keep-duplicates': { type: 'boolean' }, strict: { type: 'boolean' },
};

/** Help text of the load flags, shared by every subcommand that reads a log. */
export const LOAD_FLAGS_USAGE = `Reading the log (any subcommand that reads one):
  --preset P            a built-in preset (${Object.keys(PRESETS).join(', ')}) or a preset file my-log.json
  --columns a,b,c       column names in file order, for a file without a header
  --rename src=dst,...  source column -> canonical column (user_id, item_id, event, ts, impression_id)
  --event-map a=b,...   source event -> canonical event, e.g. 1=click,2=wish,3=cart,4=buy
  --actions a,b         extra post-click actions to accept as they are (e.g. share,coupon)
  --categorical a,b     feature columns to read as categorical (e.g. a numeric category id)
  --numeric a,b         feature columns to read as numeric
  --drop a,b            columns to leave out
  --ts-format F         ${TIMESTAMP_FORMATS.join(', ')} or a pattern such as '%Y-%m-%d %H' (default: detected; ISO-8601
                        with a space, without seconds, date-hour or date only, with a zone name or offset is iso8601)
  --tz Z                the time zone of timestamps written without one, e.g. Asia/Shanghai (default UTC)
  --keep-duplicates     keep exact duplicate rows (default: dropped and counted)
  --strict              fail on the first bad row instead of quarantining it`;

/** Parse `a=b,c=d` into a map; `what` names the flag in errors. */
function pairsFlag(command: string, flag: string, value: unknown, example: string): Record<string, string> | undefined {
  const items = listFlag(value);
  if (!items) return undefined;
  return parsePairs(items, (item) => new OptionError(`buypath ${command} --${flag}: expected pairs written from=to, got "${item}". Pass e.g. --${flag} ${example}.`));
}

/** The LoadOptions that the load flags of `command` ask for. */
export function loadOptionsFromFlags(command: string, values: Record<string, string | boolean | undefined>): LoadOptions {
  const tsFormat = values['ts-format'] as string | undefined;
  const tsProblem = tsFormat === undefined ? undefined : timestampFormatProblem(tsFormat);
  if (tsProblem) throw new OptionError(`buypath ${command} --ts-format: ${tsProblem}. Leave it out to detect the format.`);
  const tz = values.tz as string | undefined;
  if (tz !== undefined && !isTimeZone(tz)) throw new OptionError(`buypath ${command} --tz: expected a time zone name such as UTC or Asia/Shanghai, got "${tz}".`);
  const options: LoadOptions = {
    preset: values.preset as string | undefined,
    columns: listFlag(values.columns),
    rename: pairsFlag(command, 'rename', values.rename, 'visitorid=user_id,itemid=item_id'),
    eventMap: pairsFlag(command, 'event-map', values['event-map'], '1=click,2=wish,3=cart,4=buy'),
    actions: listFlag(values.actions),
    categorical: listFlag(values.categorical),
    numeric: listFlag(values.numeric),
    drop: listFlag(values.drop),
    tsFormat: tsFormat as TimestampFormat | undefined,
    tz,
    dedupe: values['keep-duplicates'] ? false : undefined,
    strict: values.strict ? true : undefined,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as LoadOptions;
}

/** parseArgs spec of `--labelled` (mine, train, report): read the log as a labelled impression table. */
export const LABELLED_FLAG: NonNullable<ParseArgsConfig['options']> = { labelled: { type: 'string' } };

/** Help text of `--labelled`. */
export const LABELLED_USAGE = `A labelled impression table instead of an event log (one row per impression, 0/1 flags):
  --labelled auto                       flag columns detected by name (click/is_click, buy/is_buy/conversion,
                                        cart/is_cart, wish/is_fav, share, coupon)
  --labelled click=C,buy=B,cart=X,...   the columns of the click, purchase and action flags (any other
                                        name is a post-click action); ids, ts and features as for events`;

const EVENT_ONLY_FLAGS = ['preset', 'columns', 'event-map', 'actions', 'keep-duplicates'];

/**
 * The flag columns that `--labelled` names (`auto`: detected; `{}`), or undefined without it. Checked before any
 * data is read: pairs written role=column, one column per flag, no event-log flag beside it.
 */
export function labelledFromFlags(command: string, values: Record<string, string | boolean | undefined>): LabelledFlags | undefined {
  const raw = values.labelled as string | undefined;
  if (raw === undefined) return undefined;
  const clash = EVENT_ONLY_FLAGS.filter((f) => values[f] !== undefined);
  if (clash.length) throw new OptionError(`buypath ${command} --labelled: expected no event-log flags beside it, got ${clash.map((f) => `--${f}`).join(', ')}. A labelled table has flag columns, not events: leave ${clash.length > 1 ? 'them' : 'it'} out.`);
  if (raw.trim() === 'auto') return {};
  const pairs = pairsFlag(command, 'labelled', raw, 'click=is_click,buy=is_buy,cart=is_cart') ?? {};
  const out: LabelledFlags = {};
  const seen = new Map<string, string>();
  for (const [role, col] of Object.entries(pairs)) {
    if (!/^[A-Za-z][\w-]*$/.test(role) || role === 'impression') throw new OptionError(`buypath ${command} --labelled: expected click, buy or a post-click action name before "=", got "${role}". Pass e.g. --labelled click=is_click,buy=is_buy,cart=is_cart.`);
    if (seen.has(col)) throw new OptionError(`buypath ${command} --labelled: expected one column per flag, got column "${col}" for both ${seen.get(col)} and ${role}. Name the column of each flag.`);
    seen.set(col, role);
    if (role === 'click' || role === 'buy') out[role] = col;
    else (out.actions ??= {})[role] = col;
  }
  return out;
}

/**
 * Load options as notebook parameters. Every notebook that reads a log takes
 * `dataPath`, `preset` and one `load` object whose keys are the command line's
 * load flags in camelCase (`--event-map` → `eventMap`, `--keep-duplicates` →
 * `keepDuplicates`), with values written as in a preset file (lists and maps)
 * or as typed after the flag (`'1=click,2=buy'`, `'a,b'`):
 *
 *   let dataPath = '../data/own/log.csv';
 *   let preset = 'my-log.json';   // or a built-in name
 *   let load = { eventMap: { '1': 'click', '4': 'buy' }, tsFormat: 'epoch_s', keepDuplicates: true };
 *
 * `npm start -- LOG [load flags]` translates its flags into these parameters.
 */
import { parsePairs, type LoadOptions } from '../data/load-options';
import { validatePreset } from '../data/preset-file';
import type { TimestampFormat } from '../data/timestamps';
import { OptionError } from '../errors';

/** The keys of the `load` notebook parameter and the kind of value each takes (the CLI flag is its kebab-case name). */
export const LOAD_PARAMS = {
  columns: 'list', rename: 'map', eventMap: 'map', actions: 'list', categorical: 'list', numeric: 'list', drop: 'list',
  tsFormat: 'string', tz: 'string', keepDuplicates: 'boolean', strict: 'boolean',
} as const;

/** The `load` notebook parameter: the CLI's load flags (but `--preset`, a parameter of its own) in camelCase. */
export interface LoadParams {
  /** Column names in file order, for a file without a header (`--columns`). */
  columns?: string[] | string;
  /** Source column → canonical column (`--rename`). */
  rename?: Record<string, string> | string;
  /** Source event → canonical event (`--event-map`). */
  eventMap?: Record<string, string> | string;
  /** Extra post-click actions accepted as they are (`--actions`). */
  actions?: string[] | string;
  /** Feature columns read as categorical (`--categorical`). */
  categorical?: string[] | string;
  /** Feature columns read as numeric (`--numeric`). */
  numeric?: string[] | string;
  /** Columns left out (`--drop`). */
  drop?: string[] | string;
  /** Timestamp format (`--ts-format`); detected when absent. */
  tsFormat?: string;
  /** Time zone of timestamps written without one (`--tz`). */
  tz?: string;
  /** Keep exact duplicate rows (`--keep-duplicates`). */
  keepDuplicates?: boolean;
  /** Fail on the first bad row (`--strict`). */
  strict?: boolean;
}

/** The kebab-case CLI flag of a `load` key. */
export function flagOfParam(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const kind = (v: unknown) => (Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/** A list given as a list or as `'a,b'`. */
function listParam(key: string, v: unknown): string[] {
  if (typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  throw new OptionError(`notebook parameter load.${key}: expected a list of names, e.g. ['a', 'b'] or 'a,b', got ${kind(v)} (${JSON.stringify(v)?.slice(0, 60)}).`);
}

/** A map given as an object or as `'a=b,c=d'`. */
function mapParam(key: string, v: unknown): Record<string, string> {
  if (typeof v === 'string') {
    return parsePairs(listParam(key, v), (item) => new OptionError(`notebook parameter load.${key}: expected pairs written from=to, got "${item}". Write e.g. { '1': 'click' } or '1=click,4=buy'.`));
  }
  if (kind(v) !== 'an object') throw new OptionError(`notebook parameter load.${key}: expected an object mapping names to names, e.g. { '1': 'click' }, got ${kind(v)} (${JSON.stringify(v)?.slice(0, 60)}).`);
  return v as Record<string, string>;
}

/**
 * The LoadOptions that a notebook's parameters ask for. `preset` '' means `buypath` on the embedded log
 * (no `dataPath`) and detection on any other; keys and values of `load` are checked, and errors name
 * the parameter (`load.eventMap`) and what to write.
 */
export function loadOptionsFromParams(params: { dataPath?: string; preset?: string; load?: LoadParams | Record<string, unknown> }): LoadOptions {
  const load = (params.load ?? {}) as Record<string, unknown>;
  if (kind(load) !== 'an object') throw new OptionError(`notebook parameter load: expected an object of load options, e.g. { eventMap: { '1': 'click' } }, got ${kind(load)}. Use {} for none.`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(load)) {
    if (value === undefined) continue;
    const want = LOAD_PARAMS[key as keyof typeof LOAD_PARAMS];
    if (!want) {
      const hint = key === 'dedupe' ? ' Write keepDuplicates: true to keep exact duplicates.' : key === 'preset' ? ' The preset is a parameter of its own: set preset.' : '';
      throw new OptionError(`notebook parameter load: expected keys among ${Object.keys(LOAD_PARAMS).join(', ')}, got "${key}".${hint}`);
    }
    if (want === 'list') out[key] = listParam(key, value);
    else if (want === 'map') out[key] = mapParam(key, value);
    else if (typeof value !== want) throw new OptionError(`notebook parameter load.${key}: expected a ${want}, got ${kind(value)} (${JSON.stringify(value)?.slice(0, 60)}).`);
    else out[key] = value;
  }
  // The same checks as a preset file's fields (maps of names to names, a known timestamp format).
  const { keepDuplicates, strict, ...presetFields } = out;
  validatePreset(presetFields, 'notebook parameter load');
  const preset = params.preset || (params.dataPath ? undefined : 'buypath');
  const options: LoadOptions = { ...(presetFields as Omit<LoadOptions, 'tsFormat'>), tsFormat: presetFields.tsFormat as TimestampFormat | undefined, preset };
  if (keepDuplicates) options.dedupe = false;
  if (strict) options.strict = true;
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as LoadOptions;
}

/** The notebook parameters (`preset`, `load`) that express LoadOptions: the inverse of `loadOptionsFromParams`. */
export function paramsOfLoadOptions(options: LoadOptions): { preset: string; load: LoadParams } {
  const { preset, dedupe, strict, ...rest } = options;
  if (preset !== undefined && typeof preset !== 'string') throw new OptionError('notebook parameter preset: expected a preset name or a preset file path, got an object. Save it as my-log.json and pass its path.');
  const load: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (!(key in LOAD_PARAMS)) throw new OptionError(`notebook parameter load: the load option "${key}" has no notebook parameter (keys: ${Object.keys(LOAD_PARAMS).join(', ')}). Put it in a preset file and pass its path as preset.`);
    load[key] = value;
  }
  if (dedupe === false) load.keepDuplicates = true;
  if (strict) load.strict = true;
  return { preset: preset ?? '', load: load as LoadParams };
}

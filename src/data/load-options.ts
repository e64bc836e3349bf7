/**
 * Load options: what the caller passes to `loadEvents` / `readEvents`, merged
 * over a preset and the defaults, and the column layout they give a file.
 */
import { LoadError } from '../errors';
import { LOAD_DEFAULTS, withDefaults } from '../defaults';
import { canonicalColumn, REQUIRED_COLUMNS, type CanonicalColumn } from './schema';
import type { FileFormat } from './text-reader';
import type { Preset, ReadFields } from './presets';
import { resolvePreset } from './preset-file';

/** Options of `loadEvents`. Preset values apply first, these override them. */
export interface LoadOptions extends ReadFields {
  /** A preset name (e.g. `taobao-userbehavior`), a preset file (`my-log.json`, see data/preset-file.ts) or object. */
  preset?: string | Preset;
  /** File format; detected from the name, then the content, when absent. */
  format?: FileFormat;
  /** Fail on the first bad row instead of quarantining it. Default false. */
  strict?: boolean;
  /** Drop exact duplicate rows (counted as `duplicate`). Default true. */
  dedupe?: boolean;
  /** How many line numbers to keep per problem class. Default 5. */
  maxProblemLines?: number;
}

/** Load options merged over their preset and the defaults. */
export type ResolvedLoadOptions = ReturnType<typeof resolveLoadOptions>;

/** Merge options over their preset and `LOAD_DEFAULTS` (lists and maps merge; scalars: options win). */
export function resolveLoadOptions(options: LoadOptions) {
  const preset: Preset | undefined = options.preset === undefined ? undefined : resolvePreset(options.preset);
  const merged = withDefaults(withDefaults(LOAD_DEFAULTS, preset ?? {}), options);
  return {
    ...merged,
    eventMap: { ...preset?.eventMap, ...options.eventMap },
    rename: { ...preset?.rename, ...options.rename },
    categorical: [...(preset?.categorical ?? []), ...(options.categorical ?? [])],
    numeric: [...(preset?.numeric ?? []), ...(options.numeric ?? [])],
    actions: [...(preset?.actions ?? []), ...(options.actions ?? [])],
    drop: [...(preset?.drop ?? []), ...(options.drop ?? [])],
    notes: preset?.notes ?? [],
  };
}

/** Where each canonical column and feature sits among a file's columns. */
export interface RowLayout {
  user: number;
  item: number;
  event: number;
  ts: number;
  /** -1 when the file has no impression_id column. */
  impression: number;
  features: { name: string; index: number }[];
}

/** The row layout of column names, or a LoadError naming the missing columns. */
export function layoutFor(path: string, names: string[], rename: Record<string, string>, drop: string[]): { layout: RowLayout; mapping: Record<string, string> } {
  const found: Partial<Record<CanonicalColumn, number>> = {};
  const mapping: Record<string, string> = {};
  const features: { name: string; index: number }[] = [];
  names.forEach((raw, index) => {
    const name = raw.trim();
    if (drop.includes(name)) return;
    const canon = (rename[name] as CanonicalColumn | undefined) ?? canonicalColumn(name);
    if (canon && found[canon] === undefined) {
      found[canon] = index;
      mapping[name] = canon;
    } else features.push({ name, index });
  });
  const missing = REQUIRED_COLUMNS.filter((c) => found[c] === undefined);
  if (missing.length) {
    throw new LoadError(
      `${path}: expected columns ${REQUIRED_COLUMNS.join(', ')}, got [${names.join(', ')}] (missing ${missing.join(', ')}). ` +
        `Pass rename (e.g. {"visitorid": "user_id"}), columns for a file without header, or a preset.`,
    );
  }
  return {
    layout: { user: found.user_id!, item: found.item_id!, event: found.event!, ts: found.ts!, impression: found.impression_id ?? -1, features },
    mapping,
  };
}

/** True when a first line looks like a header: it names every required column. */
export function looksLikeHeader(names: string[], rename: Record<string, string>): boolean {
  const canon = new Set(names.map((n) => rename[n.trim()] ?? canonicalColumn(n)));
  return REQUIRED_COLUMNS.every((c) => canon.has(c));
}

/**
 * Pairs written `from=to` (event maps, renames typed as text: a CLI flag, a notebook parameter), trimmed.
 * `bad` makes the error for an item that is not such a pair, in the words of where it was typed.
 */
export function parsePairs(items: readonly string[], bad: (item: string) => Error): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw bad(item);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Preset files: a user's own log described once, as JSON, and passed where a
 * built-in preset name goes (`--preset my-log.json` on the command line,
 * `preset: 'my-log.json'` in a notebook). The schema is the Preset interface:
 *
 *   {
 *     "name": "my-shop", "description": "our clickstream export",
 *     "extends": "taobao-userbehavior",          // optional: start from a built-in preset
 *     "columns": ["user_id", "item_id", "category_id", "event", "ts"],   // files without a header
 *     "header": false,
 *     "rename": {"visitorid": "user_id"},         // source column -> canonical column
 *     "eventMap": {"1": "click", "2": "wish", "3": "cart", "4": "buy"},
 *     "actions": ["share"], "categorical": ["category_id"], "numeric": ["price"], "drop": ["session"],
 *     "tsFormat": "epoch_s",                      // or iso8601, or a pattern such as "%Y-%m-%d %H"
 *     "tz": "Asia/Shanghai",                      // zone of timestamps written without one (default UTC)
 *     "notes": ["anything the analyst must know"]
 *   }
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { OptionError } from '../errors';
import { getPreset, PRESETS, type Preset } from './presets';
import { isTimeZone, timestampFormatProblem } from './timestamps';

/** The fields a preset file may hold, with the JSON type each must have. */
export const PRESET_FIELDS = {
  name: 'string', description: 'string', extends: 'string', columns: 'string[]', header: 'boolean',
  rename: 'object', eventMap: 'object', actions: 'string[]', categorical: 'string[]', numeric: 'string[]',
  drop: 'string[]', tsFormat: 'string', tz: 'string', notes: 'string[]',
} as const;

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? 'string[]' : 'array';
  return v === null ? 'null' : typeof v;
}

/**
 * Check a parsed preset object field by field; `source` names it in errors (a file path).
 * Built-in presets named by `extends` are merged under it (the file's fields win; maps merge).
 */
export function validatePreset(obj: unknown, source: string): Preset {
  if (typeOf(obj) !== 'object') throw new OptionError(`${source}: expected a JSON object (a preset), got ${typeOf(obj)}. See buypath inspect FILE --suggest for one to start from.`);
  const o = obj as Record<string, unknown>;
  for (const [key, value] of Object.entries(o)) {
    const want = PRESET_FIELDS[key as keyof typeof PRESET_FIELDS];
    if (!want) throw new OptionError(`${source}: expected fields among ${Object.keys(PRESET_FIELDS).join(', ')}, got "${key}". Remove it or fix its spelling.`);
    if (typeOf(value) !== want) throw new OptionError(`${source}: expected "${key}" to be ${want === 'string[]' ? 'a list of strings' : `a ${want}`}, got ${typeOf(value)} (${JSON.stringify(value)?.slice(0, 60)}).`);
    if (want === 'object') {
      for (const [k, v] of Object.entries(value as object)) {
        if (typeof v !== 'string') throw new OptionError(`${source}: expected "${key}" to map names to names, got ${JSON.stringify(k)}: ${JSON.stringify(v)}. Write e.g. {"${k}": "click"}.`);
      }
    }
  }
  const tsProblem = o.tsFormat === undefined ? undefined : timestampFormatProblem(o.tsFormat as string);
  if (tsProblem) throw new OptionError(`${source}: "tsFormat": ${tsProblem}. Leave it out to detect the format.`);
  if (o.tz !== undefined && !isTimeZone(o.tz as string)) throw new OptionError(`${source}: expected "tz" to be a time zone name such as UTC or Asia/Shanghai, got "${o.tz}".`);
  const base: Partial<Preset> = o.extends ? getPreset(o.extends as string) : {};
  const file = o as unknown as Preset & { extends?: string };
  return {
    ...base, ...file,
    name: file.name ?? source,
    description: file.description ?? (o.extends ? `${source} (extends ${o.extends})` : source),
    rename: { ...base.rename, ...file.rename },
    eventMap: { ...base.eventMap, ...file.eventMap },
  };
}

/** Read and check a preset file. */
export function readPresetFile(path: string): Preset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new OptionError(`preset file ${path}: expected a readable JSON file, got ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check the path, or pass a built-in preset name (buypath presets lists them).`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new OptionError(`preset file ${path}: expected JSON, got a parse error (${(e as Error).message}). Check commas and quotes.`);
  }
  return validatePreset(obj, path);
}

/** True when `name` is a preset file rather than a built-in preset name. */
export function isPresetFile(name: string): boolean {
  if (PRESETS[name]) return false;
  return /\.json$/i.test(name) || (existsSync(name) && statSync(name).isFile());
}

/** A built-in preset by name, or a preset file by path. */
export function resolvePreset(nameOrPath: string | Preset): Preset {
  if (typeof nameOrPath !== 'string') return nameOrPath;
  return isPresetFile(nameOrPath) ? readPresetFile(nameOrPath) : getPreset(nameOrPath);
}

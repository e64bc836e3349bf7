/**
 * Small helpers shared by the subcommands: option parsing with errors that
 * name the flag, and help text.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OptionError } from '../errors';

/** A subcommand: its usage text and its runner. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** The positional arguments each subcommand takes, by name (anything more is an error, never ignored). */
export const ARGUMENTS: Record<string, readonly string[]> = {
  simulate: [], presets: [], inspect: ['FILE'], mine: ['FILE'], train: ['LOG'], predict: ['DIR', 'LOG'], report: ['LOG'],
};

/**
 * Parse argv with node's parseArgs; unknown flags, and positional arguments beyond those the command
 * takes (ARGUMENTS), become an OptionError naming the command's help.
 */
export function parse(command: string, argv: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let r: ReturnType<typeof parseArgs>;
  try {
    r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new OptionError(`buypath ${command}: ${(e as Error).message}. Run \`buypath ${command} --help\` for the accepted flags.`);
  }
  const names = ARGUMENTS[command];
  if (names && r.positionals.length > names.length) {
    const extra = r.positionals.slice(names.length).map((x) => `"${x}"`).join(' ');
    const takes = names.length ? `${names.length} argument${names.length > 1 ? 's' : ''} (${names.join(' ')})` : 'no arguments';
    throw new OptionError(`buypath ${command}: expected ${takes}, got also ${extra}. Quote a path with spaces, and give list flags as one comma-separated value (--daction cart,wish); run \`buypath ${command} --help\`.`);
  }
  return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
}

/** Read a numeric flag: `ok` says whether the parsed value (underscores allowed as separators) is acceptable. */
function numericFlag(command: string, flag: string, value: string | undefined, fallback: number, expected: string, ok: (n: number, raw: string) => boolean): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!ok(n, value)) throw new OptionError(`buypath ${command} --${flag}: expected ${expected}, got "${value}". Pass e.g. --${flag} ${fallback}.`);
  return n;
}

/** Read an integer flag (at least `min` when given), or throw naming the flag and the value. */
export function intFlag(command: string, flag: string, value: string | undefined, fallback: number, min?: number): number {
  const expected = min === undefined ? 'an integer' : `an integer ≥ ${min}`;
  return numericFlag(command, flag, value, fallback, expected, (n) => Number.isInteger(n) && (min === undefined || n >= min));
}

/** Read a number flag, or throw naming the flag and the value. */
export function numberFlag(command: string, flag: string, value: string | undefined, fallback: number): number {
  return numericFlag(command, flag, value, fallback, 'a number', (n, raw) => raw.trim() !== '' && Number.isFinite(n));
}

/** A comma-separated flag as a list (items trimmed, empty ones dropped); undefined when the flag is absent or empty. */
export function listFlag(value: unknown): string[] | undefined {
  return value ? String(value).split(',').map((x) => x.trim()).filter(Boolean) : undefined;
}

/**
 * Typed errors. Every message is a sentence that names the input, what was
 * expected, what arrived, and how to fix it (see STYLE.md, point 7).
 */

/** Base class for every error buypath throws on purpose. */
export class BuypathError extends Error {
  override name = 'BuypathError';
}

/** A file or its contents could not be loaded as an event log. */
export class LoadError extends BuypathError {
  override name = 'LoadError';
  /** 1-based line (or row, for Parquet) of the problem, when known. */
  readonly line?: number;
  /** Problem class, e.g. `malformed_line`, when the error comes from one row. */
  readonly problem?: string;
  constructor(message: string, details: { line?: number; problem?: string } = {}) {
    super(message);
    this.line = details.line;
    this.problem = details.problem;
  }
}

/** An option or argument has a value outside what the function accepts. */
export class OptionError extends BuypathError {
  override name = 'OptionError';
}

/** A required external tool (Jupyter, XGBoost, …) is missing. */
export class EnvironmentError extends BuypathError {
  override name = 'EnvironmentError';
}

/**
 * Build a message of the form "<input>: expected <expected>, got <got>. <fix>".
 * Keeps the four parts in one order everywhere.
 */
export function describe(input: string, expected: string, got: string, fix: string): string {
  return `${input}: expected ${expected}, got ${got}. ${fix}`;
}

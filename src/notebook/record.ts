/**
 * The last cell of every notebook records its key results with `record()`;
 * the notebook runner reads them back from the cell's output.
 */

/** Marker that starts a results line in a notebook's stdout. */
export const RESULTS_MARKER = 'buypath:results ';

/** Record a notebook's key numbers (one JSON object) so tests and reports can read them. */
export function record(results: Record<string, unknown>): void {
  console.log(RESULTS_MARKER + JSON.stringify(results));
}

/** Parse the recorded results out of a notebook's stdout text, merged in order. */
export function parseRecorded(stdout: string): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(RESULTS_MARKER)) out = { ...out, ...JSON.parse(line.slice(RESULTS_MARKER.length)) };
  }
  return out;
}

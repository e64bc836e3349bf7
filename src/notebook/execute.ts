/**
 * Execute notebooks headless (nbclient, tslab kernel) with injected
 * parameters, and check them: any error output or stderr stream fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { repoRoot } from '../repo-root';
import { jupyterPaths, setupJupyter } from './jupyter';
import { parseRecorded } from './record';
import { RUN_DEFAULTS } from '../defaults';

/** Options of `executeNotebook`. */
export interface ExecuteOptions {
  /** Values assigned after the `parameters` cell (JSON-serialisable). */
  params?: Record<string, unknown>;
  /** Folder for the executed notebook (and HTML). Default `reports/notebooks`. */
  outDir?: string;
  /** Also export the executed notebook as self-contained HTML. */
  html?: boolean;
  /** Per-cell timeout in seconds. Default 1200. */
  timeoutS?: number;
  /** Extra environment variables for the kernel. */
  env?: Record<string, string>;
}

/** What an executed notebook produced. */
export interface NotebookRun {
  notebook: string;
  output: string;
  html?: string;
  /** True when every cell ran without error output or stderr. */
  ok: boolean;
  /** Error outputs (ename: evalue) and the runner's own stderr. */
  errors: string[];
  /** Text written to stderr by any cell. */
  stderr: string[];
  /** All stdout text of the notebook. */
  stdout: string;
  /** What the notebook recorded with `record()`. */
  results?: Record<string, unknown>;
  seconds: number;
}

interface NbOutput { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }
const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : t ?? '');

/** Execute one notebook and collect errors, stderr and recorded results. */
export async function executeNotebook(path: string, options: ExecuteOptions = {}): Promise<NotebookRun> {
  const started = Date.now();
  const root = repoRoot();
  const python = setupJupyter({ root });
  const nbPath = resolve(path);
  const outDir = resolve(options.outDir ?? join(root, 'reports', 'notebooks'));
  mkdirSync(outDir, { recursive: true });
  const output = join(outDir, basename(nbPath));
  const html = options.html ? output.replace(/\.ipynb$/, '.html') : undefined;
  const args = [join(root, 'scripts', 'execute_notebook.py'), '--input', nbPath, '--output', output, '--cwd', dirname(nbPath),
    '--params', JSON.stringify(options.params ?? {}), '--timeout', String(options.timeoutS ?? RUN_DEFAULTS.notebookTimeoutS), ...(html ? ['--html', html] : [])];
  const env = { ...process.env, JUPYTER_PATH: jupyterPaths(root).jupyterPath, ...options.env };
  const runnerErr = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stderr }));
  });
  const errors: string[] = [];
  const stderr: string[] = [];
  let stdout = '';
  try {
    const nb = JSON.parse(readFileSync(output, 'utf8')) as { cells: { outputs?: NbOutput[] }[] };
    for (const cell of nb.cells) {
      for (const o of cell.outputs ?? []) {
        if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
        else if (o.output_type === 'stream' && o.name === 'stderr') stderr.push(text(o.text));
        else if (o.output_type === 'stream' && o.name === 'stdout') stdout += text(o.text);
      }
    }
  } catch (e) {
    errors.push(`could not read the executed notebook ${output}: ${(e as Error).message}`);
  }
  if (runnerErr.code !== 0) errors.push(`runner exited ${runnerErr.code}: ${runnerErr.stderr.trim().slice(-2000)}`);
  return {
    notebook: nbPath, output, html, ok: errors.length === 0 && stderr.length === 0, errors, stderr, stdout,
    results: parseRecorded(stdout), seconds: (Date.now() - started) / 1000,
  };
}

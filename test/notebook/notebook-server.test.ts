import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, tmp, needs } from '../helpers';

const CHROMIUM = process.env.BUYPATH_CHROMIUM ?? '/usr/bin/chromium';

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

interface CellState { prompt: unknown; errors: string[]; stderr: string[] }

test('npm run notebook serves the notebooks: notebook 00 runs every cell in Chromium and draws its plot', needs('notebook-server', 'jupyter', 'chromium'), async () => {
  // Serve a copy (the browser must not write outputs into the committed notebook); ../dist resolves as in notebooks/.
  const dir = tmp();
  mkdirSync(join(dir, 'notebooks'));
  copyFileSync(join(ROOT, 'notebooks', '00-quickstart.ipynb'), join(dir, 'notebooks', '00-quickstart.ipynb'));
  symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
  const port = await freePort();
  const token = 'buypath-test-token';
  const server = spawn(process.execPath, [join(ROOT, 'scripts', 'notebook-server.js'), '--port', String(port), '--token', token, '--notebook-dir', join(dir, 'notebooks')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let log = '';
  server.stderr.on('data', (c) => (log += String(c)));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`npm run notebook printed no URL within 120 s:\n${log}`)), 120_000);
      server.stdout.on('data', (c) => {
        log += String(c);
        const m = log.match(/quick start: (http:\/\/127\.0\.0\.1:\d+\/notebooks\/00-quickstart\.ipynb\?token=\S+)/);
        if (m) { clearTimeout(timer); done(m[1]); }
      });
      server.on('exit', (code) => fail(new Error(`npm run notebook exited ${code} before printing a URL:\n${log}`)));
    });
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/notebooks/00-quickstart\\.ipynb\\?token=${token}$`));

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return Boolean(J?.notebook?.kernel?.is_connected());
    }, undefined, { timeout: 120_000 });
    const kernel = await page.evaluate(() => {
      const J = (window as unknown as { Jupyter: { notebook: { set_autosave_interval(n: number): void; execute_all_cells(): void; kernel: { name: string } } } }).Jupyter;
      J.notebook.set_autosave_interval(0); // never save the served copy
      J.notebook.execute_all_cells();
      return J.notebook.kernel.name;
    });
    assert.equal(kernel, 'tslab');
    // Done when no cell is running and every code cell has a number, or a cell failed (errors land in stderr;
    // later cells then never run).
    const cells = async () => page.evaluate(() => {
      type Out = { output_type: string; name?: string; text?: string; ename?: string; evalue?: string };
      type Cell = { cell_type: string; input_prompt_number: unknown; output_area: { outputs: Out[] } };
      const J = (window as unknown as { Jupyter: { notebook: { get_cells(): Cell[] } } }).Jupyter;
      return J.notebook.get_cells().filter((c) => c.cell_type === 'code').map((c) => ({
        prompt: c.input_prompt_number,
        errors: c.output_area.outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`),
        stderr: c.output_area.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => String(o.text)),
      }));
    }) as Promise<CellState[]>;
    const deadline = Date.now() + 300_000;
    let state = await cells();
    while (Date.now() < deadline) {
      state = await cells();
      const running = state.some((c) => c.prompt === '*');
      const failed = state.some((c) => c.errors.length > 0 || c.stderr.length > 0);
      if (!running && (failed || state.every((c) => typeof c.prompt === 'number'))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(state.length >= 5, `code cells: ${state.length}`);
    state.forEach((c, i) => {
      assert.deepEqual(c.errors, [], `code cell ${i + 1} raised`);
      assert.deepEqual(c.stderr, [], `code cell ${i + 1} wrote to stderr`);
      assert.equal(typeof c.prompt, 'number', `code cell ${i + 1} did not finish: ${JSON.stringify(c.prompt)}`);
    });
    await page.waitForSelector('.output_area .js-plotly-plot svg.main-svg', { timeout: 60_000 });
    const bars = await page.$$eval('.output_area .js-plotly-plot .trace', (els) => els.length);
    assert.ok(bars >= 1, 'the events-per-type figure has a trace');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ }
  }
});

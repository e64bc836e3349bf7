import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { runReport, writeReport, writeSimulation } from '../../src';
import { ROOT, tmp, needs, missingReason } from '../helpers';

const CHROMIUM = process.env.BUYPATH_CHROMIUM ?? '/usr/bin/chromium';

test('the report renders every plot in headless Chromium, offline, without console errors', needs('chromium', 'xgboost'), async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium: expected ${CHROMIUM}, got nothing there; ${missingReason('chromium')}`);
  const dir = tmp();
  const { files } = await writeSimulation(join(dir, 'sim'), { impressions: 40_000, seed: 8 });
  const r = await runReport(files.events, { preset: 'buypath', config: { epochs: 1 }, replicates: 20, progress: 'none' });
  const out = writeReport(join(dir, 'report'), r.html, r.results);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith('file:') && !url.startsWith('data:')) external.push(url);
      return url.startsWith('file:') || url.startsWith('data:') ? route.continue() : route.abort();
    });
    await page.goto(pathToFileURL(out.html).href, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const figs = Array.from(document.querySelectorAll('.buypath-plot'));
      return figs.length > 0 && figs.every((f) => f.querySelector('svg.main-svg'));
    }, undefined, { timeout: 30_000 });
    const figures = await page.$$eval('.buypath-plot', (els) => els.map((e) => ({ id: e.id, svg: Boolean(e.querySelector('svg.main-svg')), traces: e.querySelectorAll('.trace, .sankey, .funnel').length })));
    assert.ok(figures.length >= 8, `figures: ${figures.length}`);
    for (const f of figures) assert.ok(f.svg, `${f.id} did not render`);
    assert.deepEqual(errors, []);
    assert.deepEqual(external, [], 'the page must not fetch anything from the network');
    mkdirSync(join(ROOT, 'reports'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'reports', 'report-screenshot.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});

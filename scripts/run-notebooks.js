'use strict';
// `npm start`: execute the numbered notebooks headless on the embedded data. Notebook 03 writes
// the report, reports/index.html (self-contained) and reports/results.json; each executed notebook
// is kept as self-contained HTML in reports/notebooks/, and what each recorded joins results.json.
const { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } = require('node:fs');
const { join, basename } = require('node:path');
const bp = require('../dist');
const { ensure } = require('./prerequisites');

/**
 * What npm start needs (scripts/prerequisites.js, "start": Jupyter, libxgboost, OpenBLAS), installed with
 * apt-get where it can; then the GBDT baseline is loaded (or fails with the install command) and the
 * matMul path the wasm backend will take is printed.
 */
function ensurePrerequisites() {
  ensure('start', { install: true });
  bp.loadXgboost();
  bp.loadSgemm();
  console.log(bp.blasPath
    ? `buypath: matMul on the wasm backend: native OpenBLAS (${bp.blasPath})`
    : `buypath: matMul on the wasm backend: transpose-fix kernels, no OpenBLAS (${process.env.BUYPATH_BLAS === '0' ? 'BUYPATH_BLAS=0' : 'install libopenblas0-pthread for ~2.7× faster training'})`);
}

async function main() {
  const started = Date.now();
  const root = bp.repoRoot();
  ensurePrerequisites();
  bp.setupJupyter({ install: true });
  await bp.ensureDefaultData(root);
  const only = process.argv.slice(2);
  const dir = join(root, 'notebooks');
  const reports = join(root, 'reports');
  const books = readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f) && (!only.length || only.some((o) => f.startsWith(o)))).sort();
  const outDir = join(reports, 'notebooks');
  mkdirSync(outDir, { recursive: true });
  const runs = [];
  for (const f of books) {
    process.stdout.write(`buypath: running ${f} … `);
    const params = f.startsWith('03-') ? { reportDir: reports } : {};
    const r = await bp.executeNotebook(join(dir, f), { outDir, html: true, params });
    console.log(r.ok ? `ok (${r.seconds.toFixed(1)} s)` : 'FAILED');
    if (!r.ok) console.error([...r.errors, ...r.stderr].join('\n'));
    runs.push(r);
  }
  const jsonPath = join(reports, 'results.json');
  const results = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : {};
  results.notebooks = Object.fromEntries(runs.map((r) => [basename(r.notebook, '.ipynb'), { ok: r.ok, seconds: r.seconds, html: `notebooks/${basename(r.html)}`, results: r.results ?? null }]));
  results.build_seconds = (Date.now() - started) / 1000;
  writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
  console.log(`buypath: wrote ${join(reports, 'index.html')} and ${jsonPath} in ${results.build_seconds.toFixed(0)} s`);
  if (runs.some((r) => !r.ok) || !existsSync(join(reports, 'index.html'))) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof bp.BuypathError ? `buypath: ${e.message}` : e);
  process.exitCode = 1;
});

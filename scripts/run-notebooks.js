'use strict';
// `npm start -- [LOG] [load flags] [--out DIR] …`: execute the numbered notebooks headless on LOG (default:
// the embedded data), its load flags (the CLI's) handed to every notebook as the parameters dataPath, preset
// and load (src/cli/start-args.ts). Notebook 03 writes the report, reports/index.html (self-contained) and
// reports/results.json; each executed notebook is kept as self-contained HTML in reports/notebooks/, and
// what each recorded joins results.json. `npm start -- --help` lists the flags.
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
    : `buypath: matMul on the wasm backend: ${bp.relaxedSimd() && process.env.BUYPATH_FMA !== '0' ? "buypath's WebAssembly FMA kernel" : 'XNNPACK with the transpose fix'}, no OpenBLAS (${process.env.BUYPATH_BLAS === '0' ? 'BUYPATH_BLAS=0' : 'install libopenblas0-pthread for faster training: about 2× on the paper preset'})`);
}

async function main() {
  const started = Date.now();
  const root = bp.repoRoot();
  // Every flag is checked (and a preset file read) before anything is installed, started or read.
  const plan = bp.startArgs(process.argv.slice(2), { cwd: process.env.INIT_CWD || process.cwd(), root });
  if (plan.help) return console.log(bp.START_USAGE);
  ensurePrerequisites();
  bp.setupJupyter({ install: true });
  if (!plan.log) await bp.ensureDefaultData(root);
  const only = plan.only;
  const dir = join(root, 'notebooks');
  const reports = plan.out;
  const books = readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f) && (!only.length || only.some((o) => f.startsWith(o)))).sort();
  if (!books.length) throw new bp.OptionError(`npm start --only: expected prefixes of notebooks in ${dir}, got ${only.join(',')}. Pass e.g. --only 00,01.`);
  if (plan.log) console.log(`buypath: running the notebooks on ${plan.log}${plan.params.preset ? ` (preset ${plan.params.preset})` : ''}`);
  const outDir = join(reports, 'notebooks');
  mkdirSync(outDir, { recursive: true });
  const runs = [];
  for (const f of books) {
    process.stdout.write(`buypath: running ${f} … `);
    const declared = bp.notebookParameters(join(dir, f));
    const params = { ...bp.paramsFor(plan, declared), ...(declared.includes('reportDir') ? { reportDir: reports } : {}) };
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
  const failed = runs.filter((r) => !r.ok).map((r) => basename(r.notebook));
  if (failed.length || !existsSync(join(reports, 'index.html'))) {
    console.error(`buypath: ${failed.length ? `${failed.join(', ')} failed (errors above; executed copies in ${outDir})` : `no report at ${join(reports, 'index.html')}`}; wrote ${jsonPath} in ${results.build_seconds.toFixed(0)} s`);
    process.exitCode = 1;
  } else console.log(`buypath: wrote ${join(reports, 'index.html')} and ${jsonPath} in ${results.build_seconds.toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e instanceof bp.BuypathError ? (e.message.startsWith('npm start') ? e.message : `buypath: ${e.message}`) : e);
  process.exitCode = 1;
});

'use strict';
// `npm start`: execute every numbered notebook headless on the embedded data and
// write reports/index.html (linking each executed notebook's self-contained HTML)
// and reports/results.json (what each notebook recorded).
const { mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const { join, basename } = require('node:path');
const bp = require('../dist');

async function main() {
  const root = bp.repoRoot();
  bp.setupJupyter({ install: true });
  await bp.ensureDefaultData(root);
  const only = process.argv.slice(2);
  const dir = join(root, 'notebooks');
  const books = readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f) && (!only.length || only.some((o) => f.startsWith(o)))).sort();
  const outDir = join(root, 'reports', 'notebooks');
  mkdirSync(outDir, { recursive: true });
  const runs = [];
  for (const f of books) {
    process.stdout.write(`buypath: running ${f} … `);
    const r = await bp.executeNotebook(join(dir, f), { outDir, html: true });
    console.log(r.ok ? `ok (${r.seconds.toFixed(1)} s)` : 'FAILED');
    if (!r.ok) console.error([...r.errors, ...r.stderr].join('\n'));
    runs.push(r);
  }
  const results = { generated_by: 'npm start', notebooks: Object.fromEntries(runs.map((r) => [basename(r.notebook, '.ipynb'), { ok: r.ok, seconds: r.seconds, results: r.results ?? null }])) };
  writeFileSync(join(root, 'reports', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const rows = runs.map((r) => `<tr><td><a href="notebooks/${basename(r.html)}">${basename(r.notebook)}</a></td><td>${r.ok ? 'ok' : 'failed'}</td><td>${r.seconds.toFixed(1)} s</td></tr>`).join('\n');
  writeFileSync(join(root, 'reports', 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>buypath report</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto}td,th{padding:.3em 1em;text-align:left}</style></head>
<body><h1>buypath report</h1><p>Notebooks executed headless on the embedded simulated data (${new Date().toISOString()}).</p>
<table><tr><th>notebook</th><th>status</th><th>time</th></tr>
${rows}
</table><p>Numbers: <a href="results.json">results.json</a></p></body></html>\n`);
  console.log(`buypath: wrote ${join(root, 'reports', 'index.html')} and results.json`);
  if (runs.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e instanceof bp.BuypathError ? `buypath: ${e.message}` : e);
  process.exitCode = 1;
});

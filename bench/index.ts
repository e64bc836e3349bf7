/**
 * `npm run bench -- mine`: mines a 10M-event simulated log with buypath (`buypath`: the
 * default engine, DuckDB reads ids, events and times into typed columns, one walk mines them;
 * `buypath (table)`: the same reader with the features and an arquero table) and computes the
 * same funnel with plain DuckDB SQL and pandas, each in its own process; prints wall time, peak
 * memory and rows/s side by side, as ratios to DuckDB SQL, and the reader's and the walk's rows/s
 * apart. `--json`: one object {events, runs: [{name, seconds, max_rss_mib, rows_per_s, …}]}.
 * `--impressions=N`: another size, with buypath at the default size among the runs (its growth in the same run; the
 * JSON's `buypath at the default size`): ×3 the default shows growth. `--copies=K`: K copies of the default log (ids and
 * times shifted per copy; 10 copies: 100M events, which the in-memory simulator cannot write), with the same growth line. `--repeat=N` (default 2): each run
 * N times, the engines taking turns, the fastest kept (pandas once). `--no-pandas`, `--no-table` leave those runs out (at
 * 30M events they need 17 and 7 GB). `--explore` adds a run with the
 * exploration views of `buypath mine --by category --scan --graph`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { profileStep, formatProfile } from './train-profile';
import { towersThreadStats, SIMULATOR_VERSION, openDuckDB, sqlString, parseFeatureOptions, preTransform, csvField, describeFeatures, setWasmMatMul, wasmMatMul, blasPath, auc, rowsWhere, oracleScores, fitModel, scoreModel, fitGbdt, gbdtData, type ModelName, writeSimulation, ensureDefaultData, prepareLog, type Prepared, initBackend, createModel, train, MODEL_CONFIGS, TRAIN_DEFAULTS, type TrainData } from '../src';

const ROOT = resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const prerequisites = require('../scripts/prerequisites.js') as {
  locate(name: string): string | undefined;
  prerequisite(name: string): { apt: string[]; elsewhere: string };
};

/** Impressions of the default `bench mine` log (about 10M events). */
const DEFAULT_IMPRESSIONS = 9_300_000;

async function benchMine(args: string[]) {
  const json = args.includes('--json');
  const say = (line: string) => (json ? undefined : console.log(line));
  const impressions = Number(args.find((a) => a.startsWith('--impressions='))?.split('=')[1] ?? DEFAULT_IMPRESSIONS);
  const simulated = async (n: number): Promise<{ dir: string; file: string }> => {
    const dir = join(ROOT, 'bench', 'out', `sim-${n}`), file = join(dir, 'events.csv');
    if (!existsSync(file)) {
      say(`generating ${n} impressions (≈${(n * 1.072 / 1e6).toFixed(1)}M events) in ${dir} …`);
      await writeSimulation(dir, { impressions: n, seed: 1 });
    }
    return { dir, file };
  };
  // `--copies=K`: K copies of the default log, each with impressions, users and days of its own (the simulator holds a whole
  // log in memory; copies reach 100M events): every funnel count is K times the default log's.
  const copiesArg = args.find((a) => a.startsWith('--copies='));
  const copies = copiesArg ? Number(copiesArg.split('=')[1]) : 0;
  if (copiesArg && (!Number.isInteger(copies) || copies < 2 || args.some((a) => a.startsWith('--impressions=')))) {
    throw new Error(`bench mine: expected --copies=K with a whole K of at least 2 and no --impressions, got ${copiesArg}. Pass e.g. --copies=10 (100M events).`);
  }
  const copied = async (k: number): Promise<{ dir: string; file: string }> => {
    const base = await simulated(DEFAULT_IMPRESSIONS);
    const meta = JSON.parse(readFileSync(join(base.dir, 'meta.json'), 'utf8'));
    const dir = join(ROOT, 'bench', 'out', `copies-${k}`), file = join(dir, 'events.csv'), metaFile = join(dir, 'meta.json');
    // What the copies are of: a file written from another default log (or left half written) is written again.
    const made = { copies: k, of: base.file, version: meta.version, rows: k * meta.rows, bytes: 0 };
    if (existsSync(file) && existsSync(metaFile)) {
      const was = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (was.copies === k && was.version === made.version && was.rows === made.rows && was.bytes === statSync(file).size) return { dir, file };
    }
    say(`writing ${k} copies of ${base.file} (ids and times shifted per copy) to ${file} …`);
    mkdirSync(dir, { recursive: true });
    rmSync(metaFile, { force: true });
    const { users, days } = meta.options as { users: number; days: number };
    const cols = ['impression_id', 'user_id', 'item_id', 'event', 'ts', 'segment', 'category', 'price', 'activity', 'level', 'rating'];
    const spec = `{${cols.map((c) => `'${c}': '${c === 'ts' ? 'BIGINT' : 'VARCHAR'}'`).join(', ')}}`;
    const idStep = 10 ** Math.ceil(Math.log10(DEFAULT_IMPRESSIONS + 1)); // impression ids of copy c: c·idStep + the default log's
    const con = await openDuckDB();
    const part = `${file}.part`, out = openSync(`${file}.tmp`, 'w'), buf = Buffer.allocUnsafe(1 << 24);
    try {
      await con.run('SET preserve_insertion_order=true');
      for (let c = 0; c < k; c++) {
        await con.run(`COPY (SELECT 'i' || (substr(impression_id, 2)::BIGINT + ${c * idStep}) AS impression_id,
          'u' || (substr(user_id, 2)::BIGINT + ${c * users}) AS user_id, item_id, event, ts + ${c * (days + 1) * 86400} AS ts, segment, category, price, activity, level, rating
          FROM read_csv(${sqlString(base.file)}, header=true, auto_detect=false, columns=${spec})) TO ${sqlString(part)} (HEADER ${c === 0})`);
        // Appended at once, so that the disk holds one copy more than the file at most.
        const fd = openSync(part, 'r');
        for (let got; (got = readSync(fd, buf, 0, buf.length, null)) > 0;) writeSync(out, buf, 0, got);
        closeSync(fd);
      }
    } finally {
      closeSync(out);
      rmSync(part, { force: true });
      con.closeSync();
    }
    renameSync(`${file}.tmp`, file);
    writeFileSync(metaFile, JSON.stringify({ ...made, bytes: statSync(file).size }, null, 2) + '\n');
    return { dir, file };
  };
  const { dir, file } = copies ? await copied(copies) : await simulated(impressions);
  const machine = `${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`;
  say(`machine: ${machine}; each run ${Number(args.find((a) => a.startsWith('--repeat='))?.split('=')[1] ?? 2)} times, engines taking turns, the fastest kept (pandas once)`);
  type Run = { name: string; seconds: number; max_rss_mib: number; counts: Record<string, number>; rows_per_s?: number; events?: number; partitions?: number;
    read_seconds?: number; walk_seconds?: number; reader_rows_per_s?: number; walk_rows_per_s?: number; explore_seconds?: number };
  const runs: Run[] = [];
  // Each run `repeat` times (default 2), the fastest kept: the machine is shared, and every engine gets the same chance.
  // The engines take turns (round after round), so that a machine that slows down or speeds up meanwhile weighs on each alike.
  const repeat = Math.max(1, Number(args.find((a) => a.startsWith('--repeat='))?.split('=')[1] ?? 2));
  const planned: { name: string; cmd: string; argv: string[]; times: number }[] = [];
  const run = (name: string, cmd: string, argv: string[], times = repeat) => planned.push({ name, cmd, argv, times });
  // Every run's seconds, in the order they ran (printed with the table: how much the machine moved).
  const all = new Map<string, number[]>();
  const runAll = () => {
    const best = new Map<string, Run | null>();
    for (let k = 0; k < Math.max(...planned.map((p) => p.times)); k++) {
      for (const { name, cmd, argv, times } of planned) {
        if (k >= times || best.get(name) === null) continue;
        const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 26 });
        const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
        if (r.status !== 0 || !line.startsWith('{')) {
          if (json) console.error(`${name}: failed (${r.status}) ${(r.stderr ?? '').slice(-400)}`);
          else console.log(`${name}: failed (${r.status}) ${(r.stderr ?? '').slice(-400)}`);
          best.set(name, null);
          continue;
        }
        const got: Run = { name, ...JSON.parse(line) };
        all.set(name, [...(all.get(name) ?? []), got.seconds]);
        const was = best.get(name);
        if (!was || got.seconds < was.seconds) best.set(name, got);
      }
    }
    for (const r of best.values()) if (r) runs.push(r);
  };
  // The runs use the compiled library, as `buypath mine` does: build it first (tsc's output goes to stderr).
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) throw new Error(`bench mine: expected \`npm run build\` to succeed, got exit status ${built.status}. Fix the build errors above.`);
  const node = [process.execPath, ['--max-old-space-size=16000', '--import', 'tsx', join('bench', 'mine-child.ts')]] as const;
  run('buypath', node[0], [...node[1], 'buypath', file]);
  // At another size, buypath at the default size too, taking turns with the rest: growth measured in one run, on one machine state.
  const atDefault = 'buypath at the default size';
  if (impressions !== DEFAULT_IMPRESSIONS || copies) run(atDefault, node[0], [...node[1], 'buypath', (await simulated(DEFAULT_IMPRESSIONS)).file]);
  if (!args.includes('--no-table')) run('buypath (table)', node[0], [...node[1], 'memory', file]);
  if (args.includes('--explore')) run('+ explore views', node[0], [...node[1], 'memory-explore', file]);
  run('DuckDB SQL', node[0], [...node[1], 'duckdb-sql', file]);
  const py = prerequisites.locate('pandas');
  if (py && !args.includes('--no-pandas')) run('pandas', py, [join('bench', 'mine_pandas.py'), file], 1);
  else if (!py) say(`pandas: not installed (apt-get install -y ${prerequisites.prerequisite('pandas').apt.join(' ')})`);
  runAll();
  const events = runs.find((r) => r.name === 'buypath')?.events ?? Number(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).rows);
  for (const r of runs) r.rows_per_s = (r.events ?? events) / r.seconds;
  const base = runs.find((r) => r.name === atDefault);
  if (base) runs.splice(runs.indexOf(base), 1); // not in the table: its size is not the others'
  if (json) {
    console.log(JSON.stringify({ events, machine, repeat, runs: [...runs, ...(base ? [base] : [])].map(({ counts, ...r }) => ({ ...r, funnel: counts })) }, null, 2));
    return;
  }
  const ref = runs.find((r) => r.name === 'DuckDB SQL') ?? runs[0];
  console.log(`\n${events.toLocaleString('en-US')} events\n${'run'.padEnd(18)} ${'wall s'.padStart(8)} ${'peak MiB'.padStart(9)} ${'rows/s'.padStart(11)} ${'time ×'.padStart(7)} ${'mem ×'.padStart(6)}  funnel (impression/click/cart/wish/buy)`);
  for (const r of runs) {
    const c = r.counts;
    console.log(`${r.name.padEnd(18)} ${r.seconds.toFixed(1).padStart(8)} ${r.max_rss_mib.toFixed(0).padStart(9)} ${Math.round(r.rows_per_s!).toLocaleString('en-US').padStart(11)} ${(r.seconds / ref.seconds).toFixed(2).padStart(7)} ${(r.max_rss_mib / ref.max_rss_mib).toFixed(2).padStart(6)}  ${c.impression}/${c.click}/${c.cart}/${c.wish}/${c.buy}`);
  }
  console.log(`ratios: time × and mem × are relative to ${ref.name}; above 1 means slower / more memory.`);
  console.log(`every run, in the order they ran (s): ${[...all].map(([name, t]) => `${name} ${t.map((x) => x.toFixed(1)).join(', ')}`).join('; ')}`);
  for (const r of runs.filter((x) => x.reader_rows_per_s)) {
    console.log(`${r.name}: reader ${Math.round(r.reader_rows_per_s!).toLocaleString('en-US')} rows/s (${r.read_seconds!.toFixed(1)} s), walk ${Math.round(r.walk_rows_per_s!).toLocaleString('en-US')} rows/s (${r.walk_seconds!.toFixed(1)} s)${r.partitions && r.partitions > 1 ? `, ${r.partitions} partitions` : ''}`);
  }
  const b = runs.find((r) => r.name === 'buypath');
  if (b) console.log(`per 10M events: ${(b.seconds / events * 1e7).toFixed(1)} s, peak ${b.max_rss_mib.toFixed(0)} MiB at ${(events / 1e6).toFixed(1)}M events${base ? '' : ` (--impressions=${impressions * 3} shows growth)`}`);
  if (b && base?.events) {
    const x = events / base.events;
    console.log(`growth: ${x.toFixed(2)}× the events of the default size (${base.events.toLocaleString('en-US')}, ${base.seconds.toFixed(1)} s, ${base.max_rss_mib.toFixed(0)} MiB, same run) → ${(b.seconds / base.seconds).toFixed(2)}× the time, ${(b.max_rss_mib / base.max_rss_mib).toFixed(2)}× the peak memory (linear: ${x.toFixed(2)}×)`);
  }
  const ex = runs.find((r) => r.name === '+ explore views');
  if (ex?.explore_seconds !== undefined) console.log(`explore views (--by category --scan --graph, time to purchase): ${ex.explore_seconds.toFixed(1)} s on top of ${(ex.seconds - ex.explore_seconds).toFixed(1)} s of loading and mining (+${(100 * ex.explore_seconds / (ex.seconds - ex.explore_seconds)).toFixed(0)}%)`);
}

/** The first `n` rows of encoded data. */
function head(d: TrainData, n: number): TrainData {
  const k = Math.min(n, d.rows.n);
  return { ...d, rows: { n: k, cat: d.rows.cat.slice(0, k * d.C), num: d.rows.num.slice(0, k * d.N) }, click: d.click.slice(0, k), daction: d.daction.slice(0, k), buy: d.buy.slice(0, k) };
}

/** Multiply-accumulates of one forward pass of ESM2's towers for one sample. */
function towerMacs(inputDim: number, towers: number[], nTowers: number): number {
  const sizes = [inputDim, ...towers, 1];
  let macs = 0;
  for (let i = 0; i + 1 < sizes.length; i++) macs += sizes[i] * sizes[i + 1];
  return macs * nTowers;
}

/** Plain matMul throughput (GFLOP/s) of the active kernel on a [1000, 512] × [512, 512] product. */
async function matMulPeak(tf: typeof import('@tensorflow/tfjs')): Promise<number> {
  const fill = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k));
  const a = tf.tensor2d(fill(1000 * 512, 0.37), [1000, 512]), b = tf.tensor2d(fill(512 * 512, 0.73), [512, 512]);
  const once = () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); };
  once();
  const reps = 20, t0 = performance.now();
  for (let i = 0; i < reps; i++) once();
  const s = (performance.now() - t0) / 1000;
  a.dispose(); b.dispose();
  return (2 * 1000 * 512 * 512 * reps) / s / 1e9;
}

type TorchRef = { samples_per_s: number; torch: string } | { missing: string };

/** PyTorch's samples/s on the same model, or why there is none (PyTorch missing, or its script failed). */
function torchReference(args: object, threads: number): TorchRef {
  const py = prerequisites.locate('pytorch');
  if (!py) {
    const p = prerequisites.prerequisite('pytorch');
    return { missing: `PyTorch not installed: apt-get install -y ${p.apt.join(' ')}, or ${p.elsewhere}` };
  }
  const r = spawnSync(py, [join(ROOT, 'bench', 'esm2_torch.py')], { input: JSON.stringify({ ...args, threads }), encoding: 'utf8' });
  if (r.status !== 0) return { missing: `bench/esm2_torch.py failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const measured = (r: TorchRef | undefined): r is { samples_per_s: number; torch: string } => Boolean(r && 'samples_per_s' in r);

async function benchTrain(args: string[]) {
  const json = args.includes('--json');
  const backend = await initBackend(undefined, { quiet: json });
  const tf = backend.tf;
  const files = await ensureDefaultData();
  const { prepared: p } = await prepareLog(files.events, { load: { preset: 'buypath' }, daction: ['cart', 'wish'] });
  if (args.includes('--profile')) {
    const steps = Number(args.find((a) => a.startsWith('--steps='))?.split('=')[1] ?? 0);
    const profiles = [];
    for (const preset of ['fast', 'paper'] as const) {
      const prof = await profileStep(tf, p.spec, head(p.data.train, 20_000), head(p.data.validation, 10_000), preset, steps || (preset === 'fast' ? 20 : 3), p.data.train.rows.n);
      profiles.push(prof);
      if (!json) console.log(formatProfile(prof));
    }
    const setting = { backend: backend.name, matMul: backend.name === 'wasm' ? wasmMatMul : null, fused_adam: process.env.BUYPATH_FUSED_ADAM !== '0', fused_dense: process.env.BUYPATH_FUSED_DENSE === '1' && wasmMatMul === 'blas', fused_step: backend.name === 'wasm' && process.env.BUYPATH_FUSED !== '0', simd: backend.name === 'wasm' && process.env.BUYPATH_SIMD !== '0', towers_thread: towersThreadStats() };
    if (json) console.log(JSON.stringify({ setting, profiles }, null, 2));
    else console.log(`setting: ${JSON.stringify(setting)}`);
    return;
  }
  const modes: { label: string; set?: 'blas' | 'fma' | 'transpose-fix' | 'stock' }[] = backend.name === 'wasm'
    ? [{ label: 'wasm+blas', set: 'blas' }, { label: 'wasm+fma', set: 'fma' }, { label: 'wasm+transpose-fix', set: 'transpose-fix' }, { label: 'wasm (stock)', set: 'stock' }]
    : [{ label: backend.name }];
  const results: Record<string, unknown>[] = [];
  const v = p.data.validation, c = v.click.findIndex((x) => x === 1);
  const oneClicked: TrainData = { ...v, rows: { n: 1, cat: v.rows.cat.slice(c * v.C, (c + 1) * v.C), num: v.rows.num.slice(c * v.N, (c + 1) * v.N) }, click: v.click.slice(c, c + 1), daction: v.daction.slice(c, c + 1), buy: v.buy.slice(c, c + 1) };
  const refs: Record<string, Record<string, TorchRef>> = {};
  for (const preset of ['fast', 'paper'] as const) {
    const config = MODEL_CONFIGS[preset];
    const macs = towerMacs(p.spec.vocabSizes.length * config.embeddingDim + p.spec.numNumeric, config.towers, 4);
    const torchArgs = { vocab_sizes: p.spec.vocabSizes, num_numeric: p.spec.numNumeric, embedding: config.embeddingDim, towers: config.towers, dropout: config.dropout, lr: config.learningRate, batch: config.batchSize, steps: preset === 'fast' ? 60 : 10 };
    refs[preset] = { 'pytorch-1t': torchReference(torchArgs, 1), 'pytorch-default': torchReference(torchArgs, 0) };
    const best = Object.entries(refs[preset]).flatMap(([k, v]) => (measured(v) ? [[k, v] as const] : [])).sort((a, b) => b[1].samples_per_s - a[1].samples_per_s)[0];
    const whyNone = best ? null : Object.values(refs[preset]).map((v) => ('missing' in v ? v.missing : '')).find(Boolean) ?? 'no reference';
    for (const mode of modes) {
      if (mode.set) setWasmMatMul(tf, mode.set);
      if ((mode.set === 'blas' || mode.set === 'fma') && wasmMatMul !== mode.set) continue; // no BLAS installed, or no relaxed SIMD
      const rows = preset === 'fast' ? 60_000 : mode.set === 'stock' ? 2_000 : 8_000;
      const d = head(p.data.train, rows);
      const m = createModel('esm2', tf, p.spec, { config, seed: 1, lossWeights: TRAIN_DEFAULTS.lossWeights, oversample: 5 });
      const opts = { epochs: 1, batchSize: config.batchSize, learningRate: config.learningRate, patience: 9, seed: 1, progress: 'none' as const };
      await train(m, head(d, config.batchSize), head(p.data.validation, 1000), opts); // warm-up
      const t0 = Date.now();
      await train(m, d, oneClicked, opts); // the least validation that early stopping accepts
      const sps = rows / ((Date.now() - t0) / 1000);
      m.dispose();
      const peak = await matMulPeak(tf);
      results.push({
        preset, backend: mode.label, samples_per_s: Math.round(sps), reference: best?.[0] ?? null, reference_samples_per_s: best ? Math.round(best[1].samples_per_s) : null,
        ratio: best ? +(sps / best[1].samples_per_s).toFixed(3) : null, ratio_reason: whyNone, achieved_gflops: +((sps * 6 * macs) / 1e9).toFixed(2), matmul_peak_gflops: +peak.toFixed(2),
        rows, batch: config.batchSize, embedding: config.embeddingDim, towers: config.towers,
      });
    }
  }
  if (backend.name === 'wasm') setWasmMatMul(tf, 'blas');
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, tfjs: backend.version, blas: blasPath ?? null };
  const references = Object.fromEntries(Object.entries(refs).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([n, r]) => [n, measured(r) ? Math.round(r.samples_per_s) : null]))]));
  const torchVersion = Object.values(refs).flatMap((v) => Object.values(v)).find(measured)?.torch ?? null;
  const missing = Object.values(refs).flatMap((v) => Object.values(v)).map((r) => ('missing' in r ? r.missing : '')).find(Boolean) ?? null;
  if (json) return console.log(JSON.stringify({ machine, torch: torchVersion, reference_missing: missing, references, results }, null, 2));
  if (missing) console.log(`reference: ${missing} (ratios are — until it is installed)`);
  console.log(`machine: ${machine.cpus} × ${machine.cpu}, ${machine.memory_gib} GiB, node ${machine.node}, tfjs ${machine.tfjs}, BLAS ${machine.blas ?? 'none'}, PyTorch ${torchVersion ?? 'not installed'}`);
  console.log(`PyTorch references (samples/s): ${JSON.stringify(references)}`);
  console.log(`${'preset'.padEnd(6)} ${'backend'.padEnd(20)} ${'samples/s'.padStart(10)} ${'vs PyTorch best'.padStart(16)} ${'GFLOP/s'.padStart(8)} ${'matMul peak'.padStart(12)}`);
  for (const r of results) console.log(`${String(r.preset).padEnd(6)} ${String(r.backend).padEnd(20)} ${String(r.samples_per_s).padStart(10)} ${(r.ratio === null ? '— (no PyTorch)' : `${r.ratio}× ${r.reference}`).padStart(16)} ${String(r.achieved_gflops).padStart(8)} ${String(r.matmul_peak_gflops).padStart(12)}`);
}

/**
 * A reference learner on the same clicked rows and features: writes them as CSV (numeric fields as the
 * encoder transforms them) and runs bench/lr_reference.py; undefined without python3 + scikit-learn + pandas.
 */
function lrReference(p: Prepared, dir: string): { cvr_auc: number; C: number } | undefined {
  const py = prerequisites.locate('scikit-learn');
  if (!py) {
    console.log(`reference: logistic regression skipped (needs python3 with scikit-learn and pandas: apt-get install -y ${prerequisites.prerequisite('scikit-learn').apt.join(' ')})`);
    return undefined;
  }
  const s = p.samples;
  const cats = p.encoder.categorical.map((c) => c.name), nums = p.encoder.numeric;
  for (const [name, idx] of Object.entries(p.split)) {
    const lines = [[...cats.map((c) => `cat:${c}`), ...nums.map((f) => `num:${f.name}`), 'buy'].join(',')];
    for (const r of idx as Int32Array) {
      if (!s.labels.click[r]) continue;
      const num = nums.map((f) => { const v = preTransform(f, s.numeric[f.name][r]); return Number.isFinite(v) ? String(v) : ''; });
      lines.push([...cats.map((c) => csvField(s.categorical[c][r])), ...num, s.labels.buy[r]].join(','));
    }
    writeFileSync(join(dir, `lr-${name}.csv`), lines.join('\n') + '\n');
  }
  const r = spawnSync(py, [join(ROOT, 'bench', 'lr_reference.py'), dir], { encoding: 'utf8' });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    console.log(`reference: logistic regression failed (${r.status}): ${(r.stderr ?? '').slice(-300)}`);
    return undefined;
  }
  return JSON.parse(line);
}

/**
 * ESM2 vs ESMM vs DNN (and GBDT: `gbdt` with categories as categories and missing as missing, `gbdt_ordinal` with the
 * encoding buypath used before issue 12) on a simulated log, several seeds, against the oracle (README table).
 */
async function benchModels(args: string[]) {
  const arg = (name: string, d: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d;
  const impressions = Number(arg('impressions', '5000000'));
  const seeds = arg('seeds', '1,2,3').split(',').map(Number);
  const models = arg('models', 'esm2,esmm,dnn').split(',').filter(Boolean);
  const epochs = Number(arg('epochs', '10')), patience = Number(arg('patience', '3'));
  // The benchmark's features: the observed columns plus the segment × category cross; ids stay keys
  // (per-id embeddings overfit the purchase towers at these sizes, see README).
  const features = parseFeatureOptions(arg('exclude', 'user_id,item_id'), arg('cross', 'segment:category'));
  const dir = join(ROOT, 'bench', 'out', `models-${impressions}`);
  const version = existsSync(join(dir, 'meta.json')) ? JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).version : null;
  if (version !== SIMULATOR_VERSION) {
    console.log(`generating ${impressions} impressions (simulator version ${SIMULATOR_VERSION}, seed 2) in ${dir} …`);
    await writeSimulation(dir, { impressions, seed: 2 });
  }
  const backend = await initBackend();
  const { prepared: p } = await prepareLog(join(dir, 'events.csv'), { load: { preset: 'buypath' }, daction: ['cart', 'wish'], features });
  console.log(`features: ${describeFeatures(p.features)} → ${p.encoder.categorical.map((c) => c.name).join(', ')}; numeric ${p.encoder.numeric.map((f) => `${f.name}${f.transform === 'log1p' ? ' (log1p)' : ''}`).join(', ')}; fast preset, up to ${epochs} epochs, patience ${patience}`);
  const t = p.data.test;
  const clicked = rowsWhere(t.click);
  const o = oracleScores(join(dir, 'truth.csv'), p.samples, p.split.test);
  const oracle = { cvr_auc: auc(t.buy, o.p_buy_given_click, clicked), ctcvr_auc: auc(t.buy, o.p_click.map((c, i) => c * o.p_buy_given_click[i])) };
  console.log(`${impressions} impressions, test ${t.rows.n} rows (${clicked.length} clicked, ${t.buy.reduce((a, b) => a + b, 0)} purchases); oracle CVR AUC ${oracle.cvr_auc.toFixed(4)}, CTCVR AUC ${oracle.ctcvr_auc.toFixed(4)}`);
  const lr = lrReference(p, dir);
  if (lr) console.log(`reference: logistic regression (scikit-learn, same clicked rows and features, C ${lr.C} chosen on validation): CVR AUC ${lr.cvr_auc.toFixed(4)} (gap to oracle ${(oracle.cvr_auc - lr.cvr_auc).toFixed(4)})`);
  const rows: Record<string, number[][]> = {};
  for (const seed of seeds) for (const m of models) {
    if (m === 'gbdt' || m === 'gbdt_ordinal') {
      const g = await fitGbdt(gbdtData(p, m === 'gbdt' ? 'native' : 'ordinal'), p.samples.space, { seed });
      const s = scoreModel(t, g.test, p.samples.space);
      (rows[m] ??= []).push([s.cvr_auc, s.ctcvr_auc]);
      console.log(`${m} seed ${seed}: CVR AUC ${s.cvr_auc.toFixed(4)}, CTCVR AUC ${s.ctcvr_auc.toFixed(4)}, trees ${g.rounds.cvr} (CVR) and ${g.rounds.ctcvr} (CTCVR) and ${g.splits.cvr ?? 'no'}/${g.splits.ctcvr ?? 'no'} categorical splits chosen on validation, ${g.seconds.toFixed(0)} s`);
      continue;
    }
    const f = await fitModel(p, { model: m as ModelName, seed, config: { epochs, patience }, progress: 'none' });
    const s = scoreModel(t, f.test, p.samples.space);
    (rows[m] ??= []).push([s.cvr_auc, s.ctcvr_auc]);
    console.log(`${m} seed ${seed}: CVR AUC ${s.cvr_auc.toFixed(4)}, CTCVR AUC ${s.ctcvr_auc.toFixed(4)}, best epoch ${f.result.bestEpoch}, ${Math.round(f.result.samplesPerSecond)} samples/s on ${backend.name}`);
    f.model.dispose();
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  for (const [m, r] of Object.entries(rows)) console.log(`${m.padEnd(6)} mean CVR AUC ${mean(r.map((x) => x[0])).toFixed(4)} (gap to oracle ${(oracle.cvr_auc - mean(r.map((x) => x[0]))).toFixed(4)}), mean CTCVR AUC ${mean(r.map((x) => x[1])).toFixed(4)}`);
}

async function main() {
  const [what, ...rest] = process.argv.slice(2);
  if (what === 'mine') return benchMine(rest);
  if (what === 'train') return benchTrain(rest);
  if (what === 'models') return benchModels(rest);
  console.log('Usage: npm run bench -- mine [--impressions=N | --copies=K] [--json] [--repeat=N] [--explore] [--no-pandas] [--no-table] | train [--json] [--profile [--steps=N]] | models [--impressions=N] [--seeds=1,2,3] [--models=esm2,esmm,dnn,gbdt,gbdt_ordinal] [--exclude=a,b] [--cross=a:b] [--epochs=N] [--patience=N]');
  process.exitCode = what ? 1 : 0;
}
main();

'use strict';
/**
 * The one list of buypath's system prerequisites: what each one is for, how to check it, the Debian
 * package that provides it, the command elsewhere, and who needs it (`npm start`, `npm test`,
 * `npm run notebook`, `npm run bench`, CI). `npm start`, `npm test`, `npm run notebook`,
 * `npm run setup` and `.ci/run` all read this list; nothing else keeps a copy.
 *
 *   node scripts/prerequisites.js [--for start|test|notebook|bench|ci] [--install] [--strict] [--list]
 *
 * --install installs what is missing with apt-get where that can work (Debian/Ubuntu, run as root),
 * else prints the exact command; --strict exits 1 when anything is still missing; --list prints the table.
 * Plain CommonJS with no dependencies, so it runs before `npm ci` and without a build.
 */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

/** Who needs what; `ci` is the union of the test suite and the quick start. */
const PURPOSES = {
  start: 'npm start (the notebooks and the report on the embedded data)',
  test: 'npm test (the test suite, its cross-checks and browser tests)',
  notebook: 'npm run notebook (the notebooks in a browser)',
  bench: 'npm run bench (the benchmarks and their references)',
  ci: '.ci/run (everything npm test and npm start need)',
};

const XGBOOST_LIBS = [
  '/usr/lib/x86_64-linux-gnu/libxgboost.so.0', '/usr/lib/aarch64-linux-gnu/libxgboost.so.0', '/usr/lib/libxgboost.so',
  '/usr/local/lib/libxgboost.so', '/opt/homebrew/lib/libxgboost.dylib', '/usr/local/lib/libxgboost.dylib',
];
const OPENBLAS_LIBS = [
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0', '/usr/lib/aarch64-linux-gnu/libopenblas.so.0', '/usr/lib/libopenblas.so.0',
  '/opt/homebrew/opt/openblas/lib/libopenblas.dylib', '/usr/local/opt/openblas/lib/libopenblas.dylib',
];

/**
 * Each prerequisite: `name` (what tests and messages call it), `what` it is for, the `apt` packages,
 * the command `elsewhere`, `needs` (which purposes), and one way to check it: `python` modules that one
 * Python must import, `files` of which one must exist (an environment variable may name another), or both.
 */
const PREREQUISITES = [
  {
    name: 'jupyter', what: 'runs the notebooks headless (nbclient) and registers the tslab kernel',
    apt: ['jupyter-nbconvert', 'jupyter-client', 'python3-nbclient', 'python3-ipykernel'],
    python: ['nbclient', 'nbconvert', 'jupyter_client', 'ipykernel'],
    elsewhere: 'python3 -m pip install nbclient nbconvert jupyter_client ipykernel   (then set BUYPATH_PYTHON to that python)',
    needs: ['start', 'test', 'notebook', 'ci'],
  },
  {
    name: 'notebook-server', what: 'serves the notebooks to a browser (npm run notebook)',
    apt: ['jupyter-notebook'], python: ['notebook', 'nbclient', 'ipykernel'],
    elsewhere: 'python3 -m pip install "notebook<7" nbclient ipykernel   (then set BUYPATH_PYTHON to that python)',
    needs: ['notebook', 'test', 'ci'],
  },
  {
    name: 'xgboost', what: 'the GBDT baseline (libxgboost through koffi)',
    apt: ['libxgboost0'], files: XGBOOST_LIBS, env: 'BUYPATH_XGBOOST_LIB',
    elsewhere: 'brew install xgboost   (macOS), or point BUYPATH_XGBOOST_LIB to libxgboost.so',
    needs: ['start', 'test', 'bench', 'ci'],
  },
  {
    name: 'openblas', what: 'fast matMul on the wasm backend (paper preset: about 1.3× the speed of PyTorch with it, 0.67× without)',
    apt: ['libopenblas0-pthread'], files: OPENBLAS_LIBS, env: 'BUYPATH_BLAS_LIB',
    elsewhere: 'brew install openblas   (macOS), or point BUYPATH_BLAS_LIB to libopenblas',
    needs: ['start', 'test', 'bench', 'ci'],
  },
  {
    name: 'scikit-learn', what: 'cross-checks of the metrics, the benchmark\'s logistic-regression reference',
    apt: ['python3-sklearn', 'python3-pandas'], python: ['sklearn', 'pandas'],
    elsewhere: 'python3 -m pip install scikit-learn pandas',
    needs: ['test', 'bench', 'ci'],
  },
  {
    name: 'python-xgboost', what: 'cross-check of the GBDT baseline against Python XGBoost',
    apt: ['python3-xgboost'], python: ['xgboost'],
    elsewhere: 'python3 -m pip install xgboost',
    needs: ['test', 'ci'],
  },
  {
    name: 'chromium', what: 'browser tests of the report and of npm run notebook',
    apt: ['chromium'], files: ['/usr/bin/chromium'], env: 'BUYPATH_CHROMIUM',
    elsewhere: 'install Chromium or Chrome and set BUYPATH_CHROMIUM to its executable',
    needs: ['test', 'ci'],
  },
  {
    name: 'pytorch', what: 'the training benchmark\'s reference (npm run bench -- train)',
    apt: ['python3-torch'], python: ['torch'],
    elsewhere: 'python3 -m pip install torch',
    needs: ['bench'],
  },
  {
    name: 'pandas', what: 'the mining benchmark\'s pandas reference (npm run bench -- mine)',
    apt: ['python3-pandas'], python: ['pandas'],
    elsewhere: 'python3 -m pip install pandas',
    needs: ['bench'],
  },
];

const pythonCache = new Map();

/** The first Python (BUYPATH_PYTHON, python3, Debian's /usr/bin/python3, python) that imports every module, or undefined. */
function findPython(modules) {
  const key = modules.join(',');
  if (pythonCache.has(key)) return pythonCache.get(key);
  const candidates = [process.env.BUYPATH_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(Boolean);
  const code = modules.map((m) => `import ${m}`).join('; ');
  const found = candidates.find((py) => spawnSync(py, ['-c', code], { stdio: 'ignore' }).status === 0);
  pythonCache.set(key, found);
  return found;
}

/** The prerequisite called `name`; throws on an unknown name (a typo in a test must not become a skip). */
function prerequisite(name) {
  const p = PREREQUISITES.find((q) => q.name === name);
  if (!p) throw new Error(`prerequisite: expected one of ${PREREQUISITES.map((q) => q.name).join(', ')}, got "${name}"`);
  return p;
}

/** The files where a file prerequisite is looked for, in order: the one its environment variable names first. */
function candidates(p) {
  if (typeof p === 'string') p = prerequisite(p);
  return [...(p.env && process.env[p.env] ? [process.env[p.env]] : []), ...(p.files ?? [])];
}

/** Where the prerequisite is (a file, or the Python that has it), or undefined when it is missing. */
function locate(p) {
  if (typeof p === 'string') p = prerequisite(p);
  if (p.files) {
    const file = candidates(p).find((f) => existsSync(f));
    if (!file) return undefined;
    if (!p.python) return file;
  }
  return p.python ? findPython(p.python) : undefined;
}

/** The prerequisites that `purpose` needs (all of them for no purpose). */
function forPurpose(purpose) {
  if (purpose && !PURPOSES[purpose]) throw new Error(`prerequisites --for: expected one of ${Object.keys(PURPOSES).join(', ')}, got "${purpose}"`);
  return PREREQUISITES.filter((p) => !purpose || p.needs.includes(purpose));
}

/** The prerequisites of `purpose` (or of a list of prerequisite names) that are missing here. */
function missing(purpose) {
  const list = Array.isArray(purpose) ? purpose.map(prerequisite) : forPurpose(purpose);
  return list.filter((p) => !locate(p));
}

/** What a purpose (or a list of names) is, in a message. */
function label(purpose) {
  return Array.isArray(purpose) ? purpose.join(', ') : PURPOSES[purpose] ?? 'buypath';
}

/** The commands that install `list`: apt on Debian/Ubuntu, and each one's command elsewhere. */
function installHint(list) {
  const apt = [...new Set(list.flatMap((p) => p.apt))];
  return [`sudo apt-get install -y ${apt.join(' ')}   (Debian/Ubuntu)`, ...list.map((p) => `${p.name}: ${p.elsewhere}`)].join('\n  ');
}

/** True on a Debian/Ubuntu machine where this process can run apt-get (root). */
function canApt() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Make sure `purpose`'s prerequisites (or those named in a list) are here: with `install`, missing ones are installed with apt-get
 * where that can work; what is still missing is printed with the exact command. Returns the missing list;
 * with `strict`, throws instead.
 */
function ensure(purpose, { install = false, strict = false, quiet = false } = {}) {
  let lack = missing(purpose);
  if (lack.length && install && canApt()) {
    const pkgs = [...new Set(lack.flatMap((p) => p.apt))];
    console.log(`buypath: installing ${pkgs.join(' ')} with apt-get (for ${lack.map((p) => p.name).join(', ')})`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) console.log(`buypath: apt-get install exited ${r.status}`);
    pythonCache.clear();
    lack = missing(purpose);
  }
  if (lack.length) {
    const msg = `${label(purpose)}: missing ${lack.map((p) => `${p.name} (${p.what})`).join('; ')}. Install with:\n  ${installHint(lack)}`;
    if (strict) throw new Error(msg);
    if (!quiet) console.log(`buypath: ${msg}`);
  }
  return lack;
}

module.exports = { PURPOSES, PREREQUISITES, prerequisite, candidates, locate, findPython, forPurpose, missing, installHint, canApt, ensure };

if (require.main === module) {
  const args = process.argv.slice(2);
  const purpose = args.includes('--for') ? args[args.indexOf('--for') + 1] : undefined;
  try {
    if (args.includes('--list')) {
      for (const p of forPurpose(purpose)) {
        console.log(`${p.name.padEnd(16)} ${(locate(p) ? 'found' : 'MISSING').padEnd(8)} apt: ${p.apt.join(' ').padEnd(70)} for: ${p.needs.join(', ')}`);
      }
    } else {
      const lack = ensure(purpose, { install: args.includes('--install'), strict: args.includes('--strict') });
      if (!lack.length) console.log(`buypath: every prerequisite of ${label(purpose)} is here`);
    }
  } catch (e) {
    console.error(`buypath: ${e.message}`);
    process.exit(1);
  }
}

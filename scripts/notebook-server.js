'use strict';
// `npm run notebook`: open the notebooks in a browser with one command. Installs a notebook server where
// it can (scripts/prerequisites.js, "notebook": apt-get as root on Debian/Ubuntu, else the exact pip
// command), registers the repo-local tslab kernel, makes the embedded data, then serves notebooks/ on
// 127.0.0.1 with a token and prints the URL. Ctrl-C stops it.
//
//   npm run notebook [-- --port N] [--token T] [--notebook-dir DIR]
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { join, resolve } = require('node:path');
const { ensure, locate } = require('./prerequisites');

function option(args, name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  if (i + 1 >= args.length || args[i + 1].startsWith('--')) throw new Error(`npm run notebook ${name}: expected a value after it, got nothing`);
  return args[i + 1];
}

async function main() {
  const args = process.argv.slice(2);
  const known = ['--port', '--token', '--notebook-dir'];
  const unknown = args.filter((a, i) => a.startsWith('--') && !known.includes(a) && !known.includes(args[i - 1]));
  if (unknown.length) throw new Error(`npm run notebook: expected options ${known.join(', ')}, got ${unknown.join(' ')}. Usage: npm run notebook -- --port 8888`);
  const port = Number(option(args, '--port', '8888'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`npm run notebook --port: expected a port 1–65535, got "${option(args, '--port')}". Try: npm run notebook -- --port 8899`);
  const token = option(args, '--token', randomBytes(24).toString('hex'));

  ensure('notebook', { install: true, strict: true });
  const bp = require('../dist');
  const root = bp.repoRoot();
  const dir = resolve(option(args, '--notebook-dir', join(root, 'notebooks')));
  bp.setupJupyter({ root });
  await bp.ensureDefaultData(root);

  const python = locate('notebook-server');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const serverArgs = [
    '-m', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, `--notebook-dir=${dir}`,
    `--NotebookApp.token=${token}`, `--ServerApp.token=${token}`, `--IdentityProvider.token=${token}`,
    ...(isRoot ? ['--allow-root'] : []),
  ];
  const env = { ...process.env, JUPYTER_PATH: bp.jupyterPaths(root).jupyterPath };
  const server = spawn(python, serverArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let announced = false;
  const watch = (chunk) => {
    const text = String(chunk);
    if (process.env.BUYPATH_NOTEBOOK_VERBOSE) process.stderr.write(text);
    const m = !announced && text.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
    if (!m) return;
    announced = true;
    const base = `http://127.0.0.1:${m[1]}`;
    console.log(`buypath: notebook server running (kernel: TypeScript (tslab), notebooks in ${dir})`);
    console.log(`buypath: open ${base}/tree?token=${token}`);
    console.log(`buypath: quick start: ${base}/notebooks/00-quickstart.ipynb?token=${token}`);
    console.log('buypath: press Ctrl-C to stop the server');
  };
  server.stdout.on('data', watch);
  server.stderr.on('data', watch);
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise((done) => server.on('exit', (c) => done(c ?? 0)));
  if (!announced) throw new Error(`notebook server: expected it to start on 127.0.0.1:${port}, got exit ${code}. Run it with BUYPATH_NOTEBOOK_VERBOSE=1 to see its log, or pick another port: npm run notebook -- --port 8899`);
}

main().catch((e) => {
  console.error(`buypath: ${e.message}`);
  process.exitCode = 1;
});

#!/usr/bin/env node
'use strict';
// Entry point of the `buypath` command; the CLI lives in src/cli (compiled to dist/cli).
let cli;
try {
  cli = require('../dist/cli/index.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND') {
    console.error('buypath: expected the compiled library in dist/, got none. Run `npm run build` (npm ci runs it for you).');
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.stack ? err.stack : err); process.exitCode = 1; },
);

'use strict';
// Install hook (npm install / npm ci, after the build): register the tslab kernel in .jupyter/.
// Without Jupyter it only says how to get it; installs never fail for want of Python.
// `npm run setup` (--install-jupyter) also installs Jupyter with apt where it can.
const { setupJupyter } = require('../dist/notebook/jupyter');
const install = process.argv.includes('--install-jupyter');
try {
  setupJupyter({ install });
} catch (e) {
  console.warn(`buypath: ${e.message}`);
  if (install) process.exit(1);
}

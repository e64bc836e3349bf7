/**
 * The repo-local Jupyter set-up: which Python runs notebooks, and the tslab
 * kernel registered under `.jupyter/` (never machine-wide; JUPYTER_PATH
 * points there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo-root';
import { EnvironmentError } from '../errors';
import { prerequisites } from '../prerequisites';

/** Debian packages that provide what the notebook runner needs. */
export const JUPYTER_APT_PACKAGES: readonly string[] = prerequisites().prerequisite('jupyter').apt;

/** The exact commands that install Jupyter where buypath cannot do it itself. */
export const JUPYTER_INSTALL_HINT = prerequisites().installHint([prerequisites().prerequisite('jupyter')]);

/** Paths of the repo-local Jupyter set-up. */
export function jupyterPaths(root = repoRoot()) {
  const prefix = join(root, '.jupyter');
  const jupyterPath = join(prefix, 'share', 'jupyter');
  return { root, prefix, jupyterPath, kernelJson: join(jupyterPath, 'kernels', 'tslab', 'kernel.json'), tslabBin: join(root, 'node_modules', '.bin', 'tslab') };
}

/** First Python that can execute notebooks (nbclient, nbconvert, jupyter_client, ipykernel), or undefined. */
export function findJupyterPython(): string | undefined {
  return prerequisites().locate('jupyter');
}

/** True when the kernel spec exists and starts this checkout's tslab. */
export function kernelRegistered(root = repoRoot()): boolean {
  const p = jupyterPaths(root);
  if (!existsSync(p.kernelJson)) return false;
  try {
    return JSON.parse(readFileSync(p.kernelJson, 'utf8')).argv[0] === p.tslabBin;
  } catch {
    return false;
  }
}

/**
 * Make sure a Jupyter-capable Python exists (installing it with apt when
 * `install` is set and this is a Debian machine run as root) and the tslab
 * kernel is registered in `.jupyter/`. Returns the Python; throws an
 * EnvironmentError with the install command when it cannot.
 */
export function setupJupyter({ install = false, root = repoRoot() } = {}): string {
  let python = findJupyterPython();
  if (!python && install) {
    prerequisites().ensure(['jupyter'], { install: true, quiet: true });
    python = findJupyterPython();
  }
  if (!python) {
    throw new EnvironmentError(
      `Jupyter: expected a Python with nbclient, nbconvert, jupyter_client and ipykernel, got none. Install it with:\n  ${JUPYTER_INSTALL_HINT}\nthen run: npm run setup`,
    );
  }
  if (kernelRegistered(root)) return python;
  const p = jupyterPaths(root);
  const r = spawnSync(p.tslabBin, ['install', `--python=${python}`, `--binary=${p.tslabBin}`, `--prefix=${p.prefix}`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(p.kernelJson)) {
    throw new EnvironmentError(
      `tslab kernel: expected \`tslab install --prefix ${p.prefix}\` to register the kernel, got exit ${r.status}: ${(r.stderr || r.stdout || '').trim()}. Run it by hand: ${p.tslabBin} install --python=${python} --binary=${p.tslabBin} --prefix=${p.prefix}`,
    );
  }
  console.log(`buypath: tslab kernel registered in ${p.jupyterPath} (python ${python})`);
  return python;
}

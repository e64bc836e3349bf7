/**
 * The embedded default data set: a simulated log generated deterministically
 * from fixed settings the first time it is asked for (under `data/default/`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA } from '../defaults';
import { repoRoot } from '../repo-root';
import { SIMULATOR_VERSION } from './simulate';
import { writeSimulation, type SimulationFiles } from './write-simulation';

/**
 * Paths of the default data set, generating it if missing or made with other
 * settings. Deterministic: the same files on every machine.
 */
export async function ensureDefaultData(root = repoRoot()): Promise<SimulationFiles> {
  const dir = join(root, DEFAULT_DATA.dir);
  const files = { dir, events: join(dir, 'events.csv'), truth: join(dir, 'truth.csv'), meta: join(dir, 'meta.json') };
  if (existsSync(files.meta) && existsSync(files.events) && existsSync(files.truth)) {
    const meta = JSON.parse(readFileSync(files.meta, 'utf8'));
    if (meta.version === SIMULATOR_VERSION && meta.options?.seed === DEFAULT_DATA.seed && meta.options?.impressions === DEFAULT_DATA.impressions) return files;
  }
  const { files: written } = await writeSimulation(dir, { impressions: DEFAULT_DATA.impressions, seed: DEFAULT_DATA.seed });
  return written;
}

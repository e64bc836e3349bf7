/**
 * Typed access to scripts/prerequisites.js, the one list of buypath's system prerequisites (the Debian
 * packages, where their libraries land, the command elsewhere, and who needs them). npm start, npm test,
 * npm run notebook and CI read the same file; the library reads it here.
 */
import { join } from 'node:path';
import { repoRoot } from './repo-root';

/** One system prerequisite, as scripts/prerequisites.js describes it. */
export interface Prerequisite {
  name: string;
  what: string;
  apt: string[];
  elsewhere: string;
  needs: string[];
}

interface PrerequisitesModule {
  prerequisite(name: string): Prerequisite;
  candidates(name: string): string[];
  locate(name: string): string | undefined;
  installHint(list: Prerequisite[]): string;
  ensure(names: string[], options: { install?: boolean; quiet?: boolean }): Prerequisite[];
}

/** scripts/prerequisites.js of this checkout. */
export function prerequisites(): PrerequisitesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(repoRoot(), 'scripts', 'prerequisites.js')) as PrerequisitesModule;
}

/** Loads every case set in this folder (each file but this one and `types.ts`). */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PermissionCaseSet } from './types';

export async function loadPermissionCaseSets(): Promise<PermissionCaseSet[]> {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && f !== 'load.ts' && f !== 'types.ts')
    .sort();
  const sets: PermissionCaseSet[] = [];
  for (const f of files) {
    const mod = (await import(`./${f}`)) as { default?: PermissionCaseSet };
    if (!mod.default) throw new Error(`${f} must default-export a PermissionCaseSet`);
    sets.push(mod.default);
  }
  return sets;
}

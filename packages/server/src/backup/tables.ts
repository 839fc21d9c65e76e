/**
 * The tables a backup holds: every table declared in db/schema.ts (so a new table is included without anyone
 * remembering to), ordered so that a table comes after every table its foreign keys point to.
 */
import { is } from 'drizzle-orm';
import { PgTable, getTableConfig } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema';

export interface BackupTable {
  name: string;
  /** Primary key columns, in key order: rows are written in this order. */
  primaryKey: string[];
  /** Tables this one's foreign keys refer to (other than itself). */
  parents: string[];
}

/** Every public-schema table in the schema, parents first; ties broken by name so the order is stable. */
export function backupTables(): BackupTable[] {
  const tables = new Map<string, BackupTable>();
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const config = getTableConfig(value);
    if (config.schema !== undefined && config.schema !== 'public') continue;
    const primaryKey =
      config.primaryKeys[0]?.columns.map((c) => c.name) ??
      config.columns.filter((c) => c.primary).map((c) => c.name);
    const parents = new Set<string>();
    for (const fk of config.foreignKeys) {
      const parent = getTableConfig(fk.reference().foreignTable).name;
      if (parent !== config.name) parents.add(parent);
    }
    tables.set(config.name, { name: config.name, primaryKey, parents: [...parents].sort() });
  }
  return orderByDependency([...tables.values()]);
}

/** Kahn's algorithm. A cycle (none today) cannot be ordered: its tables go last, by name. */
export function orderByDependency(tables: BackupTable[]): BackupTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const placed = new Set<string>();
  const ordered: BackupTable[] = [];
  const remaining = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  let progress = true;
  while (remaining.length > 0 && progress) {
    progress = false;
    for (let i = 0; i < remaining.length; i++) {
      const table = remaining[i]!;
      if (table.parents.every((p) => placed.has(p) || !byName.has(p))) {
        ordered.push(table);
        placed.add(table.name);
        remaining.splice(i, 1);
        progress = true;
        break;
      }
    }
  }
  return [...ordered, ...remaining];
}

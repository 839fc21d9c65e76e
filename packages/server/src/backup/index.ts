/**
 * Logical backup and restore that work on both engines, so a trust can also move between them (PGlite to
 * PostgreSQL and back). The file format is described in ./format.ts.
 *
 * Backup reads every table inside one REPEATABLE READ, READ ONLY transaction (a consistent snapshot even while
 * the server runs on PostgreSQL), through a cursor, a page at a time, and streams through gzip to a temporary
 * file that is renamed into place only when complete. Memory use does not grow with the size of the trust.
 *
 * Restore only goes into an empty, migrated database whose migrations match the backup's; it checks that before
 * changing anything, then inserts everything in one transaction (all or nothing) and moves identity sequences
 * past the restored ids.
 *
 * Error messages never carry row values: a backup holds patient data.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { sql, type SQL } from 'drizzle-orm';
import { MIGRATIONS_FOLDER, queryRows, type Database, type DatabaseHandle } from '../db/client';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupError,
  parseHeader,
  parseSection,
  parseTrailer,
  splitLines,
  type BackupHeader,
  type BackupMigration,
  type BackupSection,
  type BackupTableHeader,
  type BackupTrailer,
} from './format';
import { backupTables, type BackupTable } from './tables';

export { BackupError } from './format';
export type { BackupHeader } from './format';

export interface BackupOptions {
  /** Rows fetched per round trip (default 5,000). */
  pageSize?: number;
  /** Called after each table, e.g. for a progress bar. */
  onTable?: (table: string, rows: number) => void;
}

export interface RestoreOptions {
  /** Rows inserted per statement (default 5,000; fewer when rows are large). */
  batchSize?: number;
  onTable?: (table: string, rows: number) => void;
}

const DEFAULT_PAGE = 5_000;
/** A batch is also cut when its JSON reaches this many characters, so wide rows do not make huge statements. */
const BATCH_CHARS = 8 * 1024 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b];

const rows = queryRows;

/** The database's error code and constraint, without its message (which can quote values). */
function describeDbError(err: unknown): string {
  const candidates = [err, (err as { cause?: unknown } | null)?.cause];
  for (const c of candidates) {
    const e = c as { code?: unknown; constraint?: unknown; column?: unknown } | null;
    if (e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      const parts = [`SQLSTATE ${e.code}`];
      if (typeof e.constraint === 'string') parts.push(`constraint ${e.constraint}`);
      if (typeof e.column === 'string') parts.push(`column ${e.column}`);
      return parts.join(', ');
    }
  }
  return err instanceof Error ? err.name : 'unknown error';
}

/** Migration tags by timestamp, from the journal this code ships with. */
function journalTags(): Map<number, string> {
  try {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
      entries?: Array<{ when?: unknown; tag?: unknown }>;
    };
    const tags = new Map<number, string>();
    for (const e of journal.entries ?? []) {
      if (typeof e.when === 'number' && typeof e.tag === 'string') tags.set(e.when, e.tag);
    }
    return tags;
  } catch {
    return new Map();
  }
}

/** The migrations applied to a database, oldest first (none when it was never migrated). */
export async function appliedMigrations(db: Database): Promise<BackupMigration[]> {
  const [present] = await rows<{ present: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!present?.present) return [];
  const applied = await rows<{ hash: string; created_at: string }>(
    db,
    sql`select hash, created_at::text as created_at from drizzle.__drizzle_migrations order by created_at, id`,
  );
  const tags = journalTags();
  return applied.map((m) => ({
    tag: tags.get(Number(m.created_at)) ?? null,
    createdAt: Number(m.created_at),
    hash: m.hash,
  }));
}

/** A table's columns as the database has them, leaving out generated columns (they cannot be inserted). */
async function tableColumns(db: Database, table: string): Promise<string[] | null> {
  const found = await rows<{ name: string | null; generated: boolean | null }>(
    db,
    sql`select a.attname as name, a.attgenerated <> '' as generated
          from (select to_regclass(quote_ident(${table})) as oid) t
          left join pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
         order by a.attnum`,
  );
  if (found.length === 0 || found[0]!.name === null) return null;
  return found.filter((c) => c.name !== null && !c.generated).map((c) => c.name!);
}

function orderBy(table: BackupTable): SQL {
  if (table.primaryKey.length === 0) return sql``;
  return sql` order by ${sql.join(
    table.primaryKey.map((c) => sql.identifier(c)),
    sql`, `,
  )}`;
}

/**
 * Writes a backup of every table to `file` (replacing it only once the new backup is complete). The file holds
 * patient data and password hashes: it is created readable by its owner only.
 */
export async function backupDatabase(
  handle: DatabaseHandle,
  file: string,
  options: BackupOptions = {},
): Promise<{ tables: Record<string, number>; bytes: number }> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE;
  const tables = backupTables();
  const counts: Record<string, number> = {};
  const partial = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await handle.db.transaction(
      async (tx) => {
        const db = tx as unknown as Database;
        const headers: BackupTableHeader[] = [];
        for (const table of tables) {
          const columns = await tableColumns(db, table.name);
          if (!columns) {
            throw new BackupError(
              `The database has no table "${table.name}": migrate it first ("pathflow migrate"), then back up.`,
            );
          }
          const [count] = await rows<{ n: string }>(
            db,
            sql`select count(*)::text as n from ${sql.identifier(table.name)}`,
          );
          headers.push({ name: table.name, columns, rows: Number(count?.n ?? 0) });
        }
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: new Date().toISOString(),
          engine: handle.engine,
          migrations: await appliedMigrations(db),
          tables: headers,
        };

        async function* lines(): AsyncGenerator<string> {
          yield `${JSON.stringify(header)}\n`;
          let total = 0;
          for (const [i, table] of tables.entries()) {
            const meta = headers[i]!;
            const section: BackupSection = { table: table.name, columns: meta.columns, rows: meta.rows };
            yield `${JSON.stringify(section)}\n`;
            let written = 0;
            await db.execute(
              sql`declare pathflow_backup no scroll cursor for select row_to_json(t)::text as j from ${sql.identifier(table.name)} t${orderBy(table)}`,
            );
            for (;;) {
              const page = await rows<{ j: string }>(db, sql.raw(`fetch ${pageSize} from pathflow_backup`));
              if (page.length === 0) break;
              // A raw newline in JSON text can only be whitespace (inside strings it is escaped as \n).
              yield page.map((r) => `${r.j.replace(/[\r\n]/g, ' ')}\n`).join('');
              written += page.length;
            }
            await db.execute(sql`close pathflow_backup`);
            if (written !== meta.rows) {
              throw new BackupError(`Table ${table.name} changed while it was being backed up. Try again.`);
            }
            counts[table.name] = written;
            total += written;
            options.onTable?.(table.name, written);
          }
          const trailer: BackupTrailer = { end: BACKUP_FORMAT, tables: tables.length, rows: total };
          yield `${JSON.stringify(trailer)}\n`;
        }

        await pipeline(
          Readable.from(lines()),
          createGzip(),
          createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
        );
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    if (err instanceof BackupError) throw err;
    if (err instanceof Error && 'syscall' in err)
      throw new BackupError(`Could not write ${file}: ${err.message}`);
    throw new BackupError(`The backup failed (${describeDbError(err)}). Nothing was written.`);
  }
  return { tables: counts, bytes: (await stat(file)).size };
}

/** Reads a backup file line by line, refusing at once anything that is not gzip. */
async function openBackup(file: string): Promise<{ lines: AsyncGenerator<string>; close: () => void }> {
  let magic: Buffer;
  try {
    const fd = await open(file, 'r');
    try {
      magic = Buffer.alloc(2);
      const { bytesRead } = await fd.read(magic, 0, 2, 0);
      magic = magic.subarray(0, bytesRead);
    } finally {
      await fd.close();
    }
  } catch (err) {
    throw new BackupError(`Could not read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (magic.length < 2 || magic[0] !== GZIP_MAGIC[0] || magic[1] !== GZIP_MAGIC[1]) {
    throw new BackupError(`${file} is not a Pathflow backup (it is not a gzip-compressed file).`);
  }
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  return {
    lines: splitLines(gunzip),
    close: () => {
      input.destroy();
      gunzip.destroy();
    },
  };
}

/** The first difference between two migration histories, in words, or null when they are the same. */
function migrationMismatch(
  backup: BackupMigration[],
  database: BackupMigration[],
  file: string,
): string | null {
  const name = (m: BackupMigration | undefined) => (m ? (m.tag ?? String(m.createdAt)) : 'none');
  const same = (a: BackupMigration[], b: BackupMigration[]) =>
    a.every((m, i) => m.createdAt === b[i]?.createdAt);
  if (backup.length === database.length && same(backup, database)) return null;
  if (database.length === 0) {
    return 'The target database has not been migrated: run "pathflow migrate" on it first, then restore.';
  }
  const theirs = name(backup.at(-1));
  const ours = name(database.at(-1));
  if (backup.length > database.length && same(database, backup)) {
    return `${file} was made by a newer version of Pathflow (its database was at migration ${theirs}; this version's is at ${ours}). Upgrade Pathflow, then restore.`;
  }
  if (backup.length < database.length && same(backup, database)) {
    return `${file} was made by an older version of Pathflow (its database was at migration ${theirs}; this version's is at ${ours}). Restore it with the version that made it, then upgrade Pathflow, which migrates the data.`;
  }
  return `${file} does not match this version of Pathflow: its migrations (last ${theirs}) differ from this database's (last ${ours}).`;
}

/**
 * Restores `file` into `handle`, which must be migrated to the backup's migration and hold no rows at all.
 * Everything is checked before anything is written; the rows go in within one transaction.
 */
export async function restoreDatabase(
  handle: DatabaseHandle,
  file: string,
  options: RestoreOptions = {},
): Promise<{ tables: Record<string, number> }> {
  const batchSize = options.batchSize ?? DEFAULT_PAGE;
  const source = await openBackup(file);
  const damaged = (what: string) =>
    new BackupError(`${file} is damaged or incomplete (${what}). Nothing was restored.`);
  try {
    const lines = source.lines;
    const next = async (): Promise<string | undefined> => {
      try {
        const r = await lines.next();
        return r.done ? undefined : r.value;
      } catch (err) {
        const detail = err instanceof Error ? err.message : 'unreadable';
        throw damaged(detail.toLowerCase().includes('unexpected end') ? 'it ends too soon' : detail);
      }
    };

    // Everything that can be checked without writing is checked first.
    const header = parseHeader(await next(), file);
    const db = handle.db;
    const mismatch = migrationMismatch(header.migrations, await appliedMigrations(db), file);
    if (mismatch) throw new BackupError(mismatch);
    const tables = backupTables();
    const expected = tables.map((t) => t.name).sort();
    const inBackup = header.tables.map((t) => t.name).sort();
    if (expected.join(',') !== inBackup.join(',')) {
      throw new BackupError(
        `${file} holds different tables (${inBackup.join(', ')}) from this version of Pathflow (${expected.join(', ')}).`,
      );
    }
    // Rows go in in the file's order, so every table must come after the tables its foreign keys refer to.
    const seen = new Set<string>();
    for (const { name } of header.tables) {
      const parents = tables.find((t) => t.name === name)!.parents;
      const missing = parents.find((p) => !seen.has(p));
      if (missing) throw new BackupError(`${file} holds ${name} before ${missing}, which it refers to.`);
      seen.add(name);
    }
    const columnsOf = new Map<string, string[]>();
    for (const table of tables) {
      const columns = await tableColumns(db, table.name);
      const backedUp = header.tables.find((t) => t.name === table.name)!;
      if (!columns || [...columns].sort().join(',') !== [...backedUp.columns].sort().join(',')) {
        throw new BackupError(`Table ${table.name} in ${file} has different columns from this database's.`);
      }
      columnsOf.set(table.name, columns);
    }
    const notEmpty = async (tx: Database): Promise<string[]> => {
      const found: string[] = [];
      for (const table of tables) {
        const [row] = await rows<{ present: boolean }>(
          tx,
          sql`select exists (select 1 from ${sql.identifier(table.name)}) as present`,
        );
        if (row?.present) found.push(table.name);
      }
      return found;
    };
    const occupied = await notEmpty(db);
    if (occupied.length > 0) {
      throw new BackupError(
        `The target database is not empty (${occupied.join(', ')} ${occupied.length === 1 ? 'has' : 'have'} rows). Restore only into a new, empty database. Nothing was changed.`,
      );
    }

    const counts: Record<string, number> = {};
    await db.transaction(async (t) => {
      const tx = t as unknown as Database;
      if ((await notEmpty(tx)).length > 0) {
        throw new BackupError(
          'The target database stopped being empty during the restore. Nothing was restored.',
        );
      }
      let total = 0;
      for (const backedUp of header.tables) {
        const section = parseSection(await next());
        if (!section || section.table !== backedUp.name || section.rows !== backedUp.rows) {
          throw damaged(`the section for ${backedUp.name} is missing or does not match the header`);
        }
        const columns = columnsOf.get(section.table)!;
        const target = sql.identifier(section.table);
        const list = sql.join(
          columns.map((c) => sql.identifier(c)),
          sql`, `,
        );
        let batch: string[] = [];
        let chars = 0;
        const flush = async () => {
          if (batch.length === 0) return;
          const json = `[${batch.join(',')}]`;
          batch = [];
          chars = 0;
          try {
            await tx.execute(
              sql`insert into ${target} (${list}) overriding system value select ${list} from json_populate_recordset(null::${target}, ${json}::json)`,
            );
          } catch (err) {
            throw new BackupError(
              `Could not restore table ${section.table} (${describeDbError(err)}): the backup is damaged or does not match this database. Nothing was restored.`,
            );
          }
        };
        for (let i = 0; i < section.rows; i++) {
          const line = await next();
          if (line === undefined || !line.startsWith('{') || !line.endsWith('}')) {
            throw damaged(`row ${i + 1} of ${section.rows} in ${section.table} is missing or not a row`);
          }
          batch.push(line);
          chars += line.length;
          if (batch.length >= batchSize || chars >= BATCH_CHARS) await flush();
        }
        await flush();
        counts[section.table] = section.rows;
        total += section.rows;
        options.onTable?.(section.table, section.rows);
      }
      const trailer = parseTrailer(await next());
      if (!trailer || trailer.tables !== header.tables.length || trailer.rows !== total) {
        throw damaged('its last line is missing');
      }
      if ((await next()) !== undefined) throw damaged('there is more after its last line');
      await resetSequences(
        tx,
        tables.map((t) => t.name),
      );
    });
    return { tables: counts };
  } finally {
    source.close();
  }
}

/** Moves every identity or serial sequence past the highest restored value, so new rows do not collide. */
async function resetSequences(db: Database, tables: string[]): Promise<void> {
  for (const table of tables) {
    const sequences = await rows<{ column: string; sequence: string }>(
      db,
      sql`select a.attname as column, pg_get_serial_sequence(quote_ident(${table}), a.attname) as sequence
            from pg_attribute a
           where a.attrelid = to_regclass(quote_ident(${table})) and a.attnum > 0 and not a.attisdropped
             and pg_get_serial_sequence(quote_ident(${table}), a.attname) is not null`,
    );
    for (const { column, sequence } of sequences) {
      await db.execute(
        sql`select setval(${sequence}::regclass, max(${sql.identifier(column)})) from ${sql.identifier(table)} having max(${sql.identifier(column)}) is not null`,
      );
    }
  }
}

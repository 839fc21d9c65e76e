/**
 * The backup file: gzip-compressed NDJSON, one JSON value per line.
 *
 *   line 1      header   { format: 'pathflow-backup', version: 1, createdAt, engine, migrations, tables }
 *   per table   section  { table, columns, rows }   then exactly `rows` lines, each one row as a JSON object
 *   last line   trailer  { end: 'pathflow-backup', tables, rows }
 *
 * Rows are PostgreSQL's own `row_to_json`, copied to the file as text and back into `json_populate_recordset`
 * without being parsed in between, so every value (bigints, timestamps to the microsecond, arrays, jsonb)
 * survives exactly, and either engine can read what the other wrote.
 */
export const BACKUP_FORMAT = 'pathflow-backup';
export const BACKUP_VERSION = 1;

/** Something wrong with a backup file or with the database it is restored into. The message is for the operator. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupMigration {
  /** The migration's name from the journal, e.g. 0001_audit_append_only (null if the journal lacks it). */
  tag: string | null;
  /** Drizzle's `created_at`: the journal's timestamp, which is how Drizzle tells migrations apart. */
  createdAt: number;
  /** SHA-256 of the migration's SQL. */
  hash: string;
}

export interface BackupTableHeader {
  name: string;
  columns: string[];
  rows: number;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  engine: string;
  migrations: BackupMigration[];
  tables: BackupTableHeader[];
}

export interface BackupSection {
  table: string;
  columns: string[];
  rows: number;
}

export interface BackupTrailer {
  end: typeof BACKUP_FORMAT;
  tables: number;
  rows: number;
}

type Json = Record<string, unknown>;

function object(line: string): Json | null {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNames = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);

/** Reads the first line. Throws a BackupError saying plainly why the file is not a backup this code can read. */
export function parseHeader(line: string | undefined, file: string): BackupHeader {
  const value = line === undefined ? null : object(line);
  if (!value || value.format !== BACKUP_FORMAT) throw new BackupError(`${file} is not a Pathflow backup.`);
  if (typeof value.version !== 'number' || !Number.isInteger(value.version)) {
    throw new BackupError(`${file} is not a Pathflow backup (its header has no format version).`);
  }
  if (value.version > BACKUP_VERSION) {
    throw new BackupError(
      `${file} was made by a newer version of Pathflow (backup format ${value.version}; this version reads format ${BACKUP_VERSION}). Upgrade Pathflow, then restore.`,
    );
  }
  const migrations = value.migrations;
  const tables = value.tables;
  const wellFormed =
    typeof value.createdAt === 'string' &&
    typeof value.engine === 'string' &&
    Array.isArray(migrations) &&
    migrations.every((m: unknown) => {
      const o = m as Json | null;
      return (
        o !== null &&
        typeof o === 'object' &&
        (o.tag === null || typeof o.tag === 'string') &&
        isCount(o.createdAt) &&
        typeof o.hash === 'string'
      );
    }) &&
    Array.isArray(tables) &&
    tables.every((t: unknown) => {
      const o = t as Json | null;
      return (
        o !== null &&
        typeof o === 'object' &&
        typeof o.name === 'string' &&
        isNames(o.columns) &&
        isCount(o.rows)
      );
    });
  if (!wellFormed) throw new BackupError(`${file} is damaged: its header is not complete.`);
  return value as unknown as BackupHeader;
}

export function parseSection(line: string | undefined): BackupSection | null {
  const value = line === undefined ? null : object(line);
  if (!value || typeof value.table !== 'string' || !isNames(value.columns) || !isCount(value.rows))
    return null;
  return { table: value.table, columns: value.columns, rows: value.rows };
}

export function parseTrailer(line: string | undefined): BackupTrailer | null {
  const value = line === undefined ? null : object(line);
  if (!value || value.end !== BACKUP_FORMAT || !isCount(value.tables) || !isCount(value.rows)) return null;
  return { end: BACKUP_FORMAT, tables: value.tables, rows: value.rows };
}

/** Splits a stream of text chunks into lines (without their `\n`). */
export async function* splitLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    let start = 0;
    while (newline >= 0) {
      yield pending.slice(start, newline);
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) yield pending;
}

/**
 * Fast multi-row inserts that run unchanged on PGlite and PostgreSQL: one parameter per column, each an array
 * literal in text form, unpacked server-side with `unnest`:
 *
 *   INSERT INTO patients (org_id, id, ...) SELECT u.c0, u.c1, ... FROM unnest($1::text::uuid[], $2::text[], ...) AS u(c0, c1, ...)
 *
 * A statement has as many parameters as the table has columns, whatever the batch size, so PostgreSQL's
 * 65,535-parameter limit never applies; the server parses each array once; and we write the array literals
 * ourselves, so both drivers send the same bytes.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';

/** How a column's values are written and cast. `text-list` is a comma-separated list stored as text[]. */
export type ColumnKind = 'uuid' | 'text' | 'date' | 'boolean' | 'integer' | 'timestamptz' | 'text-list';

export interface BulkColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

export type CellValue = string | number | boolean | null;

const NEEDS_ESCAPE = /["\\]/;
const ESCAPE = /["\\]/g;

function quote(value: string): string {
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPE, '\\$&')}"` : `"${value}"`;
}

function encode(kind: ColumnKind, value: CellValue): string {
  if (value === null) return 'NULL';
  switch (kind) {
    case 'uuid':
    case 'date':
    case 'integer':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    case 'text':
    case 'timestamptz':
    case 'text-list':
      return quote(String(value));
  }
}

const ELEMENT_TYPE: Record<ColumnKind, string> = {
  uuid: 'uuid',
  text: 'text',
  date: 'date',
  boolean: 'boolean',
  integer: 'integer',
  timestamptz: 'timestamptz',
  'text-list': 'text',
};

/** Collects rows for one table and writes them in batches. */
export class BulkInserter {
  private readonly cells: string[][];
  private rows = 0;
  private written = 0;
  private readonly head: string;
  private readonly tail: string;

  constructor(
    readonly table: string,
    private readonly columns: readonly BulkColumn[],
  ) {
    this.cells = columns.map(() => []);
    const names = columns.map((c) => `"${c.name}"`).join(', ');
    const selected = columns
      .map((c, i) => (c.kind === 'text-list' ? `string_to_array(u.c${i}, ',')` : `u.c${i}`))
      .join(', ');
    this.head = `INSERT INTO "${table}" (${names}) SELECT ${selected} FROM unnest(`;
    this.tail = `) AS u(${columns.map((_, i) => `c${i}`).join(', ')})`;
  }

  /** Rows added and not yet written. */
  get pending(): number {
    return this.rows;
  }

  /** Rows written so far. */
  get total(): number {
    return this.written;
  }

  /** Adds one row; values in the order of the columns. */
  add(values: readonly CellValue[]): void {
    const { columns, cells } = this;
    for (let i = 0; i < columns.length; i++) {
      cells[i]!.push(encode(columns[i]!.kind, values[i] ?? null));
    }
    this.rows++;
  }

  /** Writes the pending rows (if any) in one statement. */
  async flush(db: Database): Promise<number> {
    if (this.rows === 0) return 0;
    const parts: SQL[] = [sql.raw(this.head)];
    this.columns.forEach((column, i) => {
      const literal = `{${this.cells[i]!.join(',')}}`;
      if (i > 0) parts.push(sql.raw(', '));
      parts.push(sql`${literal}`, sql.raw(`::${ELEMENT_TYPE[column.kind]}[]`));
      this.cells[i] = [];
    });
    parts.push(sql.raw(this.tail));
    const count = this.rows;
    this.rows = 0;
    await db.execute(sql.join(parts));
    this.written += count;
    return count;
  }
}

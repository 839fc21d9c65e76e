/**
 * Small pieces the resource modules share: paging, LIKE escaping, reference and status filters, and audited
 * reads and searches.
 */
import { inArray, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { FhirResource } from 'fhir/r4';
import type { Database } from '../../../db/client';
import type { RequestContext } from '../../../auth/principal';
import { actorOf, audit, writeAuditForMany } from '../../../audit/audit';
import type { SearchPage } from '../module';
import { fhirInvalid } from '../outcome';
import { isUuid } from '../resource';
import { instantRange, type SearchParams } from '../search';

/** Rows read with `limit(count + 1)`: the page, and whether there is more after it. */
export function pageOf<T>(rows: T[], params: SearchParams): { rows: T[]; more: boolean } {
  return { rows: rows.slice(0, params.count), more: rows.length > params.count };
}

/** A search's query read as `pageOf` wants it: `count + 1` rows from `offset`. */
export function onePage<R>(
  query: { limit(n: number): { offset(n: number): Promise<R[]> } },
  params: SearchParams,
): Promise<R[]> {
  return query.limit(params.count + 1).offset(params.offset);
}

/** Escapes LIKE's wildcards in a user's text. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Rows whose `column` (a UUID) is one of the ids of some references. An id that is not a UUID is none of ours
 * and matches nothing: when none is a UUID, the condition is `false`.
 */
export function idsIn(column: Column, ids: readonly string[]): SQL {
  const uuids = ids.filter(isUuid).map((id) => id.toLowerCase());
  return uuids.length === 0 ? sql`false` : inArray(column, uuids);
}

/**
 * Reference parameters (`names`, each `type/<id>`): rows whose `column` is one of the ids (`idsIn`). None given:
 * no filter.
 */
export function referenceFilter(
  params: SearchParams,
  names: readonly string[],
  type: string,
  column: Column,
): SQL[] {
  const ids = names.flatMap((name) => params.references(name, type));
  return ids.length === 0 ? [] : [idsIn(column, ids)];
}

/**
 * The `status` parameter: each code must be one of FHIR's `statuses` for the resource (else a 400 naming the
 * parameter), and a row matches when it matches any code asked, as `condition` says. No status asked: no filter.
 */
export function statusFilter(
  params: SearchParams,
  statuses: readonly string[],
  condition: (code: string) => SQL,
): SQL[] {
  const tokens = params.tokens('status');
  if (tokens.length === 0) return [];
  return [
    or(
      ...tokens.map((t) => {
        if (!statuses.includes(t.code)) {
          throw fhirInvalid('status', `status must be one of ${statuses.join(', ')}`);
        }
        return condition(t.code);
      }),
    )!,
  ];
}

/**
 * The condition for a FHIR status that each of ours maps to (`toFhir`, ours → FHIR's): our statuses behind it.
 * A status we never give (draft, on-hold …) matches nothing.
 */
export function ourStatusesIn(column: Column, toFhir: Readonly<Record<string, string | undefined>>) {
  return (code: string): SQL => {
    const ours = Object.entries(toFhir)
      .filter(([, fhir]) => fhir === code)
      .map(([own]) => own);
    return ours.length === 0 ? sql`false` : inArray(column, ours);
  };
}

/**
 * A token parameter of codes from one code system of ours (`system`, which the client may leave out): each code
 * must be known (`problemWith` says why one is not, else undefined), and rows match whose `column` is one of them.
 */
export function codeFilter(
  params: SearchParams,
  name: string,
  system: string,
  column: Column,
  problemWith: (code: string) => string | undefined,
): SQL[] {
  const tokens = params.tokens(name);
  if (tokens.length === 0) return [];
  const codes = tokens.map((t) => {
    if (t.system !== undefined && t.system !== system) {
      throw fhirInvalid(name, `${name} system must be ${system}`);
    }
    const problem = problemWith(t.code);
    if (problem !== undefined) throw fhirInvalid(name, problem);
    return t.code;
  });
  return [inArray(column, codes)];
}

/**
 * A date parameter on a calendar date `column` (no time): a value with a time is refused (`withTime` says why),
 * and the range asked is compared as calendar dates, through the London days it starts and ends on.
 */
export function calendarDateFilter(
  params: SearchParams,
  name: string,
  column: Column,
  withTime: string,
): SQL[] {
  const bounds = params.dates(name);
  if (bounds.length === 0) return [];
  for (const b of bounds) {
    if (b.value.length > 10) throw fhirInvalid(name, withTime);
  }
  const { from, to } = instantRange(name, bounds);
  // London midnights to the calendar date they start (noon UTC is always on the London day).
  const day = (ms: number) => new Date(ms + 12 * 3_600_000).toISOString().slice(0, 10);
  const out: SQL[] = [];
  if (from !== undefined) out.push(sql`${column} >= ${day(from)}`);
  if (to !== undefined) out.push(sql`${column} < ${day(to)}`);
  return out;
}

/** Which patient's record a row is part of (null: none, nothing to audit). */
export type PatientOf<R> = (row: R) => string | null;

/**
 * Reads one row of a patient's record and audits the read (`<Type>.read`) in the same transaction.
 * Null when there is no such row (nothing is audited then).
 */
export async function readAudited<R extends { id: string }>(
  db: Database,
  ctx: RequestContext,
  type: string,
  load: (tx: Database) => Promise<R | undefined>,
  patientOf: PatientOf<R>,
  toResource: (row: R) => FhirResource,
): Promise<FhirResource | null> {
  return db.transaction(async (tx) => {
    const row = await load(tx);
    if (!row) return null;
    await audit(tx, ctx, {
      action: `${type}.read`,
      resourceType: type,
      resourceId: row.id,
      patientId: patientOf(row),
    });
    return toResource(row);
  });
}

/**
 * Runs a search (its query reads `count + 1` rows from `offset`) and audits each patient's record on the page
 * (`<Type>.search`) in the same transaction.
 */
export async function searchAudited<R extends { id: string }>(
  db: Database,
  ctx: RequestContext,
  type: string,
  params: SearchParams,
  query: (tx: Database) => Promise<R[]>,
  patientOf: PatientOf<R>,
  toResource: (row: R) => FhirResource,
): Promise<SearchPage> {
  return db.transaction(async (tx) => {
    const page = pageOf(await query(tx), params);
    const records = page.rows.flatMap((r) => {
      const patientId = patientOf(r);
      return patientId === null ? [] : [{ resourceId: r.id, patientId }];
    });
    await writeAuditForMany(tx, actorOf(ctx), `${type}.search`, type, records);
    return { matches: page.rows.map(toResource), more: page.more };
  });
}

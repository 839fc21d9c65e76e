/**
 * The patient tracking list (PTL): open pathways with a running RTT clock, filtered, sorted and paged by the
 * database (over `pathways_ptl_idx`), with every derived value (days, weeks, band, breach dates, next action,
 * validation) computed here with core's RTT functions from the clock start and the day the list is read.
 * Every patient shown or exported is audited in the same transaction as the read; the summary is aggregates
 * only and is not audited.
 */
import { and, eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import {
  breachDates,
  completedWeeks,
  epochDayToIso,
  isoToEpochDay,
  londonDateOfEpochMilliseconds,
  validationDue,
  VALIDATION_CONTACT_INTERVAL_DAYS,
  VALIDATION_MILESTONE_WEEKS,
  weekBand,
  type PtlPage,
  type PtlQuery,
  type PtlRow,
  type PtlSort,
  type PtlStatus,
  type PtlSpecialtySummary,
  type PtlSummary,
  type RttPriority,
  type ValidationDue,
  type ValidationDueInput,
} from '@pathflow/core';
import { queryRows, type Database } from '../../db/client';
import {
  appointments,
  clinicTemplates,
  clinicians,
  pathways,
  patientUnavailability,
  patients,
  slots,
  specialties,
} from '../../db/schema';
import { actorOf, writeAuditForMany } from '../../audit/audit';
import { londonToday } from '../../clock';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid } from '../../errors';

/** The most rows one export may hold; beyond it the caller is asked to filter. */
export const PTL_EXPORT_MAX_ROWS = 100_000;
/** Days before the 18-week breach date by which the first appointment should be booked (reasonable notice, §1.5). */
export const BOOKING_NOTICE_DAYS = 21;

/** The PTL filters and sort, without paging. */
export type PtlFilter = Omit<PtlQuery, 'limit' | 'offset'>;

/** Today's date in Europe/London at `now`: the day the PTL is read, as for a pathway's clock. */
export const ptlAsOf = londonToday;

const shiftDays = (iso: string, days: number): string => epochDayToIso(isoToEpochDay(iso) + days);

/** Throws a 400 naming the field when the filters contradict each other. */
export function checkFilter(q: PtlFilter): void {
  if (q.minWeeks !== undefined && q.maxWeeks !== undefined && q.minWeeks > q.maxWeeks) {
    throw invalid('/query/minWeeks', 'minWeeks must not be more than maxWeeks');
  }
}

/** The earliest wait at which validation falls due: the 12-week milestone and the first 12-weekly contact. */
const FIRST_DUE_DAYS = Math.min(VALIDATION_MILESTONE_WEEKS[0] * 7, VALIDATION_CONTACT_INTERVAL_DAYS);

/**
 * Core's `validationDue(...).due` as a SQL condition on a pathway read on `asOf`, its clock started on
 * `rtt_period_start` (the PTL's clock start), so that paging and counts are the database's:
 * - a milestone (clock start + 12, 26, 52 weeks) is due once reached, unless the pathway was validated on or
 *   after it and not after `asOf`;
 * - a contact is due 84 days after the last contact (if after the clock start and not after `asOf`), or else
 *   84 days after the clock start.
 * `ptl.test.ts` checks it against core's function row by row.
 */
export function validationDueSql(asOf: string): SQL {
  const start = pathways.rttPeriodStart;
  const validated = pathways.lastValidatedOn;
  const contact = pathways.lastContactOn;
  const milestones = VALIDATION_MILESTONE_WEEKS.map((weeks) => {
    const days = weeks * 7;
    return sql`(${start} <= ${shiftDays(asOf, -days)}::date and (${validated} is null or ${validated} < ${start} + ${days}::int or ${validated} > ${asOf}::date))`;
  });
  const anchor = sql`(case when ${contact} > ${start} and ${contact} <= ${asOf}::date then ${contact} else ${start} end)`;
  const contactDue = sql`${anchor} <= ${shiftDays(asOf, -VALIDATION_CONTACT_INTERVAL_DAYS)}::date`;
  return sql`(${sql.join([...milestones, contactDue], sql` or `)})`;
}

/**
 * The pathway has a booked appointment (over `appointments_booked_pathway_idx`). The organisation is the
 * constant the PTL is read for (every row's), so that a hash join keys on the pathway's id alone.
 */
const hasBookedAppointment = (orgId: string) => sql`exists (select 1 from ${appointments} a
  where a.org_id = ${orgId} and a.pathway_id = ${pathways.id} and a.status = 'booked')`;

/** The patient has said they are unavailable on `asOf` (a period not withdrawn covers it). */
const unavailableOn = (orgId: string, asOf: string) => sql`exists (select 1 from ${patientUnavailability} u
  where u.org_id = ${orgId} and u.patient_id = ${pathways.patientId} and u.removed_at is null
    and u.from_date <= ${asOf}::date and u.to_date >= ${asOf}::date)`;

/**
 * The status filter: booked; or not booked, then on hold when the patient is unavailable today (see
 * PTL_STATUSES). The three partition the list. Each reads only the pathway's id and patient, both in
 * `pathways_ptl_keys_idx`: a page of a status is an index-only scan of it (see selectRowsByKeys), and so may be
 * its count, where the planner finds that cheaper than reading the table.
 */
function statusWhere(status: PtlStatus, orgId: string, asOf: string): SQL {
  switch (status) {
    case 'booked':
      return hasBookedAppointment(orgId);
    case 'not-booked':
      return sql`not ${hasBookedAppointment(orgId)} and not ${unavailableOn(orgId, asOf)}`;
    case 'on-hold':
      return sql`not ${hasBookedAppointment(orgId)} and ${unavailableOn(orgId, asOf)}`;
  }
}

/** The WHERE clause: open pathways with a running clock (the partial index's predicate) plus the filters. */
function whereOf(orgId: string, asOf: string, q: PtlFilter): SQL {
  const where: SQL[] = [
    eq(pathways.orgId, orgId),
    // Written as literals so the planner can match the partial indexes' predicate.
    sql`${pathways.status} = 'open'`,
    sql`${pathways.rttRunning}`,
  ];
  if (q.specialty !== undefined) where.push(eq(pathways.specialtyCode, q.specialty));
  if (q.clinicianId !== undefined) where.push(eq(pathways.clinicianId, q.clinicianId));
  if (q.priority !== undefined) where.push(eq(pathways.priority, q.priority));
  // Completed weeks = floor(days / 7): at least N ⇔ days ≥ 7N; at most N ⇔ days ≤ 7N + 6.
  if (q.minWeeks !== undefined) {
    where.push(sql`${pathways.rttPeriodStart} <= ${shiftDays(asOf, -7 * q.minWeeks)}::date`);
  }
  if (q.maxWeeks !== undefined) {
    where.push(sql`${pathways.rttPeriodStart} >= ${shiftDays(asOf, -(7 * q.maxWeeks + 6))}::date`);
  }
  // The 18-week breach date is start + 127 days.
  if (q.breachBy !== undefined) {
    where.push(sql`${pathways.rttPeriodStart} <= ${shiftDays(q.breachBy, -127)}::date`);
  }
  if (q.status !== undefined) where.push(statusWhere(q.status, orgId, asOf));
  if (q.validationDue === true) {
    // Nothing falls due before day 84: a range the partial indexes can scan, then the rule itself.
    where.push(sql`${pathways.rttPeriodStart} <= ${shiftDays(asOf, -FIRST_DUE_DAYS)}::date`);
    where.push(validationDueSql(asOf));
  }
  if (q.validationDue === false) where.push(sql`not coalesce(${validationDueSql(asOf)}, false)`);
  const all = and(...where);
  if (!all) throw new Error('unreachable: the PTL filter is never empty');
  return all;
}

/** The sort columns of a page of pathways, in the inner query or in the page it yields. */
interface SortColumns {
  priority: SQLWrapper;
  start: SQLWrapper;
  id: SQLWrapper;
}

function orderOf(sort: PtlSort, c: SortColumns): SQL[] {
  switch (sort) {
    case 'breach-date':
    case 'weeks-waited':
      return [sql`${c.start} asc`, sql`${c.id} asc`];
    case 'priority':
      return [
        sql`case ${c.priority} when 'two-week-wait' then 0 when 'urgent' then 1 else 2 end asc`,
        sql`${c.start} asc`,
        sql`${c.id} asc`,
      ];
  }
}

interface SelectedRow {
  pathwayId: string;
  ppid: string;
  priority: string;
  periodStart: string | null;
  clockStartDate: string;
  lastValidatedOn: string | null;
  lastContactOn: string | null;
  patientId: string;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  specialtyCode: string;
  specialtyName: string;
  clinicianId: string | null;
  clinicianTitle: string | null;
  clinicianGivenName: string | null;
  clinicianFamilyName: string | null;
}

/** A pathway's booked appointment, for its PTL row. */
type BookedAppointment = PtlRow['appointment'];

/**
 * The booked appointment of each of these pathways (a pathway has at most one booked at a time), in one
 * indexed query over the page's pathways rather than a subquery per row.
 */
async function bookedAppointments(
  db: Database,
  orgId: string,
  pathwayIds: readonly string[],
): Promise<Map<string, NonNullable<BookedAppointment>>> {
  const found = new Map<string, NonNullable<BookedAppointment>>();
  for (let i = 0; i < pathwayIds.length; i += 5000) {
    const rows = await db
      .select({
        pathwayId: appointments.pathwayId,
        startsAt: appointments.startsAt,
        clinic: clinicTemplates.name,
      })
      .from(appointments)
      .innerJoin(slots, and(eq(slots.orgId, appointments.orgId), eq(slots.id, appointments.slotId)))
      .innerJoin(
        clinicTemplates,
        and(eq(clinicTemplates.orgId, slots.orgId), eq(clinicTemplates.id, slots.templateId)),
      )
      .where(
        and(
          eq(appointments.orgId, orgId),
          inArray(appointments.pathwayId, pathwayIds.slice(i, i + 5000)),
          eq(appointments.status, 'booked'),
        ),
      );
    for (const r of rows) {
      const start = r.startsAt.toISOString();
      const seen = found.get(r.pathwayId);
      if (!seen || start < seen.start) found.set(r.pathwayId, { start, clinic: r.clinic });
    }
  }
  return found;
}

/** A row's columns from its patient, specialty and clinician. */
const joinedColumns = {
  patientId: patients.id,
  nhsNumber: patients.nhsNumber,
  givenName: patients.givenName,
  familyName: patients.familyName,
  dateOfBirth: patients.dateOfBirth,
  specialtyCode: specialties.code,
  specialtyName: specialties.name,
  clinicianId: clinicians.id,
  clinicianTitle: clinicians.title,
  clinicianGivenName: clinicians.givenName,
  clinicianFamilyName: clinicians.familyName,
};

/**
 * The rows of a list: first the pathways alone (an index scan of the partial index, sorted and cut to the
 * page), then the patient, specialty and clinician of those rows only.
 */
function selectRowsDirect(
  db: Database,
  orgId: string,
  asOf: string,
  q: PtlFilter,
  page: { limit: number; offset: number },
) {
  const sort = q.sort ?? 'breach-date';
  const inner = db
    .select({
      orgId: pathways.orgId,
      id: pathways.id,
      patientId: pathways.patientId,
      specialtyCode: pathways.specialtyCode,
      clinicianId: pathways.clinicianId,
      ppid: pathways.ppid,
      priority: pathways.priority,
      periodStart: pathways.rttPeriodStart,
      clockStartDate: pathways.clockStartDate,
      lastValidatedOn: pathways.lastValidatedOn,
      lastContactOn: pathways.lastContactOn,
    })
    .from(pathways)
    .where(whereOf(orgId, asOf, q))
    .orderBy(
      ...orderOf(sort, { priority: pathways.priority, start: pathways.rttPeriodStart, id: pathways.id }),
    )
    .limit(page.limit)
    .offset(page.offset)
    .as('ptl_page');
  return db
    .select({
      pathwayId: inner.id,
      ppid: inner.ppid,
      priority: inner.priority,
      periodStart: inner.periodStart,
      clockStartDate: inner.clockStartDate,
      lastValidatedOn: inner.lastValidatedOn,
      lastContactOn: inner.lastContactOn,
      ...joinedColumns,
    })
    .from(inner)
    .innerJoin(patients, and(eq(patients.orgId, inner.orgId), eq(patients.id, inner.patientId)))
    .innerJoin(
      specialties,
      and(eq(specialties.orgId, inner.orgId), eq(specialties.code, inner.specialtyCode)),
    )
    .leftJoin(clinicians, and(eq(clinicians.orgId, inner.orgId), eq(clinicians.id, inner.clinicianId)))
    .orderBy(...orderOf(sort, { priority: inner.priority, start: inner.periodStart, id: inner.id }));
}

/**
 * The rows of one page of a booking-status filter: first the page's keys alone, sorted and cut to the page, so
 * that the pathways the filter passes over are never read from the table (an index-only scan of
 * `pathways_ptl_keys_idx`, probing appointments and unavailability by its id and patient); then those
 * pathways themselves, with their patient, specialty and clinician, for the page's rows only. Not for an
 * export: there every row is read, and reading each twice costs more than it saves.
 */
function selectRowsByKeys(
  db: Database,
  orgId: string,
  asOf: string,
  q: PtlFilter,
  page: { limit: number; offset: number },
) {
  const sort = q.sort ?? 'breach-date';
  const keys = db
    .select({ orgId: pathways.orgId, id: pathways.id, periodStart: pathways.rttPeriodStart })
    .from(pathways)
    .where(whereOf(orgId, asOf, q))
    .orderBy(
      ...orderOf(sort, { priority: pathways.priority, start: pathways.rttPeriodStart, id: pathways.id }),
    )
    .limit(page.limit)
    .offset(page.offset)
    .as('ptl_page');
  return db
    .select({
      pathwayId: keys.id,
      ppid: pathways.ppid,
      priority: pathways.priority,
      periodStart: keys.periodStart,
      clockStartDate: pathways.clockStartDate,
      lastValidatedOn: pathways.lastValidatedOn,
      lastContactOn: pathways.lastContactOn,
      ...joinedColumns,
    })
    .from(keys)
    .innerJoin(pathways, and(eq(pathways.orgId, keys.orgId), eq(pathways.id, keys.id)))
    .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
    .innerJoin(
      specialties,
      and(eq(specialties.orgId, pathways.orgId), eq(specialties.code, pathways.specialtyCode)),
    )
    .leftJoin(clinicians, and(eq(clinicians.orgId, pathways.orgId), eq(clinicians.id, pathways.clinicianId)))
    .orderBy(...orderOf(sort, { priority: pathways.priority, start: keys.periodStart, id: keys.id }));
}

/** The rows of one page (at most a page's limit): by keys first for a booking-status filter. */
function selectPage(
  db: Database,
  orgId: string,
  asOf: string,
  q: PtlFilter,
  page: { limit: number; offset: number },
) {
  return q.status === undefined
    ? selectRowsDirect(db, orgId, asOf, q, page)
    : selectRowsByKeys(db, orgId, asOf, q, page);
}

async function countRows(db: Database, orgId: string, asOf: string, q: PtlFilter): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(pathways)
    .where(whereOf(orgId, asOf, q));
  return Number(row?.n ?? 0);
}

/**
 * The SQL the page read runs (the page and its count), for measuring the database's own share of a request.
 */
export function ptlPageStatements(
  db: Database,
  orgId: string,
  asOf: string,
  q: PtlQuery & { limit: number; offset: number },
): { page: { sql: string; params: unknown[] }; count: { sql: string; params: unknown[] } } {
  return {
    page: selectPage(db, orgId, asOf, q, q).toSQL(),
    count: db
      .select({ n: sql<number>`count(*)::int` })
      .from(pathways)
      .where(whereOf(orgId, asOf, q))
      .toSQL(),
  };
}

/** A PTL row's derived values, from its clock start and the day the list is read, with core's functions. */
export function toPtlRow(
  r: SelectedRow,
  asOf: string,
  due: (input: ValidationDueInput) => ValidationDue = validationDue,
  appointment: BookedAppointment = null,
): PtlRow {
  const clockStart = r.periodStart ?? r.clockStartDate;
  // A clock cannot start after today; should one, it has waited no days yet.
  const daysWaited = Math.max(0, isoToEpochDay(asOf) - isoToEpochDay(clockStart));
  const breach = breachDates(clockStart);
  const bookBy = shiftDays(breach['18'], -BOOKING_NOTICE_DAYS);
  const validation = due({
    clockStart,
    lastValidatedOn: r.lastValidatedOn,
    lastContactOn: r.lastContactOn,
    asOf,
  });
  return {
    pathwayId: r.pathwayId,
    ppid: r.ppid,
    patient: {
      id: r.patientId,
      nhsNumber: r.nhsNumber,
      name: `${r.familyName}, ${r.givenName}`,
      dateOfBirth: r.dateOfBirth,
    },
    specialty: { code: r.specialtyCode, name: r.specialtyName },
    clinician:
      r.clinicianId === null
        ? null
        : {
            id: r.clinicianId,
            name: [r.clinicianTitle, r.clinicianGivenName, r.clinicianFamilyName]
              .filter((p) => p !== null && p !== '')
              .join(' '),
          },
    priority: r.priority as RttPriority,
    clockStart,
    daysWaited,
    weeksWaited: completedWeeks(daysWaited),
    weekBand: weekBand(daysWaited),
    breachDates: breach,
    nextAction: appointment
      ? { label: 'Attend appointment', due: londonDateOfEpochMilliseconds(Date.parse(appointment.start)) }
      : { label: 'Book first appointment', due: bookBy < asOf ? asOf : bookBy },
    appointment,
    validation: {
      // The latest of the last validation and the last contact with the patient.
      lastContact:
        r.lastContactOn !== null && (r.lastValidatedOn === null || r.lastContactOn > r.lastValidatedOn)
          ? r.lastContactOn
          : r.lastValidatedOn,
      due: validation.due,
      dueOn: validation.dueOn,
    },
  };
}

/** Rows of one list: validationDue memoised, as rows sorted by clock start share their inputs in runs. */
async function toPtlRows(
  db: Database,
  orgId: string,
  selected: readonly SelectedRow[],
  asOf: string,
): Promise<PtlRow[]> {
  const booked = await bookedAppointments(
    db,
    orgId,
    selected.map((r) => r.pathwayId),
  );
  const memo = new Map<string, ValidationDue>();
  const due = (input: ValidationDueInput): ValidationDue => {
    const key = `${input.clockStart}|${input.lastValidatedOn ?? ''}|${input.lastContactOn ?? ''}`;
    let value = memo.get(key);
    if (value === undefined) {
      value = validationDue(input);
      memo.set(key, value);
    }
    return value;
  };
  return selected.map((r) => toPtlRow(r, asOf, due, booked.get(r.pathwayId) ?? null));
}

function auditRows(db: Database, ctx: RequestContext, action: string, rows: readonly PtlRow[]) {
  return writeAuditForMany(
    db,
    actorOf(ctx),
    action,
    'Pathway',
    rows.map((r) => ({ resourceId: r.pathwayId, patientId: r.patient.id })),
  );
}

/** One page of the PTL, with the total over the same filter; one audit row per patient listed. */
export async function ptlPage(
  db: Database,
  ctx: RequestContext,
  q: PtlQuery & { limit: number; offset: number },
): Promise<PtlPage> {
  checkFilter(q);
  const orgId = ctx.principal.orgId;
  const asOf = ptlAsOf(ctx.now);
  return db.transaction(async (tx) => {
    const selected = await selectPage(tx, orgId, asOf, q, q);
    // The total is only worth a second query when the page does not already show where the list ends.
    const total =
      selected.length < q.limit && (selected.length > 0 || q.offset === 0)
        ? q.offset + selected.length
        : await countRows(tx, orgId, asOf, q);
    const rows = await toPtlRows(tx, orgId, selected, asOf);
    await auditRows(tx, ctx, 'Ptl.read', rows);
    return { asOf, total, limit: q.limit, offset: q.offset, rows };
  });
}

/** The whole filtered PTL for an export (at most PTL_EXPORT_MAX_ROWS rows); one audit row per patient exported. */
export async function ptlExportRows(
  db: Database,
  ctx: RequestContext,
  q: PtlFilter,
): Promise<{ asOf: string; rows: PtlRow[] }> {
  checkFilter(q);
  const orgId = ctx.principal.orgId;
  const asOf = ptlAsOf(ctx.now);
  return db.transaction(async (tx) => {
    const total = await countRows(tx, orgId, asOf, q);
    if (total > PTL_EXPORT_MAX_ROWS) {
      const message = `The list has ${total.toLocaleString('en-GB')} pathways; an export holds at most ${PTL_EXPORT_MAX_ROWS.toLocaleString('en-GB')}. Filter by specialty, consultant, priority or weeks waited and export again.`;
      throw new AppError('validation_failed', message, { errors: [{ field: '/query', message }] });
    }
    const selected = await selectRowsDirect(tx, orgId, asOf, q, {
      limit: PTL_EXPORT_MAX_ROWS,
      offset: 0,
    });
    const rows = await toPtlRows(tx, orgId, selected, asOf);
    await auditRows(tx, ctx, 'Ptl.export', rows);
    return { asOf, rows };
  });
}

type Counts = Omit<PtlSpecialtySummary, 'code' | 'name' | 'percentWithin18'>;

const percentWithin18 = (c: Counts): number | null =>
  c.total === 0 ? null : Math.round((c.within18 * 1000) / c.total) / 10;

/** The summary's one aggregate statement (exported for the benchmark's anchor). */
export function ptlSummaryQuery(orgId: string, asOf: string): SQL {
  const cut = (weeks: number) => sql`${shiftDays(asOf, -7 * weeks)}::date`;
  return sql`select s.code, s.name,
          coalesce(w.total, 0) as total, coalesce(w.within18, 0) as within18,
          coalesce(w.over18to52, 0) as over18to52, coalesce(w.over52, 0) as over52,
          coalesce(w.over65, 0) as over65, coalesce(w.over78, 0) as over78, coalesce(w.over104, 0) as over104
        from specialties s
        left join (
          select specialty_code,
                 count(*)::int as total,
                 count(*) filter (where rtt_period_start >= ${cut(18)})::int as within18,
                 count(*) filter (where rtt_period_start < ${cut(18)} and rtt_period_start >= ${cut(52)})::int as over18to52,
                 count(*) filter (where rtt_period_start < ${cut(52)})::int as over52,
                 count(*) filter (where rtt_period_start < ${cut(65)})::int as over65,
                 count(*) filter (where rtt_period_start < ${cut(78)})::int as over78,
                 count(*) filter (where rtt_period_start < ${cut(104)})::int as over104
            from pathways
           where org_id = ${orgId} and status = 'open' and rtt_running
           group by specialty_code
        ) w on w.specialty_code = s.code
       where s.org_id = ${orgId}
       order by s.name, s.code`;
}

/**
 * Waits by specialty (every specialty of the organisation, empty ones included) and for the trust, in one
 * aggregate over open pathways with a running clock (an index-only scan of the PTL's partial index, grouped by
 * specialty before the specialties are joined). Boundaries as core's isWithinWeeks / isOverWeeks: within
 * N weeks ⇔ days ≤ 7N ⇔ clock start ≥ asOf − 7N.
 */
export async function ptlSummary(db: Database, ctx: RequestContext): Promise<PtlSummary> {
  const asOf = ptlAsOf(ctx.now);
  const rows = await queryRows<Counts & { code: string; name: string }>(
    db,
    ptlSummaryQuery(ctx.principal.orgId, asOf),
  );
  const zero: Counts = { total: 0, within18: 0, over18to52: 0, over52: 0, over65: 0, over78: 0, over104: 0 };
  const keys = Object.keys(zero) as (keyof Counts)[];
  const trust = { ...zero };
  const list = rows.map((r) => {
    const counts = { ...zero };
    for (const k of keys) {
      counts[k] = Number(r[k]);
      trust[k] += counts[k];
    }
    return { code: r.code, name: r.name, ...counts, percentWithin18: percentWithin18(counts) };
  });
  return { asOf, specialties: list, trust: { ...trust, percentWithin18: percentWithin18(trust) } };
}

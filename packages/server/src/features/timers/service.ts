/**
 * A pathway's cancer and diagnostic timers, beside its RTT clock and independent of it (spec §8.1). The cancer
 * events and the diagnostic requests are the truth; the clocks (28-day FDS, 62-day, 31-day; DM01 6-week) are
 * computed from them by core on the day they are read, never stored. Every cancer event written locks the
 * pathway row, re-checks the whole sequence with core, refuses one that makes no sense (422 naming the field
 * and the rule) and is audited in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import {
  CancerRuleError,
  DM01_TESTS,
  cancerPathwayClocks,
  checkCancerEvents,
  diagnosticClockStart,
  diagnosticWait,
  dm01Performance,
  type AssumedCancerReferral,
  type CancerEvent,
  type CancerEventKind,
  type CancerRoute,
  type CancerTreatment,
  type DiagnosticClockSource,
  type Dm01Test,
} from '@pathflow/core';
import { queryRows, type Database } from '../../db/client';
import { cancerEvents, diagnosticRequests, pathways } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid, notFound, type FieldError } from '../../errors';
import { londonToday } from '../../clock';
import type {
  DiagnosticRequestTimer,
  DiagnosticRoute,
  DiagnosticWriteResult,
  Dm01Summary,
  NewCancerEvent,
  NewDiagnosticRequest,
  PathwayTimers,
} from './schemas';

type PathwayRow = typeof pathways.$inferSelect;
type CancerEventRow = typeof cancerEvents.$inferSelect;
type DiagnosticRow = typeof diagnosticRequests.$inferSelect;

/** What of a pathway its timers depend on. */
export type TimersPathway = Pick<PathwayRow, 'id' | 'priority' | 'referralReceivedDate'>;

/**
 * A two-week-wait pathway with no cancer referral recorded is taken as an urgent suspected cancer referral
 * received on the pathway's referral date: that is what a booking team expects, since every 2WW referral is on
 * the FDS and 62-day clocks from receipt. Recording the cancer referral (with its route and date) replaces it.
 */
function assumedReferral(pathway: TimersPathway): AssumedCancerReferral | null {
  return pathway.priority === 'two-week-wait'
    ? { date: pathway.referralReceivedDate, route: 'urgent-suspected-cancer' }
    : null;
}

const cancerEventOf = (row: CancerEventRow): CancerEvent => ({
  kind: row.kind as CancerEventKind,
  date: row.eventDate,
  route: row.route as CancerRoute | null,
  treatment: row.treatment as CancerTreatment | null,
  adjustmentDays: row.adjustmentDays,
});

/** A pathway's cancer events in the order they were recorded (core blames the later of two that conflict). */
function loadCancerEvents(db: Database, orgId: string, pathwayId: string): Promise<CancerEventRow[]> {
  return db
    .select()
    .from(cancerEvents)
    .where(and(eq(cancerEvents.orgId, orgId), eq(cancerEvents.pathwayId, pathwayId)))
    .orderBy(asc(cancerEvents.recordedAt), asc(cancerEvents.id));
}

function loadDiagnostics(db: Database, orgId: string, pathwayId: string): Promise<DiagnosticRow[]> {
  return db
    .select()
    .from(diagnosticRequests)
    .where(and(eq(diagnosticRequests.orgId, orgId), eq(diagnosticRequests.pathwayId, pathwayId)))
    .orderBy(
      asc(diagnosticRequests.clockStart),
      asc(diagnosticRequests.recordedAt),
      asc(diagnosticRequests.id),
    );
}

/** One diagnostic request with its DM01 wait on `asOf`: none once cancelled, nor before its clock starts. */
function diagnosticTimer(row: DiagnosticRow, asOf: string): DiagnosticRequestTimer {
  const cancelled = row.cancelledOn !== null && row.cancelledOn <= asOf;
  const started = row.clockStart <= asOf;
  return {
    id: row.id,
    test: row.test as Dm01Test,
    testName: DM01_TESTS[row.test as Dm01Test]?.name ?? row.test,
    route: row.route as DiagnosticRoute,
    requestedOn: row.requestedOn,
    ubrnBookedOn: row.ubrnBookedOn,
    asiWorklistOn: row.asiWorklistOn,
    clockStart: row.clockStart,
    performedOn: row.performedOn,
    cancelledOn: row.cancelledOn,
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt.toISOString(),
    note: row.note,
    wait:
      cancelled || !started
        ? null
        : diagnosticWait({ clockStart: row.clockStart, asOf, performedOn: row.performedOn }),
  };
}

function timersOf(
  pathway: TimersPathway,
  events: CancerEventRow[],
  diagnostics: DiagnosticRow[],
  asOf: string,
): PathwayTimers {
  const cancer = cancerPathwayClocks({
    events: events.map(cancerEventOf),
    assumedReferral: assumedReferral(pathway),
    asOf,
  });
  const KIND_ORDER: CancerEventKind[] = [
    'referral',
    'consultant-upgrade',
    'diagnosis-communicated',
    'decision-to-treat',
    'treatment-start',
  ];
  const listed = [...events].sort((a, b) =>
    a.eventDate !== b.eventDate
      ? a.eventDate < b.eventDate
        ? -1
        : 1
      : KIND_ORDER.indexOf(a.kind as CancerEventKind) - KIND_ORDER.indexOf(b.kind as CancerEventKind),
  );
  return {
    asOf,
    cancer: {
      route: cancer.route,
      referralAssumed: cancer.referralAssumed,
      clocks: cancer.clocks,
      events: listed.map((e) => ({
        id: e.id,
        kind: e.kind as CancerEventKind,
        date: e.eventDate,
        route: e.route as CancerRoute | null,
        treatment: e.treatment as CancerTreatment | null,
        adjustmentDays: e.adjustmentDays,
        recordedBy: e.recordedBy,
        recordedAt: e.recordedAt.toISOString(),
        note: e.note,
      })),
    },
    diagnostics: diagnostics.map((d) => diagnosticTimer(d, asOf)),
  };
}

/**
 * The cancer and diagnostic timers of one pathway on `asOf`, read inside the caller's transaction (for the
 * pathway detail). Reads only: the caller audits the read and has already checked the pathway belongs to
 * `orgId`.
 */
export async function pathwayTimers(
  tx: Database,
  orgId: string,
  pathway: TimersPathway,
  asOf: string,
): Promise<PathwayTimers> {
  const events = await loadCancerEvents(tx, orgId, pathway.id);
  const diagnostics = await loadDiagnostics(tx, orgId, pathway.id);
  return timersOf(pathway, events, diagnostics, asOf);
}

async function findPathway(tx: Database, orgId: string, id: string, lock: boolean): Promise<PathwayRow> {
  const query = tx
    .select()
    .from(pathways)
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, id)));
  const [pathway] = lock ? await query.for('update') : await query;
  if (!pathway) throw notFound('Pathway');
  return pathway;
}

/** `GET /pathways/:id/timers`: the timers today, the read audited. */
export async function getPathwayTimers(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
): Promise<PathwayTimers> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const pathway = await findPathway(tx, orgId, pathwayId, false);
    const timers = await pathwayTimers(tx, orgId, pathway, londonToday(ctx.now));
    await audit(tx, ctx, {
      action: 'PathwayTimers.read',
      resourceType: 'Pathway',
      resourceId: pathwayId,
      patientId: pathway.patientId,
    });
    return timers;
  });
}

/** A date in the request that cannot be after today: a 400 naming the field. */
function notInFuture(field: string, value: string | undefined, today: string, what: string): void {
  if (value !== undefined && value > today) {
    throw new AppError('validation_failed', `${what} cannot be dated in the future`, {
      errors: [{ field, message: `${field.split('/').pop() ?? field} must be today or in the past` }],
    });
  }
}

const trimmed = (note: string | undefined): string | null => note?.trim() || null;

/**
 * `POST /pathways/:id/cancer-events`: checks the pathway's whole cancer sequence with the new event under a
 * lock on the pathway row, refuses one that makes no sense (422 naming the field and the rule, nothing
 * stored), stores it, audits the write and answers with the timers.
 */
export async function recordCancerEvent(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  input: NewCancerEvent,
): Promise<PathwayTimers> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  notInFuture('/body/date', input.date, today, 'A cancer event');
  return db.transaction(async (tx) => {
    // Lock the pathway: two people recording events at once are checked one after the other.
    const pathway = await findPathway(tx, orgId, pathwayId, true);
    const existing = await loadCancerEvents(tx, orgId, pathwayId);
    const row: CancerEventRow = {
      orgId,
      id: randomUUID(),
      pathwayId,
      kind: input.kind,
      eventDate: input.date,
      route: input.route ?? null,
      treatment: input.treatment ?? null,
      adjustmentDays: input.adjustmentDays ?? 0,
      recordedBy: ctx.principal.id,
      recordedAt: ctx.now,
      note: trimmed(input.note),
    };
    const events = [...existing, row];
    try {
      checkCancerEvents(events.map(cancerEventOf), assumedReferral(pathway));
    } catch (err) {
      if (!(err instanceof CancerRuleError)) throw err;
      const isNew = err.eventIndex === existing.length;
      const field = `/body/${isNew ? err.field : 'date'}`;
      const detail = isNew
        ? err.message
        : `${err.message}. Recording this event would make an event already on the pathway break the rules: check its date.`;
      throw new AppError('waiting_time_rule_violation', detail, {
        errors: [{ field, message: err.message }],
        rule: err.rule,
      });
    }
    await tx.insert(cancerEvents).values(row);
    await audit(tx, ctx, {
      action: 'CancerEvent.create',
      resourceType: 'Pathway',
      resourceId: pathwayId,
      patientId: pathway.patientId,
      detail: { kind: input.kind, cancerEventId: row.id },
    });
    return pathwayTimers(tx, orgId, pathway, today);
  });
}

/** The rule a diagnostic date before the clock start breaks. */
const BEFORE_CLOCK_START = '§3.2/before-clock-start';

/** The route's own dates: a request has its request date; e-RS its UBRN booking and ASI worklist dates. */
function clockSourceOf(input: NewDiagnosticRequest): DiagnosticClockSource {
  const errors: FieldError[] = [];
  const notFor = (name: 'requestedOn' | 'ubrnBookedOn' | 'asiWorklistOn', message: string) => {
    if (input[name] !== undefined) errors.push({ field: `/body/${name}`, message });
  };
  if (input.route === 'request') {
    if (input.requestedOn === undefined) {
      errors.push({ field: '/body/requestedOn', message: 'requestedOn is required for a request' });
    }
    const onlyErs = 'is only for an e-RS referral; the clock for a request starts on requestedOn';
    notFor('ubrnBookedOn', `ubrnBookedOn ${onlyErs}`);
    notFor('asiWorklistOn', `asiWorklistOn ${onlyErs}`);
  } else {
    if (input.ubrnBookedOn === undefined && input.asiWorklistOn === undefined) {
      const message =
        'An e-RS referral needs the first UBRN booking date or the ASI worklist date: the clock starts on the earlier';
      errors.push({ field: '/body/ubrnBookedOn', message }, { field: '/body/asiWorklistOn', message });
    }
    notFor(
      'requestedOn',
      'requestedOn is only for a request; an e-RS referral’s clock starts on its UBRN booking or ASI worklist date',
    );
  }
  if (errors.length > 0) {
    const detail = [...new Set(errors.map((e) => e.message))].join('. ');
    throw new AppError('validation_failed', detail, { errors });
  }
  return input.route === 'request'
    ? { route: 'request', requestedOn: input.requestedOn ?? '' }
    : {
        route: 'e-rs',
        ...(input.ubrnBookedOn !== undefined ? { ubrnBookedOn: input.ubrnBookedOn } : {}),
        ...(input.asiWorklistOn !== undefined ? { asiWorklistOn: input.asiWorklistOn } : {}),
      };
}

/** `POST /pathways/:id/diagnostic-requests`: a new DM01 clock, started where core's rules say. */
export async function createDiagnosticRequest(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  input: NewDiagnosticRequest,
): Promise<DiagnosticWriteResult> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const source = clockSourceOf(input);
  for (const name of ['requestedOn', 'ubrnBookedOn', 'asiWorklistOn'] as const) {
    notInFuture(`/body/${name}`, input[name], today, 'A diagnostic request');
  }
  const clockStart = diagnosticClockStart(source);
  return db.transaction(async (tx) => {
    const pathway = await findPathway(tx, orgId, pathwayId, true);
    const row: DiagnosticRow = {
      orgId,
      id: randomUUID(),
      pathwayId,
      test: input.test,
      route: input.route,
      requestedOn: input.requestedOn ?? null,
      ubrnBookedOn: input.ubrnBookedOn ?? null,
      asiWorklistOn: input.asiWorklistOn ?? null,
      clockStart,
      performedOn: null,
      cancelledOn: null,
      recordedBy: ctx.principal.id,
      recordedAt: ctx.now,
      note: trimmed(input.note),
    };
    await tx.insert(diagnosticRequests).values(row);
    await audit(tx, ctx, {
      action: 'DiagnosticRequest.create',
      resourceType: 'DiagnosticRequest',
      resourceId: row.id,
      patientId: pathway.patientId,
      detail: { pathwayId, test: input.test, route: input.route },
    });
    return { request: diagnosticTimer(row, today), timers: await pathwayTimers(tx, orgId, pathway, today) };
  });
}

type DiagnosticOutcome =
  { kind: 'performed'; performedOn: string } | { kind: 'cancelled'; cancelledOn: string; reason: string };

/** Records that a waiting request was performed or cancelled: each ends its DM01 wait, once. */
async function closeDiagnosticRequest(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  requestId: string,
  outcome: DiagnosticOutcome,
): Promise<DiagnosticWriteResult> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const [field, date] =
    outcome.kind === 'performed'
      ? (['/body/performedOn', outcome.performedOn] as const)
      : (['/body/cancelledOn', outcome.cancelledOn] as const);
  notInFuture(field, date, today, outcome.kind === 'performed' ? 'A test' : 'A cancellation');
  const reason = outcome.kind === 'cancelled' ? outcome.reason.trim() : '';
  if (outcome.kind === 'cancelled' && reason === '') {
    throw invalid('/body/reason', 'Say why the request was cancelled');
  }
  return db.transaction(async (tx) => {
    const pathway = await findPathway(tx, orgId, pathwayId, true);
    const [request] = await tx
      .select()
      .from(diagnosticRequests)
      .where(
        and(
          eq(diagnosticRequests.orgId, orgId),
          eq(diagnosticRequests.pathwayId, pathwayId),
          eq(diagnosticRequests.id, requestId),
        ),
      )
      .for('update');
    if (!request) throw notFound('Diagnostic request');
    if (request.cancelledOn !== null) {
      throw new AppError(
        'conflict',
        `This request was cancelled on ${request.cancelledOn}: it cannot be ${outcome.kind} now`,
      );
    }
    if (request.performedOn !== null) {
      throw new AppError(
        'conflict',
        `This test was already recorded as performed on ${request.performedOn}: it cannot be ${outcome.kind} now`,
      );
    }
    if (date < request.clockStart) {
      const message = `${field.split('/').pop()} cannot be before the clock start (${request.clockStart})`;
      throw new AppError('waiting_time_rule_violation', message, {
        errors: [{ field, message }],
        rule: BEFORE_CLOCK_START,
      });
    }
    const change =
      outcome.kind === 'performed'
        ? { performedOn: date }
        : {
            cancelledOn: date,
            // There is no column for the reason: it is kept with the request's note.
            note: [request.note, `Cancelled: ${reason}`].filter((n) => n !== null && n !== '').join('\n'),
          };
    const [updated] = await tx
      .update(diagnosticRequests)
      .set(change)
      .where(and(eq(diagnosticRequests.orgId, orgId), eq(diagnosticRequests.id, requestId)))
      .returning();
    if (!updated) throw notFound('Diagnostic request');
    await audit(tx, ctx, {
      action: outcome.kind === 'performed' ? 'DiagnosticRequest.performed' : 'DiagnosticRequest.cancelled',
      resourceType: 'DiagnosticRequest',
      resourceId: requestId,
      patientId: pathway.patientId,
      detail: { pathwayId, test: request.test },
    });
    return {
      request: diagnosticTimer(updated, today),
      timers: await pathwayTimers(tx, orgId, pathway, today),
    };
  });
}

/** `POST /pathways/:id/diagnostic-requests/:requestId/performed`. */
export function recordDiagnosticPerformed(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  requestId: string,
  performedOn: string,
): Promise<DiagnosticWriteResult> {
  return closeDiagnosticRequest(db, ctx, pathwayId, requestId, { kind: 'performed', performedOn });
}

/** `POST /pathways/:id/diagnostic-requests/:requestId/cancelled`. */
export function cancelDiagnosticRequest(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  requestId: string,
  cancelledOn: string,
  reason: string,
): Promise<DiagnosticWriteResult> {
  return closeDiagnosticRequest(db, ctx, pathwayId, requestId, {
    kind: 'cancelled',
    cancelledOn,
    reason,
  });
}

/**
 * The SQL of the DM01 census on `asOf`: how many requests of each test have waited how many days, over the
 * requests still waiting then (clock started, not yet performed or cancelled). Grouped by test and clock
 * start, so the 6-week rule itself stays in core. On or after today nothing recorded is dated after `asOf`
 * (performed and cancelled dates in the future are refused), so the census is exactly the partial index
 * `diagnostic_requests_waiting_idx`; a census in the past also counts the requests performed or cancelled
 * since.
 */
export function dm01CensusQuery(orgId: string, asOf: string, today: string) {
  const waitingNow = sql`select test, clock_start from diagnostic_requests
     where org_id = ${orgId} and performed_on is null and cancelled_on is null
       and clock_start <= ${asOf}::date`;
  const closedSince = sql`select test, clock_start from diagnostic_requests
     where org_id = ${orgId} and (performed_on is not null or cancelled_on is not null)
       and clock_start <= ${asOf}::date
       and (performed_on is null or performed_on > ${asOf}::date)
       and (cancelled_on is null or cancelled_on > ${asOf}::date)`;
  const census = asOf < today ? sql`${waitingNow} union all ${closedSince}` : waitingNow;
  return sql`select test, (${asOf}::date - clock_start)::int as days, count(*)::int as n
       from (${census}) w
      group by test, clock_start`;
}

function* waitsOf(rows: readonly { days: number; n: number }[]) {
  for (const r of rows) for (let i = 0; i < r.n; i++) yield { days: r.days, status: 'waiting' as const };
}

/** `GET /diagnostics/summary`: DM01 performance by test on a census date. Aggregates only: no patient data. */
export async function dm01Summary(
  db: Database,
  ctx: RequestContext,
  asOfParam: string | undefined,
): Promise<Dm01Summary> {
  const today = londonToday(ctx.now);
  const asOf = asOfParam ?? today;
  if (asOf > today) throw invalid('/query/asOf', 'asOf must be today or earlier');
  const rows = (
    await queryRows<{ test: string; days: number; n: number }>(
      db,
      dm01CensusQuery(ctx.principal.orgId, asOf, today),
    )
  ).map((r) => ({ test: r.test, days: Number(r.days), n: Number(r.n) }));
  const tests = (Object.keys(DM01_TESTS) as Dm01Test[]).map((test) => ({
    test,
    name: DM01_TESTS[test].name,
    group: DM01_TESTS[test].group,
    ...dm01Performance(waitsOf(rows.filter((r) => r.test === test))),
  }));
  const known = new Set<string>(Object.keys(DM01_TESTS));
  return { asOf, tests, total: dm01Performance(waitsOf(rows.filter((r) => known.has(r.test)))) };
}

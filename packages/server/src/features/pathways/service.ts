/**
 * A patient's pathway and its RTT events. The events (with the pathway's clock start) are the source of truth;
 * every write re-runs the RTT engine over them in the same transaction, refuses an illegal sequence naming the
 * rule, and refreshes the pathway's clock projection (`rtt_running`, `rtt_period_start`) that the PTL sorts on.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { RttRuleError, evaluateRtt, type RttEvent, type RttPriority, type RttResult } from '@pathflow/core';
import type { Database } from '../../db/client';
import { pathways, rttEvents } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { pathwayTimers } from '../timers/service';
import type { PathwayTimers } from '../timers/schemas';

type PathwayRow = typeof pathways.$inferSelect;
type EventRow = typeof rttEvents.$inferSelect;

export interface NewRttEvent {
  date: string;
  code: string;
  appointmentCommunicated?: boolean | undefined;
  clinicianDecision?: boolean | undefined;
  dnaDate?: string | undefined;
  note?: string | undefined;
}

export interface PathwayDetail {
  id: string;
  ppid: string;
  ppidIssuer: string;
  patientId: string;
  specialtyCode: string;
  clinicianId: string | null;
  priority: RttPriority;
  clockStart: string;
  status: string;
  events: {
    id: string;
    date: string;
    code: string;
    appointmentCommunicated: boolean | null;
    clinicianDecision: boolean | null;
    dnaDate: string | null;
    origin: string;
    recordedBy: string;
    recordedAt: string;
    note: string | null;
  }[];
  rtt: RttResult;
  /** The cancer and diagnostic timers beside the RTT clock (on a read of the pathway). */
  timers?: PathwayTimers;
}

function engineEvent(
  row: Pick<EventRow, 'eventDate' | 'code' | 'appointmentCommunicated' | 'clinicianDecision' | 'dnaDate'>,
): RttEvent {
  const event: RttEvent = { date: row.eventDate, code: row.code };
  if (row.appointmentCommunicated !== null) event.appointmentCommunicated = row.appointmentCommunicated;
  if (row.clinicianDecision !== null) event.clinicianDecision = row.clinicianDecision;
  if (row.dnaDate !== null) event.dnaDate = row.dnaDate;
  return event;
}

/** The RTT engine over a pathway's stored events, read on `asOf`. */
export function evaluatePathway(pathway: PathwayRow, events: EventRow[], asOf: string): RttResult {
  return evaluateRtt({
    priority: pathway.priority as RttPriority,
    referralReceived: pathway.clockStartDate,
    events: events.map(engineEvent),
    asOf,
  });
}

async function loadEvents(db: Database, orgId: string, pathwayId: string): Promise<EventRow[]> {
  return db
    .select()
    .from(rttEvents)
    .where(and(eq(rttEvents.orgId, orgId), eq(rttEvents.pathwayId, pathwayId)))
    .orderBy(asc(rttEvents.eventDate), asc(rttEvents.seq));
}

function detailOf(pathway: PathwayRow, events: EventRow[], rtt: RttResult): PathwayDetail {
  return {
    id: pathway.id,
    ppid: pathway.ppid,
    ppidIssuer: pathway.ppidIssuer,
    patientId: pathway.patientId,
    specialtyCode: pathway.specialtyCode,
    clinicianId: pathway.clinicianId,
    priority: pathway.priority as RttPriority,
    clockStart: pathway.clockStartDate,
    status: pathway.status,
    events: events.map((e) => ({
      id: e.id,
      date: e.eventDate,
      code: e.code,
      appointmentCommunicated: e.appointmentCommunicated,
      clinicianDecision: e.clinicianDecision,
      dnaDate: e.dnaDate,
      origin: e.origin,
      recordedBy: e.recordedBy,
      recordedAt: e.recordedAt.toISOString(),
      note: e.note,
    })),
    rtt,
  };
}

export async function getPathway(db: Database, ctx: RequestContext, id: string): Promise<PathwayDetail> {
  return db.transaction(async (tx) => {
    const [pathway] = await tx
      .select()
      .from(pathways)
      .where(and(eq(pathways.orgId, ctx.principal.orgId), eq(pathways.id, id)));
    if (!pathway) throw notFound('Pathway');
    const events = await loadEvents(tx, ctx.principal.orgId, id);
    await audit(tx, ctx, {
      action: 'Pathway.read',
      resourceType: 'Pathway',
      resourceId: id,
      patientId: pathway.patientId,
    });
    const today = londonToday(ctx.now);
    return {
      ...detailOf(pathway, events, evaluatePathway(pathway, events, today)),
      timers: await pathwayTimers(tx, ctx.principal.orgId, pathway, today),
    };
  });
}

/** Where in the request body an engine rule points, when the new event is the one it refuses. */
const RULE_FIELD: Partial<Record<string, string>> = {
  'input.date': '/date',
  'input.event-order': '/date',
  'input.before-referral': '/date',
  'input.dna-date': '/dnaDate',
  '§1.4/clinical-decision': '/clinicianDecision',
  '§1.4/dna-discharge': '/clinicianDecision',
};

/** Where an event comes from (stored as `rtt_events.origin`). */
export type RttEventOrigin =
  'referral' | 'appointment' | 'clinic-outcome' | 'validation' | 'manual' | 'import';

/**
 * Appends an RTT event to a pathway inside the caller's transaction: locks the pathway row, re-runs the engine
 * over all its events with the new one, refuses an illegal sequence (422 naming the rule; `fieldPrefix` is
 * where in the caller's request the event's fields are), stores the event, refreshes the clock projection and
 * audits the write. Used by recording an event directly, by triage and by waiting-list validation.
 */
export async function appendRttEvent(
  tx: Database,
  ctx: RequestContext,
  pathwayId: string,
  input: NewRttEvent,
  origin: RttEventOrigin,
  fieldPrefix = '/body',
): Promise<PathwayDetail> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  if (input.date > today) {
    throw new AppError('validation_failed', 'An RTT event cannot be dated in the future', {
      errors: [{ field: `${fieldPrefix}/date`, message: 'date must be today or in the past' }],
    });
  }
  // Lock the pathway: two people recording events at once are applied one after the other.
  const [pathway] = await tx
    .select()
    .from(pathways)
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, pathwayId)))
    .for('update');
  if (!pathway) throw notFound('Pathway');
  const existing = await loadEvents(tx, orgId, pathwayId);
  const sameDay = existing.filter((e) => e.eventDate === input.date);
  const row: EventRow = {
    orgId,
    id: randomUUID(),
    pathwayId,
    eventDate: input.date,
    seq: sameDay.reduce((max, e) => Math.max(max, e.seq), 0) + 1,
    code: input.code,
    appointmentCommunicated: input.appointmentCommunicated ?? null,
    clinicianDecision: input.clinicianDecision ?? null,
    dnaDate: input.dnaDate ?? null,
    origin,
    recordedBy: ctx.principal.id,
    recordedAt: ctx.now,
    note: input.note?.trim() || null,
  };
  const events = [...existing, row].sort((a, b) =>
    a.eventDate === b.eventDate ? a.seq - b.seq : a.eventDate < b.eventDate ? -1 : 1,
  );
  let rtt: RttResult;
  try {
    rtt = evaluatePathway(pathway, events, today);
  } catch (err) {
    if (!(err instanceof RttRuleError)) throw err;
    const isNew = err.eventIndex !== null && events[err.eventIndex] === row;
    const field = `${fieldPrefix}${isNew ? (RULE_FIELD[err.rule] ?? '/code') : '/date'}`;
    const detail = isNew
      ? err.message
      : `${err.message}. Recording this event would make an event already on the pathway break the rules: check its date.`;
    throw new AppError('rtt_rule_violation', detail, {
      errors: [{ field, message: err.message }],
      rule: err.rule,
    });
  }
  await tx.insert(rttEvents).values(row);
  await tx
    .update(pathways)
    .set({ rttRunning: rtt.current.running, rttPeriodStart: rtt.current.start })
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, pathwayId)));
  await audit(tx, ctx, {
    action: 'RttEvent.create',
    resourceType: 'Pathway',
    resourceId: pathwayId,
    patientId: pathway.patientId,
    detail: { code: input.code, origin },
  });
  return detailOf(pathway, events, rtt);
}

/** Records an RTT event entered by a person (`POST /pathways/:id/rtt-events`), in a transaction of its own. */
export async function recordRttEvent(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  input: NewRttEvent,
): Promise<PathwayDetail> {
  return db.transaction(async (tx) => appendRttEvent(tx, ctx, pathwayId, input, 'manual'));
}

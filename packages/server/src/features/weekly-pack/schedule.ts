/**
 * The weekly pack on a schedule: each Monday at 07:00 London (before the booking teams start), for each
 * organisation, the pack is built, stored as the week's (`./store.ts`), and what needs a service manager is
 * escalated (`./escalations.ts`): a task on the specialty's management queue, and one message for the week to
 * each of its service managers.
 *
 * The record of what was done is the stored pack itself: `produceDueWeeklyPacks` runs at 07:00 every day and as
 * the server starts, and produces the pack of any organisation whose week has none once its Monday 07:00 has
 * passed. So a server that was down on Monday morning produces it when it is back, and a restart never repeats
 * it. The pack is built outside any transaction (a forecast of a large trust takes seconds, and on PGlite an open
 * transaction holds up every request); storing it, its audit, the tasks and the messages are one transaction,
 * and only the run that stored the week's pack escalates, so two servers at once still escalate once.
 */
import { asc } from 'drizzle-orm';
import { londonWallClockInstant, teamFor } from '@pathflow/core';
import type { Database } from '../../db/client';
import { organisations } from '../../db/schema';
import { systemContext } from '../../auth/principal';
import { londonToday } from '../../clock';
import { createTasks } from '../tasks/service';
import { queueStaffMessages, serviceManagersFor, type NewStaffMessage } from '../staff-messages/service';
import { buildWeeklyPack, WEEKLY_PACK_RUNS, type WeeklyPack } from './data';
import { escalationText, type Escalation } from './escalations';
import { auditPackPatients } from './service';
import { storeWeeklyPack, weekHasPack, weekStartOf } from './store';

/** The London time on Mondays the pack is produced (and each day's check for a missed one). */
export const WEEKLY_PACK_AT = '07:00';
/** Who the stored pack, its tasks and audit rows are by. */
export const WEEKLY_PACK_ACTOR = 'weekly-pack';

/** When the pack of the week of `day` is due: its Monday at 07:00 London. */
export const packDueAt = (day: string) => new Date(londonWallClockInstant(weekStartOf(day), WEEKLY_PACK_AT));

/** The message to one service manager: their escalated specialties and the figures behind each. */
export function escalationMessage(
  pack: WeeklyPack,
  weekStart: string,
  staffId: string,
  mine: readonly Escalation[],
): NewStaffMessage {
  const n = mine.length;
  const lines = mine.map(
    (e) => `- ${e.name}: ${e.reasons.map((r) => escalationText(r, e.figures)).join('; ')}.`,
  );
  const link = n === 1 ? `/tasks?team=${teamFor('service-manager', mine[0]!.code)}` : '/tasks';
  return {
    staffId,
    kind: 'weekly-pack-escalation',
    subject: `Weekly waiting-list pack: ${n} ${n === 1 ? 'specialty needs' : 'specialties need'} action`,
    body: [
      `The waiting-list pack of ${pack.asOf} for ${pack.organisation.name} found:`,
      ...lines,
      'Each has a task on your work queue. The pack and the forecast are in Pathflow.',
    ].join('\n'),
    link,
    dedupeKey: `weekly-pack:${weekStart}:${staffId}`,
  };
}

/** Tasks and messages for the week's escalations. Answers how many tasks and messages were made. */
export async function escalate(
  tx: Database,
  orgId: string,
  pack: WeeklyPack,
  now: Date,
): Promise<{ escalations: Escalation[]; tasks: number; messages: number }> {
  const escalations = pack.escalations;
  if (escalations.length === 0) return { escalations, tasks: 0, messages: 0 };
  const weekStart = weekStartOf(pack.asOf);
  const ctx = systemContext(orgId, now, WEEKLY_PACK_ACTOR);
  const tasks = await createTasks(
    tx,
    ctx,
    escalations.map((e) => ({
      type: 'escalate-capacity' as const,
      team: teamFor('service-manager', e.code),
      priority: e.priority,
      detail: {
        rule: 'WEEKLY-PACK-escalation',
        weekStart,
        specialtyCode: e.code,
        reasons: e.reasons,
        ...e.figures,
      },
      dedupeKey: `weekly-pack:${weekStart}:${e.code}`,
    })),
  );
  const managers = await serviceManagersFor(
    tx,
    orgId,
    escalations.map((e) => e.code),
  );
  const byManager = new Map<string, Escalation[]>();
  for (const e of escalations) {
    for (const id of managers.get(e.code) ?? []) byManager.set(id, [...(byManager.get(id) ?? []), e]);
  }
  const messages = await queueStaffMessages(
    tx,
    orgId,
    [...byManager].map(([staffId, mine]) => escalationMessage(pack, weekStart, staffId, mine)),
    now,
  );
  return { escalations, tasks: tasks.length, messages };
}

export interface ProducedPack {
  orgId: string;
  packId: string;
  asOf: string;
  escalations: number;
  tasks: number;
  messages: number;
}

export interface ProduceOptions {
  runs?: number | undefined;
  workers?: number | undefined;
  /** Who it is by (default the schedule). */
  createdBy?: string | undefined;
}

/**
 * Builds, stores and escalates the pack of today (London) for `orgId`. Answers null, changing nothing, when the
 * week already has its pack (stored before, or by another server meanwhile).
 */
export async function produceWeeklyPack(
  db: Database,
  orgId: string,
  now: Date,
  options: ProduceOptions = {},
): Promise<ProducedPack | null> {
  const today = londonToday(now);
  if (await weekHasPack(db, orgId, today)) return null;
  const createdBy = options.createdBy ?? WEEKLY_PACK_ACTOR;
  const ctx = systemContext(orgId, now, createdBy);
  const pack = await buildWeeklyPack(db, orgId, today, {
    now,
    runs: options.runs ?? WEEKLY_PACK_RUNS,
    workers: options.workers,
    ctx,
  });
  return db.transaction(async (tx) => {
    const id = await storeWeeklyPack(tx, orgId, pack, { createdBy, now });
    if (id === null) return null;
    await auditPackPatients(tx, ctx, pack, 'WeeklyPack.stored', { packId: id });
    const done = await escalate(tx, orgId, pack, now);
    return {
      orgId,
      packId: id,
      asOf: pack.asOf,
      escalations: done.escalations.length,
      tasks: done.tasks,
      messages: done.messages,
    };
  });
}

/** Produces the pack of every organisation whose week has none, once its Monday 07:00 has passed. */
export async function produceDueWeeklyPacks(
  db: Database,
  now: Date,
  options: ProduceOptions = {},
): Promise<ProducedPack[]> {
  if (now < packDueAt(londonToday(now))) return [];
  const orgs = await db
    .select({ orgId: organisations.orgId })
    .from(organisations)
    .orderBy(asc(organisations.orgId));
  const produced: ProducedPack[] = [];
  for (const { orgId } of orgs) {
    const made = await produceWeeklyPack(db, orgId, now, options);
    if (made) produced.push(made);
  }
  return produced;
}

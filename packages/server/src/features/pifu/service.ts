/**
 * Patient-initiated follow-up (§2.8). A clinician and the patient agree the patient will ask to be seen when they
 * need to, instead of a booked follow-up:
 * - time-limited: a window of `months` (within the policy's range); at its end (`pifu.end`, 09:00 London on
 *   ends_on) the plan is discharged, letters go to the patient and the GP, and the booking team gets a task to
 *   close the pathway on the system (EX-PIFU-01);
 * - open-ended: never ends by itself.
 * When the patient asks to be seen, the booking team gets a task to book by clinical need; the clinician's outcome
 * then continues the window, restarts it from that day, or ends the plan (EX-PIFU-02).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import {
  parsePlainDate,
  pifuAfterRequest,
  pifuEnd,
  pifuMonthsProblem,
  policyJobInstant,
  teamFor,
  type NewPifuPlan,
  type PifuKind,
  type PifuList,
  type PifuOutcome,
  type PifuPlanView,
  type PifuRequestResult,
  type PifuStatus,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { pathways, patients, pifuPlans } from '../../db/schema';
import { systemContext, type RequestContext } from '../../auth/principal';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { cancelJobs, scheduleJobs, type JobContext, type NewJob } from '../../jobs/scheduler';
import { createTasks } from '../tasks/service';
import { queueCommunications } from '../communications/outbox';
import { accessPolicyOn } from '../access-policy/service';

type Row = typeof pifuPlans.$inferSelect;
type PatientRow = Pick<typeof patients.$inferSelect, 'id' | 'nhsNumber' | 'givenName' | 'familyName'>;

export const PIFU_END_JOB = 'pifu.end';

const patientColumns = {
  id: patients.id,
  nhsNumber: patients.nhsNumber,
  givenName: patients.givenName,
  familyName: patients.familyName,
};

function view(row: Row, patient: PatientRow, specialtyCode: string): PifuPlanView {
  return {
    id: row.id,
    pathwayId: row.pathwayId,
    patient: {
      id: patient.id,
      nhsNumber: patient.nhsNumber,
      name: `${patient.familyName}, ${patient.givenName}`,
    },
    specialtyCode,
    kind: row.kind as PifuKind,
    startsOn: row.startsOn,
    months: row.months,
    endsOn: row.endsOn,
    status: row.status as PifuStatus,
    lastRequestOn: row.lastRequestOn,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The end-of-window job: its key names the window (start and end), so a restarted window has a new one. */
function endJob(row: Pick<Row, 'id' | 'startsOn' | 'endsOn'>): NewJob | null {
  if (row.endsOn === null) return null;
  return {
    kind: PIFU_END_JOB,
    dedupeKey: `${PIFU_END_JOB}:${row.id}:${row.startsOn}:${row.endsOn}`,
    dueAt: new Date(policyJobInstant(row.endsOn)),
    payload: { pifuPlanId: row.id, endsOn: row.endsOn },
  };
}

async function readPlan(tx: Database, orgId: string, id: string, lock: boolean) {
  const q = tx
    .select({ plan: pifuPlans, patient: patientColumns, specialtyCode: pathways.specialtyCode })
    .from(pifuPlans)
    .innerJoin(patients, and(eq(patients.orgId, pifuPlans.orgId), eq(patients.id, pifuPlans.patientId)))
    .innerJoin(pathways, and(eq(pathways.orgId, pifuPlans.orgId), eq(pathways.id, pifuPlans.pathwayId)))
    .where(and(eq(pifuPlans.orgId, orgId), eq(pifuPlans.id, id)));
  const [r] = lock ? await q.for('update', { of: pifuPlans }) : await q;
  if (!r) throw notFound('PIFU plan');
  return r;
}

/**
 * Puts a pathway on PIFU. Time-limited plans need `months` within the policy's range (400 `/body/months`);
 * open-ended plans must leave it out. Starts today unless `startsOn` says: a later day, or an earlier one when a
 * plan agreed at a clinic is recorded afterwards (at most 31 days ago). The pathway must be open and have no
 * active plan (409).
 */
export async function startPifu(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  input: NewPifuPlan,
): Promise<PifuPlanView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  const startsOn = input.startsOn ?? today;
  try {
    parsePlainDate(startsOn);
  } catch {
    throw invalid('/body/startsOn', 'Enter a real date, like 2027-03-01');
  }
  const earliest = parsePlainDate(today).subtract({ days: 31 }).toString();
  if (startsOn < earliest) {
    throw invalid('/body/startsOn', `A plan can start at most 31 days ago (${earliest})`);
  }
  return db.transaction(async (tx) => {
    const policy = await accessPolicyOn(tx, orgId, today);
    const problem = pifuMonthsProblem(input.kind, input.months, policy);
    if (problem) throw invalid('/body/months', `Months ${problem}`);
    const [pathway] = await tx
      .select({
        id: pathways.id,
        patientId: pathways.patientId,
        status: pathways.status,
        specialtyCode: pathways.specialtyCode,
      })
      .from(pathways)
      .where(and(eq(pathways.orgId, orgId), eq(pathways.id, pathwayId)))
      .for('update');
    if (!pathway) throw notFound('Pathway');
    if (pathway.status !== 'open') throw new AppError('conflict', 'The pathway is closed');
    const [active] = await tx
      .select({ id: pifuPlans.id })
      .from(pifuPlans)
      .where(
        and(eq(pifuPlans.orgId, orgId), eq(pifuPlans.pathwayId, pathwayId), eq(pifuPlans.status, 'active')),
      );
    if (active) {
      throw new AppError('conflict', 'The pathway already has an active PIFU plan', {
        extensions: { pifuPlanId: active.id },
      });
    }
    const months = input.kind === 'time-limited' ? (input.months ?? null) : null;
    const row: Row = {
      orgId,
      versionId: 1,
      lastUpdated: ctx.now,
      id: randomUUID(),
      pathwayId,
      patientId: pathway.patientId,
      kind: input.kind,
      startsOn,
      months,
      endsOn: pifuEnd({ kind: input.kind, startsOn, months }),
      status: 'active',
      lastRequestOn: null,
      createdBy: ctx.principal.id,
      createdAt: ctx.now,
    };
    await tx.insert(pifuPlans).values(row);
    const job = endJob(row);
    if (job) await scheduleJobs(tx, orgId, [job], ctx.now);
    await audit(tx, ctx, {
      action: 'PifuPlan.create',
      resourceType: 'PifuPlan',
      resourceId: row.id,
      patientId: row.patientId,
      detail: { pathwayId, kind: row.kind, months, endsOn: row.endsOn },
    });
    const [patient] = await tx
      .select(patientColumns)
      .from(patients)
      .where(and(eq(patients.orgId, orgId), eq(patients.id, row.patientId)));
    return view(row, patient!, pathway.specialtyCode);
  });
}

export interface PifuQuery {
  specialty?: string;
  status?: PifuStatus;
  kind?: PifuKind;
  pathwayId?: string;
}

/** Plans (active unless a status is asked for), soonest end first, open-ended last. Audited per plan. */
export async function listPifu(db: Database, ctx: RequestContext, q: PifuQuery): Promise<PifuList> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ plan: pifuPlans, patient: patientColumns, specialtyCode: pathways.specialtyCode })
      .from(pifuPlans)
      .innerJoin(patients, and(eq(patients.orgId, pifuPlans.orgId), eq(patients.id, pifuPlans.patientId)))
      .innerJoin(pathways, and(eq(pathways.orgId, pifuPlans.orgId), eq(pathways.id, pifuPlans.pathwayId)))
      .where(
        and(
          eq(pifuPlans.orgId, orgId),
          eq(pifuPlans.status, q.status ?? 'active'),
          q.specialty ? eq(pathways.specialtyCode, q.specialty) : undefined,
          q.kind ? eq(pifuPlans.kind, q.kind) : undefined,
          q.pathwayId ? eq(pifuPlans.pathwayId, q.pathwayId) : undefined,
        ),
      )
      .orderBy(asc(pifuPlans.endsOn), asc(pifuPlans.startsOn), asc(pifuPlans.id))
      .limit(2000);
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'PifuPlan.read',
      'PifuPlan',
      rows.map((r) => ({ resourceId: r.plan.id, patientId: r.plan.patientId })),
    );
    return { asOf: londonToday(ctx.now), rows: rows.map((r) => view(r.plan, r.patient, r.specialtyCode)) };
  });
}

export async function getPifu(db: Database, ctx: RequestContext, id: string): Promise<PifuPlanView> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const r = await readPlan(tx, orgId, id, false);
    await audit(tx, ctx, {
      action: 'PifuPlan.read',
      resourceType: 'PifuPlan',
      resourceId: id,
      patientId: r.plan.patientId,
    });
    return view(r.plan, r.patient, r.specialtyCode);
  });
}

/**
 * The patient asked to be seen: a 'pifu-request' task for the booking team (book by clinical need), and
 * last_request_on today. The plan must be active (409). One task per plan per day.
 */
export async function recordPifuRequest(
  db: Database,
  ctx: RequestContext,
  id: string,
): Promise<PifuRequestResult> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const r = await readPlan(tx, orgId, id, true);
    if (r.plan.status !== 'active')
      throw new AppError('conflict', `The PIFU plan is ${r.plan.status}, not active`);
    const [taskId] = await createTasks(tx, ctx, [
      {
        type: 'pifu-request',
        team: teamFor('booking-clerk', r.specialtyCode),
        patientId: r.plan.patientId,
        pathwayId: r.plan.pathwayId,
        detail: { pifuPlanId: id, requestOn: today, rule: 'PIFU-2.8-book-by-clinical-need' },
        dedupeKey: `pifu:request:${id}:${today}`,
      },
    ]);
    const [updated] = await tx
      .update(pifuPlans)
      .set({ lastRequestOn: today })
      .where(and(eq(pifuPlans.orgId, orgId), eq(pifuPlans.id, id)))
      .returning();
    await audit(tx, ctx, {
      action: 'PifuPlan.request',
      resourceType: 'PifuPlan',
      resourceId: id,
      patientId: r.plan.patientId,
      detail: { taskId: taskId! },
    });
    return { plan: view(updated!, r.patient, r.specialtyCode), taskId: taskId! };
  });
}

/**
 * The clinician's outcome after a request (EX-PIFU-02): `continue` keeps the window; `restart` starts it again
 * today (the old end job is cancelled and a new one scheduled); `end` closes the plan ('ended', its end job
 * cancelled). The plan must be active (409).
 */
export async function recordPifuOutcome(
  db: Database,
  ctx: RequestContext,
  id: string,
  outcome: PifuOutcome,
): Promise<PifuPlanView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const r = await readPlan(tx, orgId, id, true);
    const plan = r.plan;
    if (plan.status !== 'active')
      throw new AppError('conflict', `The PIFU plan is ${plan.status}, not active`);
    const next = pifuAfterRequest({
      outcome,
      requestOn: today,
      plan: {
        kind: plan.kind as PifuKind,
        startsOn: plan.startsOn,
        months: plan.months,
        endsOn: plan.endsOn,
      },
    });
    const oldJob = endJob(plan);
    const status: PifuStatus = next.status === 'ended' ? 'ended' : 'active';
    if (oldJob && (next.status === 'ended' || next.startsOn !== plan.startsOn)) {
      await cancelJobs(tx, orgId, [oldJob.dedupeKey], ctx.now);
    }
    const [updated] = await tx
      .update(pifuPlans)
      .set({ status, startsOn: next.startsOn, endsOn: next.endsOn })
      .where(and(eq(pifuPlans.orgId, orgId), eq(pifuPlans.id, id)))
      .returning();
    if (status === 'active' && next.startsOn !== plan.startsOn) {
      const job = endJob(updated!);
      if (job) await scheduleJobs(tx, orgId, [job], ctx.now);
    }
    await audit(tx, ctx, {
      action: 'PifuPlan.outcome',
      resourceType: 'PifuPlan',
      resourceId: id,
      patientId: plan.patientId,
      detail: { outcome, endsOn: next.endsOn },
    });
    return view(updated!, r.patient, r.specialtyCode);
  });
}

/**
 * `pifu.end`: if the plan is still active and this is still its window's end, discharge it: 'discharged',
 * 'pifu-discharge' letters to the patient and the GP, and a 'pifu-discharge' task for the booking team to close
 * the pathway on the system. Idempotent (keys per plan and end date).
 */
export async function runPifuEndJob(
  tx: Database,
  payload: Record<string, unknown>,
  job: JobContext,
): Promise<void> {
  const id = payload.pifuPlanId;
  const endsOn = payload.endsOn;
  if (typeof id !== 'string' || typeof endsOn !== 'string') throw new Error('pifu.end payload is incomplete');
  const [r] = await tx
    .select({ plan: pifuPlans, specialtyCode: pathways.specialtyCode })
    .from(pifuPlans)
    .innerJoin(pathways, and(eq(pathways.orgId, pifuPlans.orgId), eq(pathways.id, pifuPlans.pathwayId)))
    .where(and(eq(pifuPlans.orgId, job.orgId), eq(pifuPlans.id, id)))
    .for('update', { of: pifuPlans });
  if (!r || r.plan.status !== 'active' || r.plan.kind !== 'time-limited' || r.plan.endsOn !== endsOn) return;
  const ctx = systemContext(job.orgId, job.now);
  const plan = r.plan;
  const detail = { pifuPlanId: id, startsOn: plan.startsOn, endsOn, months: plan.months };
  await queueCommunications(
    tx,
    ctx,
    (['patient', 'gp'] as const).map((recipient) => ({
      patientId: plan.patientId,
      pathwayId: plan.pathwayId,
      kind: 'pifu-discharge' as const,
      channel: 'letter' as const,
      recipient,
      detail,
      dedupeKey: `pifu:discharge:${id}:${endsOn}:${recipient}`,
    })),
  );
  await createTasks(tx, ctx, [
    {
      type: 'pifu-discharge',
      team: teamFor('booking-clerk', r.specialtyCode),
      patientId: plan.patientId,
      pathwayId: plan.pathwayId,
      detail: { ...detail, rule: 'PIFU-2.8-time-limited-discharge' },
      dedupeKey: `pifu:discharge:${id}:${endsOn}`,
    },
  ]);
  await tx
    .update(pifuPlans)
    .set({ status: 'discharged' })
    .where(and(eq(pifuPlans.orgId, job.orgId), eq(pifuPlans.id, id)));
  await audit(tx, ctx, {
    action: 'PifuPlan.discharge',
    resourceType: 'PifuPlan',
    resourceId: id,
    patientId: plan.patientId,
    detail: { endsOn },
  });
}

/**
 * The access policy after a missed appointment (§2.2), and the clinician's decision that follows.
 *
 * - On a DNA (`afterDna`, in the attendance transaction): core `dnaActions` says what the policy asks — a first
 *   missed appointment with communication evidenced was nullified (status 33, recorded by the caller) and a
 *   clinician chooses discharge or rebook ('dna-decision'); a later one goes to clinical review; a child ("was not
 *   brought") or vulnerable adult gets a safeguarding review instead, and their GP is told. Nobody is discharged
 *   automatically.
 * - The decision (`recordDnaDecision`): discharge closes the pathway (with 34 when a clock is still running) and
 *   queues letters to the patient and the GP; for a child or vulnerable adult only after a safeguarding review
 *   agreed it. Rebook starts a new clock on the decision date when the first period was nullified (EX-RTT-07) and
 *   puts a rebooking task on the booking team's queue.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import {
  dnaActions,
  londonDateOfEpochMilliseconds,
  parsePlainDate,
  teamFor,
  type TaskType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { appointments, pathways, patients, taskEvents, tasks } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { accessPolicyOn } from '../access-policy/service';
import { queueCommunications } from '../communications/outbox';
import { createTasks } from '../tasks/service';
import { appendRttEvent } from '../pathways/service';

type AppointmentRow = typeof appointments.$inferSelect;

/** Whole years of age on a day. */
export function ageOn(dateOfBirth: string, day: string): number {
  return parsePlainDate(dateOfBirth).until(parsePlainDate(day), { largestUnit: 'years' }).years;
}

async function patientAndPathway(tx: Database, orgId: string, a: AppointmentRow) {
  const [row] = await tx
    .select({
      dateOfBirth: patients.dateOfBirth,
      vulnerabilities: patients.vulnerabilities,
      priority: pathways.priority,
      specialtyCode: pathways.specialtyCode,
      status: pathways.status,
      rttRunning: pathways.rttRunning,
    })
    .from(pathways)
    .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, a.pathwayId)));
  if (!row) throw notFound('Pathway');
  return row;
}

const DNA_TASKS: TaskType[] = ['dna-decision', 'clinical-review', 'safeguarding-review'];

/** What the policy asks after a DNA: the review or decision task, and a letter to the GP for safeguarding. */
export async function afterDna(
  tx: Database,
  ctx: RequestContext,
  a: AppointmentRow,
  facts: { first: boolean; communicated: boolean; day: string },
): Promise<void> {
  const orgId = ctx.principal.orgId;
  const p = await patientAndPathway(tx, orgId, a);
  const policy = await accessPolicyOn(tx, orgId, facts.day);
  const actions = dnaActions(
    {
      firstAppointment: facts.first,
      communicated: facts.communicated,
      ageYearsOnDay: ageOn(p.dateOfBirth, facts.day),
      vulnerable: p.vulnerabilities.length > 0,
      twoWeekWait: p.priority === 'two-week-wait',
    },
    policy,
  );
  const due = parsePlainDate(londonToday(ctx.now)).add({ days: policy.dna.reviewWithinDays }).toString();
  await createTasks(
    tx,
    ctx,
    actions.tasks.map((type) => ({
      type,
      team: teamFor('clinician', p.specialtyCode),
      dueDate: due,
      patientId: a.patientId,
      pathwayId: a.pathwayId,
      appointmentId: a.id,
      detail: {
        rule: actions.rule,
        missedOn: facts.day,
        first: facts.first,
        nullified: actions.recordNullification,
      },
      dedupeKey: `dna:${a.id}:${type}`,
    })),
  );
  if (actions.notifyGp) {
    await queueCommunications(tx, ctx, [
      {
        kind: 'was-not-brought',
        recipient: 'gp',
        patientId: a.patientId,
        pathwayId: a.pathwayId,
        appointmentId: a.id,
        detail: { missedOn: facts.day, rule: actions.rule },
        dedupeKey: `was-not-brought:${a.id}:letter:gp`,
      },
    ]);
  }
}

export interface DnaDecisionInput {
  decision: 'discharge' | 'rebook';
  note?: string | undefined;
}

export interface DnaDecisionResult {
  appointmentId: string;
  decision: 'discharge' | 'rebook';
  pathwayClosed: boolean;
  newClockStart: string | null;
  tasksCompleted: number;
}

/** A clinician's decision after a missed appointment: discharge or rebook (see the module comment). */
export async function recordDnaDecision(
  db: Database,
  ctx: RequestContext,
  appointmentId: string,
  input: DnaDecisionInput,
): Promise<DnaDecisionResult> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  if (ctx.principal.role !== 'clinician') {
    throw new AppError('forbidden', 'Only a clinician can decide what happens after a missed appointment');
  }
  return db.transaction(async (tx) => {
    const [a] = await tx
      .select()
      .from(appointments)
      .where(and(eq(appointments.orgId, orgId), eq(appointments.id, appointmentId)))
      .for('update');
    if (!a) throw notFound('Appointment');
    if (a.status !== 'dna') {
      throw new AppError(
        'conflict',
        `This appointment is ${a.status}: a decision after a missed appointment needs a DNA`,
      );
    }
    const p = await patientAndPathway(tx, orgId, a);
    if (p.status !== 'open') throw new AppError('conflict', 'The pathway is already closed');
    const open = await tx
      .select()
      .from(tasks)
      .where(
        and(
          eq(tasks.orgId, orgId),
          eq(tasks.appointmentId, a.id),
          inArray(tasks.type, DNA_TASKS),
          inArray(tasks.status, ['open', 'in-progress']),
        ),
      )
      .for('update');
    const day = londonDateOfEpochMilliseconds(a.startsAt.getTime());
    const safeguarding =
      ageOn(p.dateOfBirth, day) < (await accessPolicyOn(tx, orgId, today)).dna.childUnderYears ||
      p.vulnerabilities.length > 0;
    if (input.decision === 'discharge' && safeguarding) {
      const [agreed] = await tx
        .select({ id: tasks.id })
        .from(tasks)
        .where(
          and(
            eq(tasks.orgId, orgId),
            eq(tasks.appointmentId, a.id),
            eq(tasks.type, 'safeguarding-review'),
            eq(tasks.status, 'done'),
            eq(tasks.outcome, 'discharge-with-safeguarding-agreement'),
          ),
        );
      if (!agreed) {
        throw new AppError(
          'booking_rule_violation',
          'This patient is a child or a vulnerable adult: complete the safeguarding review, agreeing discharge, before discharging',
          {
            errors: [
              { field: '/body/decision', message: 'needs a safeguarding review that agrees discharge' },
            ],
            rule: 'ACC-2.2-safeguarding',
          },
        );
      }
    }
    let newClockStart: string | null = null;
    if (input.decision === 'discharge') {
      if (p.rttRunning) {
        await appendRttEvent(
          tx,
          ctx,
          a.pathwayId,
          { date: today, code: '34', clinicianDecision: true, dnaDate: day, note: input.note },
          'appointment',
        );
      }
      await tx
        .update(pathways)
        .set({ status: 'closed', closedDate: today })
        .where(and(eq(pathways.orgId, orgId), eq(pathways.id, a.pathwayId)));
      await queueCommunications(
        tx,
        ctx,
        (['patient', 'gp'] as const).map((recipient) => ({
          kind: 'dna-discharge' as const,
          recipient,
          patientId: a.patientId,
          pathwayId: a.pathwayId,
          appointmentId: a.id,
          detail: { missedOn: day, dischargedOn: today },
          dedupeKey: `dna-discharge:${a.id}:letter:${recipient}`,
        })),
      );
    } else {
      if (!p.rttRunning) {
        await appendRttEvent(
          tx,
          ctx,
          a.pathwayId,
          { date: today, code: '10', clinicianDecision: true, note: input.note },
          'appointment',
        );
        newClockStart = today;
      }
      await createTasks(tx, ctx, [
        {
          type: 'rebook',
          team: teamFor('booking-clerk', p.specialtyCode),
          patientId: a.patientId,
          pathwayId: a.pathwayId,
          appointmentId: a.id,
          detail: { rule: 'ACC-2.2-rebook-after-dna', missedOn: day },
          dedupeKey: `rebook:dna:${a.id}`,
        },
      ]);
    }
    if (open.length > 0) {
      await tx
        .update(tasks)
        .set({ status: 'done', outcome: input.decision, completedBy: ctx.principal.id, completedAt: ctx.now })
        .where(
          and(
            eq(tasks.orgId, orgId),
            inArray(
              tasks.id,
              open.map((t) => t.id),
            ),
          ),
        );
      await tx.insert(taskEvents).values(
        open.map((t) => ({
          orgId,
          id: randomUUID(),
          taskId: t.id,
          action: 'completed',
          actorId: ctx.principal.id,
          at: ctx.now,
          detail: { outcome: input.decision },
        })),
      );
    }
    await audit(tx, ctx, {
      action: 'Appointment.dnaDecision',
      resourceType: 'Appointment',
      resourceId: a.id,
      patientId: a.patientId,
      detail: { decision: input.decision, newClockStart },
    });
    return {
      appointmentId: a.id,
      decision: input.decision,
      pathwayClosed: input.decision === 'discharge',
      newClockStart,
      tasksCompleted: open.length,
    };
  });
}

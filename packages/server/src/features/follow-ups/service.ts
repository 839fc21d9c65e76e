/**
 * The follow-up list (§2.8): patients a clinician wants to see again, outside RTT once the clock has stopped.
 * Overdue is worked out from the clock when asked (core `followUpStatus`: past the latest clinically appropriate
 * date, or past the due date when there is none), never stored. An overdue follow-up starts no RTT clock.
 */
import { and, eq } from 'drizzle-orm';
import { followUpStatus, parsePlainDate, type FollowUpList, type FollowUpView } from '@pathflow/core';
import type { Database } from '../../db/client';
import { followUps, patients } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { accessPolicyOn } from '../access-policy/service';

type Row = typeof followUps.$inferSelect;
type PatientRow = Pick<typeof patients.$inferSelect, 'id' | 'nhsNumber' | 'givenName' | 'familyName'>;

const patientColumns = {
  id: patients.id,
  nhsNumber: patients.nhsNumber,
  givenName: patients.givenName,
  familyName: patients.familyName,
};

function view(
  row: Row,
  patient: PatientRow,
  today: string,
  policy: Awaited<ReturnType<typeof accessPolicyOn>>,
): FollowUpView {
  return {
    id: row.id,
    pathwayId: row.pathwayId,
    patient: {
      id: patient.id,
      nhsNumber: patient.nhsNumber,
      name: `${patient.familyName}, ${patient.givenName}`,
    },
    specialtyCode: row.specialtyCode,
    slotType: row.slotType,
    dueDate: row.dueDate,
    latestDate: row.latestDate,
    ...followUpStatus({ dueDate: row.dueDate, latestDate: row.latestDate }, today, policy),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface FollowUpQuery {
  specialty?: string;
  overdue?: boolean;
}

/**
 * The waiting follow-ups: overdue first, then most days overdue, then earliest due date. (§2.8 says "by clinical
 * risk then days overdue"; there is no risk field yet, so days overdue and due date order the list.) Audited.
 */
export async function listFollowUps(
  db: Database,
  ctx: RequestContext,
  q: FollowUpQuery,
): Promise<FollowUpList> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const policy = await accessPolicyOn(tx, orgId, today);
    const rows = await tx
      .select({ entry: followUps, patient: patientColumns })
      .from(followUps)
      .innerJoin(patients, and(eq(patients.orgId, followUps.orgId), eq(patients.id, followUps.patientId)))
      .where(
        and(
          eq(followUps.orgId, orgId),
          eq(followUps.status, 'waiting'),
          q.specialty ? eq(followUps.specialtyCode, q.specialty) : undefined,
        ),
      )
      .limit(5000);
    let views = rows.map((r) => view(r.entry, r.patient, today, policy));
    if (q.overdue !== undefined) views = views.filter((v) => v.overdue === q.overdue);
    views.sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        b.daysOverdue - a.daysOverdue ||
        a.dueDate.localeCompare(b.dueDate) ||
        a.id.localeCompare(b.id),
    );
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'FollowUp.read',
      'FollowUp',
      views.map((v) => ({ resourceId: v.id, patientId: v.patient.id })),
    );
    return { asOf: today, rows: views };
  });
}

/** Sets (or clears) the latest clinically appropriate date of a waiting follow-up: on or after its due date. */
export async function setFollowUpLatestDate(
  db: Database,
  ctx: RequestContext,
  id: string,
  latestDate: string | null,
): Promise<FollowUpView> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  if (latestDate !== null) {
    try {
      parsePlainDate(latestDate);
    } catch {
      throw invalid('/body/latestDate', 'Enter a real date, like 2027-03-01');
    }
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(followUps)
      .where(and(eq(followUps.orgId, orgId), eq(followUps.id, id)))
      .for('update');
    if (!row) throw notFound('Follow-up');
    if (row.status !== 'waiting')
      throw new AppError('conflict', `The follow-up is ${row.status}, not waiting`);
    if (latestDate !== null && latestDate < row.dueDate) {
      throw invalid(
        '/body/latestDate',
        `The latest clinically appropriate date must be on or after the due date (${row.dueDate})`,
      );
    }
    const [updated] = await tx
      .update(followUps)
      .set({ latestDate })
      .where(and(eq(followUps.orgId, orgId), eq(followUps.id, id)))
      .returning();
    const [patient] = await tx
      .select(patientColumns)
      .from(patients)
      .where(and(eq(patients.orgId, orgId), eq(patients.id, row.patientId)));
    await audit(tx, ctx, {
      action: 'FollowUp.update',
      resourceType: 'FollowUp',
      resourceId: id,
      patientId: row.patientId,
      detail: { latestDate },
    });
    return view(updated!, patient!, today, await accessPolicyOn(tx, orgId, today));
  });
}

/**
 * A patient's stated unavailability: periods of London dates (inclusive) when they cannot come in. Book in
 * turn leaves them out of the list for a slot on those dates (booking/in-turn.ts). A period is never deleted:
 * removing it records who removed it and when, so what the list showed at the time can still be explained.
 * Every read and write is audited with the patient's id, in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { daysBetween, parsePlainDate } from '@pathflow/core';
import type { Database } from '../../db/client';
import { patientUnavailability, patients } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';

type Row = typeof patientUnavailability.$inferSelect;

export interface UnavailabilityPeriod {
  id: string;
  patientId: string;
  from: string;
  to: string;
  days: number;
  reason: string;
  recordedBy: string;
  recordedAt: string;
  removedBy: string | null;
  removedAt: string | null;
}

export interface NewPeriod {
  from: string;
  to: string;
  reason: string;
}

function view(row: Row): UnavailabilityPeriod {
  return {
    id: row.id,
    patientId: row.patientId,
    from: row.fromDate,
    to: row.toDate,
    days: daysBetween(parsePlainDate(row.fromDate), parsePlainDate(row.toDate)) + 1,
    reason: row.reason,
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt.toISOString(),
    removedBy: row.removedBy,
    removedAt: row.removedAt ? row.removedAt.toISOString() : null,
  };
}

async function mustFindPatient(tx: Database, orgId: string, patientId: string): Promise<void> {
  const [p] = await tx
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), eq(patients.id, patientId)));
  if (!p) throw notFound('Patient');
}

/** The dates' rules, before anything is read: to on or after from, not all in the past, at most a year. */
export function checkPeriod(input: NewPeriod, today: string): void {
  const from = parsePlainDate(input.from);
  const to = parsePlainDate(input.to);
  const days = daysBetween(from, to) + 1;
  if (days < 1) {
    throw invalid('/body/to', `The last date must be the same as or after the first date (${input.from})`);
  }
  if (daysBetween(parsePlainDate(today), to) < 0) {
    throw invalid(
      '/body/to',
      `The period is all in the past: the last date must be today (${today}) or later`,
    );
  }
  // A calendar year, not a count of days, so a period over 29 February is not a day short.
  const last = from.add({ years: 1 }).subtract({ days: 1 });
  if (daysBetween(last, to) > 0) {
    throw invalid(
      '/body/to',
      `A period can be at most a year long: from ${input.from} the last date can be ${last.toString()}. Record a longer absence as more than one period`,
    );
  }
}

/** The patient's periods, earliest first; removed ones only when asked for. */
export async function listUnavailability(
  db: Database,
  ctx: RequestContext,
  patientId: string,
  includeRemoved: boolean,
): Promise<{ patientId: string; today: string; periods: UnavailabilityPeriod[] }> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    await mustFindPatient(tx, orgId, patientId);
    const rows = await tx
      .select()
      .from(patientUnavailability)
      .where(
        and(
          eq(patientUnavailability.orgId, orgId),
          eq(patientUnavailability.patientId, patientId),
          includeRemoved ? undefined : isNull(patientUnavailability.removedAt),
        ),
      )
      .orderBy(asc(patientUnavailability.fromDate), asc(patientUnavailability.recordedAt));
    await audit(tx, ctx, {
      action: 'PatientUnavailability.read',
      resourceType: 'Patient',
      resourceId: patientId,
      patientId,
      detail: { periods: rows.length },
    });
    return { patientId, today: londonToday(ctx.now), periods: rows.map(view) };
  });
}

export async function addUnavailability(
  db: Database,
  ctx: RequestContext,
  patientId: string,
  input: NewPeriod,
): Promise<UnavailabilityPeriod> {
  const orgId = ctx.principal.orgId;
  checkPeriod(input, londonToday(ctx.now));
  return db.transaction(async (tx) => {
    await mustFindPatient(tx, orgId, patientId);
    const row: Row = {
      orgId,
      id: randomUUID(),
      patientId,
      fromDate: input.from,
      toDate: input.to,
      reason: input.reason.trim(),
      recordedBy: ctx.principal.id,
      recordedAt: ctx.now,
      removedBy: null,
      removedAt: null,
    };
    await tx.insert(patientUnavailability).values(row);
    const period = view(row);
    await audit(tx, ctx, {
      action: 'PatientUnavailability.create',
      resourceType: 'PatientUnavailability',
      resourceId: row.id,
      patientId,
      detail: { days: period.days },
    });
    return period;
  });
}

/**
 * Marks a period removed (kept, with who and when). Removing one already removed changes nothing and answers
 * with it as it is, so a retried request is harmless.
 */
export async function removeUnavailability(
  db: Database,
  ctx: RequestContext,
  patientId: string,
  periodId: string,
): Promise<UnavailabilityPeriod> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    await mustFindPatient(tx, orgId, patientId);
    const [row] = await tx
      .select()
      .from(patientUnavailability)
      .where(
        and(
          eq(patientUnavailability.orgId, orgId),
          eq(patientUnavailability.id, periodId),
          eq(patientUnavailability.patientId, patientId),
        ),
      )
      .for('update');
    if (!row) throw notFound('Unavailability period');
    const already = row.removedAt !== null;
    let current = row;
    if (!already) {
      const [updated] = await tx
        .update(patientUnavailability)
        .set({ removedBy: ctx.principal.id, removedAt: ctx.now })
        .where(and(eq(patientUnavailability.orgId, orgId), eq(patientUnavailability.id, periodId)))
        .returning();
      current = updated ?? row;
    }
    await audit(tx, ctx, {
      action: 'PatientUnavailability.remove',
      resourceType: 'PatientUnavailability',
      resourceId: periodId,
      patientId,
      detail: { alreadyRemoved: already },
    });
    return view(current);
  });
}

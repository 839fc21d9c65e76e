/** "Book in turn": the patients next in line for a slot, with their breach dates, audited. */
import { and, eq } from 'drizzle-orm';
import { breachDates } from '@pathflow/core';
import type { Database } from '../../db/client';
import { pathways, patients, slots } from '../../db/schema';
import { actorOf, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { notFound } from '../../errors';
import { inTurnQuery } from './service';

export interface InTurnPatient {
  pathwayId: string;
  patientId: string;
  nhsNumber: string;
  name: string;
  priority: string;
  clockStart: string;
  breachDate: string;
  referralReceived: string;
}

export async function nextInTurn(
  db: Database,
  ctx: RequestContext,
  slotId: string,
  limit: number,
): Promise<{ slotId: string; patients: InTurnPatient[] }> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const [slot] = await tx
      .select()
      .from(slots)
      .where(and(eq(slots.orgId, orgId), eq(slots.id, slotId)));
    if (!slot) throw notFound('Slot');
    const q = inTurnQuery(tx, orgId, slot, null);
    const rows = await tx
      .select({
        pathwayId: pathways.id,
        patientId: pathways.patientId,
        priority: pathways.priority,
        clockStart: pathways.rttPeriodStart,
        referralReceived: pathways.referralReceivedDate,
        nhsNumber: patients.nhsNumber,
        givenName: patients.givenName,
        familyName: patients.familyName,
      })
      .from(pathways)
      .innerJoin(patients, and(eq(patients.orgId, pathways.orgId), eq(patients.id, pathways.patientId)))
      .where(q.where)
      .orderBy(...q.order)
      .limit(limit);
    await writeAuditForMany(
      tx,
      actorOf(ctx),
      'Booking.inTurn',
      'Pathway',
      rows.map((r) => ({ resourceId: r.pathwayId, patientId: r.patientId })),
    );
    return {
      slotId,
      patients: rows.map((r) => {
        const clockStart = r.clockStart ?? r.referralReceived;
        return {
          pathwayId: r.pathwayId,
          patientId: r.patientId,
          nhsNumber: r.nhsNumber,
          name: `${r.familyName}, ${r.givenName}`,
          priority: r.priority,
          clockStart,
          breachDate: breachDates(clockStart)['18'],
          referralReceived: r.referralReceived,
        };
      }),
    };
  });
}

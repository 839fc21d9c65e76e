/**
 * Applying an allocation plan: every planned appointment booked in one transaction, set-based (one statement
 * per step, whatever the size of the plan), or none.
 *
 * Order of locks, the same as a single booking's (`bookInTx`: pathway, patient, slot) so the two never
 * deadlock: the plan row (two applies of one plan queue here, and the second finds it applied), then the
 * pathways, then the patients, then the slots, each set in id order. With those rows locked nothing the checks
 * read can change before the writes, so the checks decide: if any assignment has gone stale (a slot full,
 * cancelled or started, a pathway booked or closed, a patient booked elsewhere at that time or
 * now unavailable that day), nothing is
 * booked and the answer is a 409 saying how many; the plan stays proposed for the user to replace.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, ne, or, sql } from 'drizzle-orm';
import {
  acceptedSlotTypes,
  isReasonableOffer,
  londonDateOfEpochMilliseconds,
  offerNoticeDays,
  type AllocationPlanApplied,
  type RttPriority,
  type SlotType,
} from '@pathflow/core';
import { queryRows, type Database } from '../../db/client';
import { allocationPlans } from '../../db/schema';
import { actorOf, audit, writeAuditForMany } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError } from '../../errors';
import { londonToday } from '../../clock';
import { queueCommunications } from '../communications/outbox';
import { OUT_OF_TURN_REASON, loadPlan, mustBeProposed, type StoredAssignment } from './service';

/** Why assignments can no longer be booked, counted. */
export interface StaleCounts {
  slotFull: number;
  slotClosed: number;
  pathwayBooked: number;
  pathwayClosed: number;
  slotUnsuitable: number;
  patientBusy: number;
}

/** A Postgres array literal of uuids, ints or booleans (none need quoting). */
const arrayOf = (values: readonly (string | number | boolean)[]): string =>
  `{${values.map((v) => (typeof v === 'boolean' ? (v ? 't' : 'f') : String(v))).join(',')}}`;

interface PathwayState {
  id: string;
  patient_id: string;
  status: string;
  rtt_running: boolean;
  priority: string;
  clinic_type: string | null;
  specialty_code: string;
  has_appointment: boolean;
}

interface SlotState {
  id: string;
  status: string;
  starts_at: string | Date;
  slot_type: string;
  specialty_code: string;
  free: number;
}

export async function applyPlan(
  db: Database,
  ctx: RequestContext,
  id: string,
): Promise<AllocationPlanApplied> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  return db.transaction(async (tx) => {
    const plan = await loadPlan(tx, orgId, id, true);
    mustBeProposed(plan);
    // A newer plan made at the same moment as this one (the superseding update of one missed the other).
    const [newer] = await tx
      .select({ id: allocationPlans.id })
      .from(allocationPlans)
      .where(
        and(
          eq(allocationPlans.orgId, orgId),
          eq(allocationPlans.specialtyCode, plan.specialtyCode),
          eq(allocationPlans.status, 'proposed'),
          ne(allocationPlans.id, plan.id),
          or(
            gt(allocationPlans.createdAt, plan.createdAt),
            and(eq(allocationPlans.createdAt, plan.createdAt), gt(allocationPlans.id, plan.id)),
          ),
        ),
      )
      .limit(1);
    if (newer) {
      throw new AppError(
        'conflict',
        'A newer plan has been made for this specialty: apply that one, or make a new plan',
      );
    }

    const all = plan.assignments as StoredAssignment[];
    const stale: StaleCounts = {
      slotFull: 0,
      slotClosed: 0,
      pathwayBooked: 0,
      pathwayClosed: 0,
      slotUnsuitable: 0,
      patientBusy: 0,
    };
    const pathwayIds = arrayOf(all.map((a) => a.pathwayId));
    const slotIdList = arrayOf(all.map((a) => a.slotId));
    const distinctSlots = arrayOf([...new Set(all.map((a) => a.slotId))]);
    const patientIdList = arrayOf([...new Set(all.map((a) => a.patientId))]);

    let slotsUsed = 0;
    const appointmentIds = all.map(() => randomUUID());
    if (all.length > 0) {
      await tx.execute(sql`select 1 from pathways where org_id = ${orgId} and id = any(${pathwayIds}::uuid[])
                            order by id for update`);
      await tx.execute(sql`select 1 from patients where org_id = ${orgId} and id = any(${patientIdList}::uuid[])
                            order by id for update`);
      const slotRows = await queryRows<SlotState>(
        tx,
        sql`select id, status, starts_at, slot_type, specialty_code, (capacity - booked - held)::int as free
              from slots where org_id = ${orgId} and id = any(${distinctSlots}::uuid[]) order by id for update`,
      );
      const pathwayRows = await queryRows<PathwayState>(
        tx,
        sql`select p.id, p.patient_id, p.status, p.rtt_running, p.priority, p.clinic_type, p.specialty_code,
                   exists (select 1 from appointments a where a.org_id = p.org_id and a.pathway_id = p.id
                             and a.status in ('booked', 'attended')) as has_appointment
              from pathways p where p.org_id = ${orgId} and p.id = any(${pathwayIds}::uuid[])`,
      );
      // Pathways whose patient now has another appointment at that time, or has since said they cannot come.
      const busy = await queryRows<{ pathway_id: string }>(
        tx,
        sql`select x.pathway_id
              from unnest(${pathwayIds}::uuid[], ${slotIdList}::uuid[]) as x(pathway_id, slot_id)
              join pathways p on p.org_id = ${orgId} and p.id = x.pathway_id
              join slots s on s.org_id = ${orgId} and s.id = x.slot_id
             where exists (select 1 from appointments a where a.org_id = ${orgId} and a.patient_id = p.patient_id
                             and a.status = 'booked' and a.starts_at < s.ends_at and a.ends_at > s.starts_at)
                or exists (select 1 from patient_unavailability u where u.org_id = ${orgId}
                             and u.patient_id = p.patient_id and u.removed_at is null
                             and s.session_date between u.from_date and u.to_date)`,
      );
      const busySet = new Set(busy.map((b) => b.pathway_id));
      const pathwayOf = new Map(pathwayRows.map((p) => [p.id, p]));
      const slotOf = new Map(slotRows.map((s) => [s.id, s]));

      // Assignments still possible on their pathway's side, then places counted per slot.
      const wanted = new Map<string, number>();
      for (const a of all) {
        const p = pathwayOf.get(a.pathwayId);
        const s = slotOf.get(a.slotId);
        if (!p || p.status !== 'open' || !p.rtt_running) stale.pathwayClosed++;
        else if (p.has_appointment) stale.pathwayBooked++;
        else if (!s || s.status !== 'open' || new Date(s.starts_at).getTime() <= ctx.now.getTime())
          stale.slotClosed++;
        else if (
          s.specialty_code !== p.specialty_code ||
          !acceptedSlotTypes({
            priority: p.priority as RttPriority,
            clinicType: p.clinic_type,
            stage: 'first',
          }).includes(s.slot_type as SlotType)
        )
          stale.slotUnsuitable++;
        else if (busySet.has(a.pathwayId)) stale.patientBusy++;
        else wanted.set(a.slotId, (wanted.get(a.slotId) ?? 0) + 1);
      }
      for (const [slotId, n] of wanted) {
        const free = Math.max(0, Number(slotOf.get(slotId)!.free));
        if (n > free) stale.slotFull += n - free;
      }
      const staleTotal = (Object.values(stale) as number[]).reduce((x, y) => x + y, 0);
      if (staleTotal > 0) {
        throw new AppError(
          'conflict',
          `${staleTotal} of the ${all.length} planned appointments can no longer be booked, because slots or patients have changed since the plan was made. Nothing has been booked. Make a new plan.`,
          { extensions: { staleAssignments: staleTotal, totalAssignments: all.length, stale } },
        );
      }

      // The notice is counted from today, the day the offers are made (§1.5).
      const notice = all.map((a) =>
        offerNoticeDays({
          madeOn: today,
          offeredFor: londonDateOfEpochMilliseconds(new Date(slotOf.get(a.slotId)!.starts_at).getTime()),
        }),
      );
      const reasonable = all.map((a) =>
        isReasonableOffer({
          madeOn: today,
          offeredFor: londonDateOfEpochMilliseconds(new Date(slotOf.get(a.slotId)!.starts_at).getTime()),
        }),
      );
      const taken = await queryRows<{ id: string }>(
        tx,
        sql`update slots s set booked = s.booked + n.n
              from (select slot_id, count(*)::int as n from unnest(${slotIdList}::uuid[]) as slot_id
                     group by slot_id) n
             where s.org_id = ${orgId} and s.id = n.slot_id and s.status = 'open'
               and s.booked + s.held + n.n <= s.capacity
         returning s.id`,
      );
      slotsUsed = taken.length;
      // Cannot happen with the rows locked and checked above; kept so a slip never over-books.
      if (taken.length !== wanted.size) {
        throw new AppError('conflict', 'Some slots filled while the plan was applied. Make a new plan.');
      }
      await tx.execute(
        sql`insert into appointments (org_id, id, slot_id, pathway_id, patient_id, starts_at, ends_at, slot_type,
                                      status, offered_on, notice_days, reasonable_offer, out_of_turn_reason,
                                      booked_by, booked_at)
            select ${orgId}::uuid, x.id, x.slot_id, x.pathway_id, p.patient_id, s.starts_at, s.ends_at, s.slot_type,
                   'booked', ${today}::date, x.notice, x.reasonable,
                   case when x.out_of_turn then ${OUT_OF_TURN_REASON} end,
                   ${ctx.principal.id}, ${ctx.now.toISOString()}::timestamptz
              from unnest(${arrayOf(appointmentIds)}::uuid[], ${slotIdList}::uuid[], ${pathwayIds}::uuid[],
                          ${arrayOf(notice)}::int[], ${arrayOf(reasonable)}::bool[],
                          ${arrayOf(all.map((a) => a.outOfTurn))}::bool[])
                   with ordinality as x(id, slot_id, pathway_id, notice, reasonable, out_of_turn, n)
              join pathways p on p.org_id = ${orgId} and p.id = x.pathway_id
              join slots s on s.org_id = ${orgId} and s.id = x.slot_id
             order by x.n`,
      );
      await writeAuditForMany(
        tx,
        actorOf(ctx),
        'Appointment.book',
        'Appointment',
        all.map((a, i) => ({ resourceId: appointmentIds[i]!, patientId: a.patientId })),
      );
      await queueCommunications(
        tx,
        ctx,
        all.map((a, i) => ({
          patientId: a.patientId,
          pathwayId: a.pathwayId,
          appointmentId: appointmentIds[i]!,
          kind: 'appointment-booked' as const,
          detail: {
            slotId: a.slotId,
            startsAt: new Date(slotOf.get(a.slotId)!.starts_at).toISOString(),
            noticeDays: notice[i],
            reasonableOffer: reasonable[i],
            allocationPlanId: plan.id,
          },
        })),
      );
    }

    await tx
      .update(allocationPlans)
      .set({ status: 'applied', decidedBy: ctx.principal.id, decidedAt: ctx.now })
      .where(and(eq(allocationPlans.orgId, orgId), eq(allocationPlans.id, plan.id)));
    await audit(tx, ctx, {
      action: 'AllocationPlan.apply',
      resourceType: 'AllocationPlan',
      resourceId: plan.id,
      detail: { appointments: all.length, slots: slotsUsed },
    });
    return {
      id: plan.id,
      status: 'applied',
      appointmentsBooked: all.length,
      lettersQueued: all.length,
      slotsUsed,
      decidedBy: ctx.principal.id,
      decidedAt: ctx.now.toISOString(),
    };
  });
}

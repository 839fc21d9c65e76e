/**
 * Declined offers on a pathway (nhs-domain.md §1.4, §1.5): each records the date offered, the day the offer was
 * made, its notice in days and whether it was reasonable (≥ 21 days' notice, core `isReasonableOffer`). Read
 * back with the counts, the latest date a second offer should be for after the first declined date (6 weeks,
 * EX-ACC-03), and whether two reasonable offers have been declined — then a clinician may consider active
 * monitoring with the patient's agreement. That is said, never done here: it is a clinical decision.
 * Every read and write is audited with the patient's id, in the same transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import {
  declinedOfferActions,
  teamFor,
  DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING,
  REASONABLE_OFFER_MIN_DAYS,
  daysBetween,
  isReasonableOffer,
  isSecondOfferWithinSixWeeks,
  londonDateOfEpochMilliseconds,
  offerNoticeDays,
  parsePlainDate,
  secondOfferLatestDate,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { declinedOffers, pathways, slots } from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { accessPolicyOn } from '../access-policy/service';
import { createTasks, openTasksOn } from '../tasks/service';
import { AppError, invalid, notFound } from '../../errors';
import { londonToday } from '../../clock';

type Row = typeof declinedOffers.$inferSelect;

export interface DeclinedOfferInput {
  offeredFor?: string | undefined;
  slotId?: string | undefined;
  offeredOn?: string | undefined;
  reason: string;
}

export interface DeclinedOfferView {
  id: string;
  pathwayId: string;
  slotId: string | null;
  offeredFor: string;
  offeredOn: string;
  noticeDays: number;
  reasonableOffer: boolean;
  reason: string;
  recordedBy: string;
  recordedAt: string;
}

export interface DeclinedOffersSummary {
  pathwayId: string;
  offers: DeclinedOfferView[];
  counts: { declined: number; declinedReasonable: number };
  firstDeclinedFor: string | null;
  /** The latest date the second offer should be for: 6 weeks after the first declined date. */
  secondOfferBy: string | null;
  /** For the second declined offer: whether its date was within 6 weeks of the first; null before one. */
  secondOfferWithinSixWeeks: boolean | null;
  activeMonitoring: { mayBeConsidered: boolean; message: string };
}

function view(row: Row): DeclinedOfferView {
  return {
    id: row.id,
    pathwayId: row.pathwayId,
    slotId: row.slotId,
    offeredFor: row.offeredFor,
    offeredOn: row.offeredOn,
    noticeDays: row.noticeDays,
    reasonableOffer: row.reasonableOffer,
    reason: row.reason,
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt.toISOString(),
  };
}

async function findPathway(tx: Database, orgId: string, pathwayId: string, lock: boolean) {
  const q = tx
    .select({
      id: pathways.id,
      patientId: pathways.patientId,
      status: pathways.status,
      specialtyCode: pathways.specialtyCode,
      referralReceivedDate: pathways.referralReceivedDate,
    })
    .from(pathways)
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, pathwayId)));
  // Locked for a write, so two offers recorded at once are counted in order.
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Pathway');
  return row;
}

export function summarise(pathwayId: string, rows: readonly Row[]): DeclinedOffersSummary {
  const offers = rows.map(view);
  const declinedReasonable = offers.filter((o) => o.reasonableOffer).length;
  const first = offers[0];
  const second = offers[1];
  const enough = declinedReasonable >= DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING;
  const message = enough
    ? `The patient has declined ${declinedReasonable} reasonable offers. A clinician may consider active monitoring (code 32), after discussing the delay with the patient and only with their agreement. Nothing has been recorded on the pathway.`
    : `The patient has declined ${declinedReasonable} reasonable offer${declinedReasonable === 1 ? '' : 's'} (at least ${REASONABLE_OFFER_MIN_DAYS} days' notice). Active monitoring for a delay can only be considered after ${DECLINED_REASONABLE_OFFERS_FOR_ACTIVE_MONITORING}.`;
  return {
    pathwayId,
    offers,
    counts: { declined: offers.length, declinedReasonable },
    firstDeclinedFor: first?.offeredFor ?? null,
    secondOfferBy: first ? secondOfferLatestDate(first.offeredFor) : null,
    secondOfferWithinSixWeeks:
      first && second ? isSecondOfferWithinSixWeeks(first.offeredFor, second.offeredFor) : null,
    activeMonitoring: { mayBeConsidered: enough, message },
  };
}

async function offersOf(tx: Database, orgId: string, pathwayId: string): Promise<Row[]> {
  return tx
    .select()
    .from(declinedOffers)
    .where(and(eq(declinedOffers.orgId, orgId), eq(declinedOffers.pathwayId, pathwayId)))
    .orderBy(
      asc(declinedOffers.offeredOn),
      asc(declinedOffers.offeredFor),
      asc(declinedOffers.recordedAt),
      asc(declinedOffers.id),
    );
}

export async function listDeclinedOffers(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
): Promise<DeclinedOffersSummary> {
  const orgId = ctx.principal.orgId;
  return db.transaction(async (tx) => {
    const pathway = await findPathway(tx, orgId, pathwayId, false);
    const rows = await offersOf(tx, orgId, pathwayId);
    await audit(tx, ctx, {
      action: 'DeclinedOffer.read',
      resourceType: 'Pathway',
      resourceId: pathwayId,
      patientId: pathway.patientId,
      detail: { declined: rows.length },
    });
    return summarise(pathwayId, rows);
  });
}

/** Records a declined offer and answers with the pathway's offers as they now stand. */
export async function recordDeclinedOffer(
  db: Database,
  ctx: RequestContext,
  pathwayId: string,
  input: DeclinedOfferInput,
): Promise<DeclinedOffersSummary & { recorded: DeclinedOfferView }> {
  const orgId = ctx.principal.orgId;
  const today = londonToday(ctx.now);
  if (input.offeredFor !== undefined && input.slotId !== undefined) {
    throw invalid(
      '/body/slotId',
      'Give the date offered (offeredFor) or the slot offered (slotId), not both',
    );
  }
  if (input.offeredFor === undefined && input.slotId === undefined) {
    throw invalid('/body/offeredFor', 'Give the date offered (offeredFor), or the slot offered (slotId)');
  }
  const offeredOn = input.offeredOn ?? today;
  if (daysBetween(parsePlainDate(today), parsePlainDate(offeredOn)) > 0) {
    throw invalid('/body/offeredOn', `The offer cannot have been made after today (${today})`);
  }
  return db.transaction(async (tx) => {
    const pathway = await findPathway(tx, orgId, pathwayId, true);
    if (pathway.status !== 'open') {
      throw new AppError(
        'conflict',
        `This pathway is ${pathway.status}: declined offers can only be recorded on an open pathway`,
      );
    }
    let offeredFor = input.offeredFor;
    let offeredForField = '/body/offeredFor';
    if (input.slotId !== undefined) {
      offeredForField = '/body/slotId';
      const [slot] = await tx
        .select({ startsAt: slots.startsAt, specialtyCode: slots.specialtyCode })
        .from(slots)
        .where(and(eq(slots.orgId, orgId), eq(slots.id, input.slotId)));
      if (!slot) {
        throw new AppError('not_found', 'Slot was not found', {
          errors: [{ field: '/body/slotId', message: 'slotId is not one of our slots' }],
        });
      }
      if (slot.specialtyCode !== pathway.specialtyCode) {
        throw new AppError(
          'booking_rule_violation',
          'This slot is in another specialty: it cannot have been offered for this pathway',
          { errors: [{ field: '/body/slotId', message: 'slotId is in another specialty' }] },
        );
      }
      offeredFor = londonDateOfEpochMilliseconds(slot.startsAt.getTime());
    }
    if (offeredFor === undefined) throw invalid('/body/offeredFor', 'Give the date offered');
    if (daysBetween(parsePlainDate(offeredOn), parsePlainDate(offeredFor)) < 0) {
      throw new AppError(
        'validation_failed',
        `The offer was made (${offeredOn}) after the date offered (${offeredFor})`,
        {
          errors: [
            {
              field: '/body/offeredOn',
              message: `offeredOn must be on or before the date offered (${offeredFor})`,
            },
            {
              field: offeredForField,
              message: `the date offered must be on or after offeredOn (${offeredOn})`,
            },
          ],
        },
      );
    }
    if (daysBetween(parsePlainDate(pathway.referralReceivedDate), parsePlainDate(offeredOn)) < 0) {
      throw invalid(
        '/body/offeredOn',
        `The offer cannot have been made before the referral was received (${pathway.referralReceivedDate})`,
      );
    }
    const offer = { madeOn: offeredOn, offeredFor };
    const row: Row = {
      orgId,
      id: randomUUID(),
      pathwayId,
      patientId: pathway.patientId,
      slotId: input.slotId ?? null,
      offeredFor,
      offeredOn,
      noticeDays: offerNoticeDays(offer),
      reasonableOffer: isReasonableOffer(offer),
      reason: input.reason.trim(),
      recordedBy: ctx.principal.id,
      recordedAt: ctx.now,
    };
    await tx.insert(declinedOffers).values(row);
    await audit(tx, ctx, {
      action: 'DeclinedOffer.create',
      resourceType: 'DeclinedOffer',
      resourceId: row.id,
      patientId: pathway.patientId,
      detail: {
        pathwayId,
        slotId: row.slotId,
        noticeDays: row.noticeDays,
        reasonable: row.reasonableOffer,
      },
    });
    const summary = summarise(pathwayId, await offersOf(tx, orgId, pathwayId));
    // The policy (§2.3): after enough declined reasonable offers, a clinician decides on active monitoring.
    const policy = await accessPolicyOn(tx, orgId, today);
    const actions = declinedOfferActions(
      {
        declinedReasonable: summary.counts.declinedReasonable,
        firstDeclinedFor: summary.firstDeclinedFor ?? offeredFor,
      },
      policy,
    );
    const alreadyOpen = await openTasksOn(tx, orgId, pathwayId, ['active-monitoring-decision']);
    await createTasks(
      tx,
      ctx,
      (alreadyOpen.length > 0 ? [] : actions.tasks).map((type) => ({
        type,
        team: teamFor('clinician', pathway.specialtyCode),
        patientId: pathway.patientId,
        pathwayId,
        detail: {
          rule: actions.rule,
          declinedReasonable: summary.counts.declinedReasonable,
          secondOfferBy: actions.secondOfferBy,
        },
        dedupeKey: `${type}:${pathwayId}:${summary.counts.declinedReasonable}`,
      })),
    );
    return { ...summary, recorded: view(row) };
  });
}

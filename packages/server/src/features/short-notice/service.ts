/**
 * Short-notice offers (nhs-domain.md §1.5, §2.1; issue 5 deliverable 5). A place freed inside the
 * reasonable-notice window is offered, one patient at a time and in turn, to patients who have said they can
 * come at short notice: by SMS with a YES/NO reply when that suits them, otherwise as a call task for the
 * booking team. The first to accept is booked (`bookInTx`, with every booking rule); an offer not answered by its
 * expiry moves on to the next patient. A decline is only a "no" to this offer: it is never recorded as a
 * declined offer on the pathway and never counts against the patient (a short-notice date is not a reasonable
 * offer). Everything happens in the caller's transaction and is audited.
 *
 * Locks: a reply or an expiry locks the offer's row first, so two replies to one offer are applied one after the
 * other (the second finds the offer closed); a booking made another way meanwhile is refused by `bookInTx`'s
 * conditional update of the slot, and the offer is then withdrawn.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import {
  insideShortNoticeWindow,
  londonDateOfEpochMilliseconds,
  shortNoticeExpiry,
  teamFor,
  type AccessPolicySettings,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import {
  pathways,
  shortNoticeCandidates,
  shortNoticeOffers,
  slotHolds,
  slots,
  taskEvents,
  tasks,
} from '../../db/schema';
import { audit } from '../../audit/audit';
import type { RequestContext } from '../../auth/principal';
import { AppError, notFound } from '../../errors';
import { londonToday } from '../../clock';
import { cancelJobs, scheduleJobs } from '../../jobs/scheduler';
import { accessPolicyOn } from '../access-policy/service';
import { queueCommunications } from '../communications/outbox';
import { cancelTasks, createTasks } from '../tasks/service';
import { bookInTx } from '../booking/service';
import { aheadInTurn } from '../booking/in-turn';
import { suitableCandidates } from './candidates';

type SlotRow = typeof slots.$inferSelect;
type OfferRow = typeof shortNoticeOffers.$inferSelect;
type CandidateRow = typeof shortNoticeCandidates.$inferSelect;

export const OFFER_STATUSES = ['open', 'accepted', 'exhausted', 'withdrawn'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];
export const CANDIDATE_STATUSES = [
  'waiting',
  'offered',
  'accepted',
  'declined',
  'expired',
  'skipped',
] as const;

export const OFFER_JOB = 'short-notice.offer';
export const EXPIRE_JOB = 'short-notice.expire';
/** Recorded on the appointment when patients who could not come at short notice were ahead of this one. */
export const OUT_OF_TURN_REASON = 'Short-notice offer accepted';

const expireKey = (candidateId: string) => `short-notice-expire:${candidateId}`;
const callKey = (candidateId: string) => `short-notice-call:${candidateId}`;
const smsKey = (candidateId: string) => `short-notice-offer:${candidateId}:sms`;

async function loadSlot(tx: Database, orgId: string, slotId: string, lock: boolean) {
  const q = tx
    .select()
    .from(slots)
    .where(and(eq(slots.orgId, orgId), eq(slots.id, slotId)));
  const [slot] = lock ? await q.for('update') : await q;
  return slot ?? null;
}

/** Places free in the slot now: capacity less bookings and unexpired holds. */
async function freePlaces(tx: Database, ctx: RequestContext, slot: SlotRow): Promise<number> {
  const [held] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(slotHolds)
    .where(
      and(
        eq(slotHolds.orgId, ctx.principal.orgId),
        eq(slotHolds.slotId, slot.id),
        eq(slotHolds.status, 'active'),
        gt(slotHolds.expiresAt, ctx.now),
      ),
    );
  return slot.capacity - slot.booked - (held?.n ?? 0);
}

/**
 * Offers a freed slot at short notice: when it is open with a place free, starts inside the reasonable-notice
 * window (from today, London) yet late enough to leave an hour to reply, and has no open offer already. The
 * suitable patients (in turn, up to the policy's `maxCandidates`) become its candidates and the first is offered
 * the slot at once. Answers null, writing nothing, when the slot is not to be offered or nobody suits it.
 */
export async function offerFreedSlot(
  tx: Database,
  ctx: RequestContext,
  slotId: string,
): Promise<{ offerId: string } | null> {
  const orgId = ctx.principal.orgId;
  // Locked: two offers for the same freed place are made one after the other, and the second sees the first.
  const slot = await loadSlot(tx, orgId, slotId, true);
  if (!slot || slot.status !== 'open') return null;
  const today = londonToday(ctx.now);
  const policy = await accessPolicyOn(tx, orgId, today);
  const slotDate = londonDateOfEpochMilliseconds(slot.startsAt.getTime());
  if (!insideShortNoticeWindow(today, slotDate, policy.booking.reasonableNoticeDays)) return null;
  if (shortNoticeExpiry(ctx.now, slot.startsAt, policy.shortNotice.replyHours) === null) return null;
  if ((await freePlaces(tx, ctx, slot)) <= 0) return null;
  const [open] = await tx
    .select({ id: shortNoticeOffers.id })
    .from(shortNoticeOffers)
    .where(
      and(
        eq(shortNoticeOffers.orgId, orgId),
        eq(shortNoticeOffers.slotId, slot.id),
        eq(shortNoticeOffers.status, 'open'),
      ),
    )
    .limit(1);
  if (open) return null;
  const found = await suitableCandidates(tx, orgId, slot, {
    limit: Math.max(0, policy.shortNotice.maxCandidates),
    smsEnabled: policy.communications.sms,
  });
  if (found.length === 0) return null;

  const offerId = randomUUID();
  await tx
    .insert(shortNoticeOffers)
    .values({ orgId, id: offerId, slotId: slot.id, status: 'open', createdAt: ctx.now });
  const candidates = found.map((c, i) => ({
    orgId,
    id: randomUUID(),
    offerId,
    rank: i + 1,
    pathwayId: c.pathwayId,
    patientId: c.patientId,
    channel: c.channel,
    status: 'waiting',
  }));
  await tx.insert(shortNoticeCandidates).values(candidates);
  await audit(
    tx,
    ctx,
    ...candidates.map((c) => ({
      action: 'ShortNoticeOffer.create',
      resourceType: 'ShortNoticeCandidate',
      resourceId: c.id,
      patientId: c.patientId,
      detail: { offerId, slotId: slot.id, pathwayId: c.pathwayId, rank: c.rank },
    })),
  );
  const [offer] = await tx
    .select()
    .from(shortNoticeOffers)
    .where(and(eq(shortNoticeOffers.orgId, orgId), eq(shortNoticeOffers.id, offerId)));
  await offerNext(tx, ctx, offer!, policy);
  return { offerId };
}

async function closeOffer(
  tx: Database,
  ctx: RequestContext,
  offer: OfferRow,
  status: Exclude<OfferStatus, 'open'>,
  appointmentId: string | null = null,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  await tx
    .update(shortNoticeOffers)
    .set({ status, appointmentId, closedAt: ctx.now })
    .where(and(eq(shortNoticeOffers.orgId, orgId), eq(shortNoticeOffers.id, offer.id)));
  // Whoever was still waiting (or, when withdrawn, was being asked) is no longer in line.
  const left = await tx
    .update(shortNoticeCandidates)
    .set({ status: 'skipped' })
    .where(
      and(
        eq(shortNoticeCandidates.orgId, orgId),
        eq(shortNoticeCandidates.offerId, offer.id),
        inArray(shortNoticeCandidates.status, status === 'withdrawn' ? ['waiting', 'offered'] : ['waiting']),
      ),
    )
    .returning({ id: shortNoticeCandidates.id });
  if (status === 'withdrawn' && left.length > 0) {
    const ids = left.map((c) => c.id);
    await cancelTasks(tx, ctx, { dedupeKeys: ids.map(callKey) }, 'The short-notice slot is no longer free');
    await cancelJobs(tx, orgId, ids.map(expireKey), ctx.now);
  }
  await audit(tx, ctx, {
    action: `ShortNoticeOffer.${status}`,
    resourceType: 'ShortNoticeOffer',
    resourceId: offer.id,
    detail: { slotId: offer.slotId, skipped: left.length, appointmentId },
  });
}

/**
 * Offers the slot to the next waiting candidate still suitable (skipping those who are not), or closes the
 * offer: withdrawn when the slot is no longer free, exhausted when nobody is left or too little time is.
 */
async function offerNext(
  tx: Database,
  ctx: RequestContext,
  offer: OfferRow,
  policy: AccessPolicySettings,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  const slot = await loadSlot(tx, orgId, offer.slotId, false);
  if (!slot || slot.status !== 'open' || (await freePlaces(tx, ctx, slot)) <= 0) {
    await closeOffer(tx, ctx, offer, 'withdrawn');
    return;
  }
  const expiresAt = shortNoticeExpiry(ctx.now, slot.startsAt, policy.shortNotice.replyHours);
  if (expiresAt === null) {
    await closeOffer(tx, ctx, offer, 'exhausted');
    return;
  }
  const waiting = await tx
    .select()
    .from(shortNoticeCandidates)
    .where(
      and(
        eq(shortNoticeCandidates.orgId, orgId),
        eq(shortNoticeCandidates.offerId, offer.id),
        eq(shortNoticeCandidates.status, 'waiting'),
      ),
    )
    .orderBy(asc(shortNoticeCandidates.rank));
  for (const candidate of waiting) {
    const [still] = await suitableCandidates(tx, orgId, slot, {
      limit: 1,
      smsEnabled: policy.communications.sms,
      pathwayId: candidate.pathwayId,
      offerId: offer.id,
    });
    if (!still) {
      await tx
        .update(shortNoticeCandidates)
        .set({ status: 'skipped' })
        .where(and(eq(shortNoticeCandidates.orgId, orgId), eq(shortNoticeCandidates.id, candidate.id)));
      continue;
    }
    await makeOffer(tx, ctx, { offer, slot, candidate, channel: still.channel, expiresAt });
    return;
  }
  await closeOffer(tx, ctx, offer, 'exhausted');
}

async function makeOffer(
  tx: Database,
  ctx: RequestContext,
  o: { offer: OfferRow; slot: SlotRow; candidate: CandidateRow; channel: 'sms' | 'call'; expiresAt: Date },
): Promise<void> {
  const orgId = ctx.principal.orgId;
  const { offer, slot, candidate, channel, expiresAt } = o;
  const detail = {
    slotId: slot.id,
    startsAt: slot.startsAt.toISOString(),
    offerId: offer.id,
    candidateId: candidate.id,
    expiresAt: expiresAt.toISOString(),
  };
  let taskId: string | null = null;
  if (channel === 'sms') {
    await queueCommunications(tx, ctx, [
      {
        kind: 'short-notice-offer',
        channel: 'sms',
        patientId: candidate.patientId,
        pathwayId: candidate.pathwayId,
        detail,
        dedupeKey: smsKey(candidate.id),
      },
    ]);
  } else {
    const [id] = await createTasks(tx, ctx, [
      {
        type: 'short-notice-call',
        team: teamFor('booking-clerk', slot.specialtyCode),
        dueDate: londonToday(ctx.now),
        patientId: candidate.patientId,
        pathwayId: candidate.pathwayId,
        detail: { rule: 'short-notice-offer', ...detail },
        dedupeKey: callKey(candidate.id),
      },
    ]);
    taskId = id ?? null;
  }
  await tx
    .update(shortNoticeCandidates)
    .set({ status: 'offered', channel, offeredAt: ctx.now, expiresAt, taskId })
    .where(and(eq(shortNoticeCandidates.orgId, orgId), eq(shortNoticeCandidates.id, candidate.id)));
  await scheduleJobs(
    tx,
    orgId,
    [
      {
        kind: EXPIRE_JOB,
        dedupeKey: expireKey(candidate.id),
        dueAt: expiresAt,
        payload: { offerId: offer.id, candidateId: candidate.id },
      },
    ],
    ctx.now,
  );
  await audit(tx, ctx, {
    action: 'ShortNoticeOffer.offer',
    resourceType: 'ShortNoticeCandidate',
    resourceId: candidate.id,
    patientId: candidate.patientId,
    detail: { offerId: offer.id, slotId: slot.id, channel, rank: candidate.rank },
  });
}

/** Completes the candidate's call task (if it has one open) with the outcome of the call. */
async function completeCallTask(
  tx: Database,
  ctx: RequestContext,
  candidate: CandidateRow,
  outcome: 'accepted' | 'declined',
): Promise<void> {
  if (candidate.taskId === null) return;
  const orgId = ctx.principal.orgId;
  const done = await tx
    .update(tasks)
    .set({ status: 'done', outcome, completedBy: ctx.principal.id, completedAt: ctx.now })
    .where(
      and(
        eq(tasks.orgId, orgId),
        eq(tasks.id, candidate.taskId),
        inArray(tasks.status, ['open', 'in-progress']),
      ),
    )
    .returning({ id: tasks.id });
  if (done.length > 0) {
    await tx.insert(taskEvents).values({
      orgId,
      id: randomUUID(),
      taskId: candidate.taskId,
      action: 'completed',
      actorId: ctx.principal.id,
      at: ctx.now,
      detail: { outcome },
    });
  }
}

async function lockOffer(tx: Database, orgId: string, offerId: string): Promise<OfferRow | null> {
  const [offer] = await tx
    .select()
    .from(shortNoticeOffers)
    .where(and(eq(shortNoticeOffers.orgId, orgId), eq(shortNoticeOffers.id, offerId)))
    .for('update');
  return offer ?? null;
}

async function candidateOf(
  tx: Database,
  orgId: string,
  offerId: string,
  candidateId: string,
): Promise<CandidateRow | null> {
  const [c] = await tx
    .select()
    .from(shortNoticeCandidates)
    .where(
      and(
        eq(shortNoticeCandidates.orgId, orgId),
        eq(shortNoticeCandidates.offerId, offerId),
        eq(shortNoticeCandidates.id, candidateId),
      ),
    );
  return c ?? null;
}

async function setCandidate(
  tx: Database,
  orgId: string,
  candidateId: string,
  status: (typeof CANDIDATE_STATUSES)[number],
  now: Date,
): Promise<void> {
  await tx
    .update(shortNoticeCandidates)
    .set({ status, repliedAt: now })
    .where(and(eq(shortNoticeCandidates.orgId, orgId), eq(shortNoticeCandidates.id, candidateId)));
}

const clock = (d: Date): string =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    day: 'numeric',
    month: 'long',
  }).format(d);

/** What a reply led to, when it was not simply recorded: the caller answers 409 after the transaction commits. */
export type ReplyRefusal = { kind: 'withdrawn' } | { kind: 'unsuitable'; reason: string };

export interface ReplyResult {
  refusal: ReplyRefusal | null;
}

/**
 * Records a candidate's reply inside `tx`. Throws 404 for an unknown offer or candidate and 409 (writing nothing)
 * when the offer is closed, the candidate is not the one offered the slot now, or their offer has expired.
 * An accept books the slot; when the slot has gone meanwhile the offer is withdrawn, and when this patient can
 * no longer be booked into it the next one is offered: both are answered as a refusal, to be sent as 409 once
 * the transaction has committed what it recorded.
 */
export async function replyInTx(
  tx: Database,
  ctx: RequestContext,
  offerId: string,
  candidateId: string,
  reply: 'accept' | 'decline',
): Promise<ReplyResult> {
  const orgId = ctx.principal.orgId;
  const offer = await lockOffer(tx, orgId, offerId);
  if (!offer) throw notFound('Short-notice offer');
  const candidate = await candidateOf(tx, orgId, offerId, candidateId);
  if (!candidate) throw notFound('Candidate for this short-notice offer');
  if (offer.status !== 'open') {
    throw new AppError(
      'conflict',
      `This short-notice offer is ${offer.status}: the reply cannot be recorded`,
    );
  }
  if (candidate.status !== 'offered') {
    throw new AppError(
      'conflict',
      candidate.status === 'waiting'
        ? 'This patient has not been offered the slot yet: another patient is being asked first'
        : `This patient is no longer being offered the slot (their offer is ${candidate.status}): the reply cannot be recorded`,
    );
  }
  if (candidate.expiresAt !== null && candidate.expiresAt.getTime() <= ctx.now.getTime()) {
    throw new AppError(
      'conflict',
      `This patient's offer expired on ${clock(candidate.expiresAt)}: the slot is being offered to the next patient`,
    );
  }
  const policy = await accessPolicyOn(tx, orgId, londonToday(ctx.now));
  await cancelJobs(tx, orgId, [expireKey(candidate.id)], ctx.now);

  if (reply === 'decline') {
    // Only a "no" to this offer: nothing is recorded on the pathway (a short-notice date is not a reasonable offer).
    await setCandidate(tx, orgId, candidate.id, 'declined', ctx.now);
    await completeCallTask(tx, ctx, candidate, 'declined');
    await audit(tx, ctx, {
      action: 'ShortNoticeOffer.decline',
      resourceType: 'ShortNoticeCandidate',
      resourceId: candidate.id,
      patientId: candidate.patientId,
      detail: { offerId, slotId: offer.slotId },
    });
    await offerNext(tx, ctx, offer, policy);
    return { refusal: null };
  }

  const slot = await loadSlot(tx, orgId, offer.slotId, false);
  const [pathway] = await tx
    .select()
    .from(pathways)
    .where(and(eq(pathways.orgId, orgId), eq(pathways.id, candidate.pathwayId)));
  // In turn among everyone waiting, or out of turn because those ahead could not come at short notice.
  const ahead = slot && pathway ? await aheadInTurn(tx, orgId, slot, pathway) : 0;
  try {
    const appointment = await tx.transaction((sp) =>
      bookInTx(sp, ctx, {
        slotId: offer.slotId,
        pathwayId: candidate.pathwayId,
        outOfTurnReason: ahead > 0 ? OUT_OF_TURN_REASON : undefined,
      }),
    );
    await setCandidate(tx, orgId, candidate.id, 'accepted', ctx.now);
    await completeCallTask(tx, ctx, candidate, 'accepted');
    await audit(tx, ctx, {
      action: 'ShortNoticeOffer.accept',
      resourceType: 'ShortNoticeCandidate',
      resourceId: candidate.id,
      patientId: candidate.patientId,
      detail: { offerId, slotId: offer.slotId, appointmentId: appointment.id },
    });
    await closeOffer(tx, ctx, offer, 'accepted', appointment.id);
    return { refusal: null };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'slot_unavailable') {
      // Closing the offer passes over everyone (this patient too) and closes their call tasks.
      await closeOffer(tx, ctx, offer, 'withdrawn');
      await setCandidate(tx, orgId, candidate.id, 'skipped', ctx.now);
      return { refusal: { kind: 'withdrawn' } };
    }
    // This patient cannot be booked into the slot after all (booked elsewhere, another appointment then, the
    // pathway closed): the next patient is offered it.
    await setCandidate(tx, orgId, candidate.id, 'skipped', ctx.now);
    await cancelTasks(
      tx,
      ctx,
      { dedupeKeys: [callKey(candidate.id)] },
      'The patient could not be booked into the slot',
    );
    await offerNext(tx, ctx, offer, policy);
    return { refusal: { kind: 'unsuitable', reason: err.message } };
  }
}

/** Turns a refusal into the 409 the client gets (after the transaction has committed). */
export function refusalError(refusal: ReplyRefusal): AppError {
  return refusal.kind === 'withdrawn'
    ? new AppError(
        'conflict',
        'The slot has been booked another way, or its clinic cancelled, since it was offered: the short-notice offer is withdrawn',
      )
    : new AppError(
        'conflict',
        `The patient could not be booked into the slot: ${refusal.reason} The slot has been offered to the next patient, if there is one.`,
      );
}

/** The expiry job: a candidate still offered the slot at their expiry is passed over and the next one asked. */
export async function expireCandidate(
  tx: Database,
  ctx: RequestContext,
  offerId: string,
  candidateId: string,
): Promise<void> {
  const orgId = ctx.principal.orgId;
  const offer = await lockOffer(tx, orgId, offerId);
  if (!offer || offer.status !== 'open') return;
  const candidate = await candidateOf(tx, orgId, offerId, candidateId);
  if (!candidate || candidate.status !== 'offered') return;
  if (candidate.expiresAt !== null && candidate.expiresAt.getTime() > ctx.now.getTime()) return;
  await tx
    .update(shortNoticeCandidates)
    .set({ status: 'expired' })
    .where(and(eq(shortNoticeCandidates.orgId, orgId), eq(shortNoticeCandidates.id, candidate.id)));
  await cancelTasks(tx, ctx, { dedupeKeys: [callKey(candidate.id)] }, 'The short-notice offer expired');
  await audit(tx, ctx, {
    action: 'ShortNoticeOffer.expire',
    resourceType: 'ShortNoticeCandidate',
    resourceId: candidate.id,
    patientId: candidate.patientId,
    detail: { offerId, slotId: offer.slotId },
  });
  await offerNext(tx, ctx, offer, await accessPolicyOn(tx, orgId, londonToday(ctx.now)));
}

/**
 * Replies to short-notice offers: recorded by a clerk (after a call, or reading an SMS reply), or received as an
 * SMS (GOV.UK Notify's received-text callback: the sender's number and the text). Each runs in one transaction;
 * a reply that withdrew the offer or moved it on is answered with 409 only after that has been committed.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { normalisePhone, parseSmsReply, type ShortNoticeReply } from '@pathflow/core';
import type { Database } from '../../db/client';
import { patients, shortNoticeCandidates } from '../../db/schema';
import type { RequestContext } from '../../auth/principal';
import { AppError, invalid } from '../../errors';
import { refusalError, replyInTx, type ReplyRefusal } from './service';
import { shortNoticeOfferInTx, type OfferView } from './views';

async function answer<T extends { refusal: ReplyRefusal | null; view: OfferView }>(
  db: Database,
  work: (tx: Database) => Promise<T>,
): Promise<T> {
  const result = await db.transaction(work);
  if (result.refusal) throw refusalError(result.refusal);
  return result;
}

export async function replyToOffer(
  db: Database,
  ctx: RequestContext,
  offerId: string,
  candidateId: string,
  reply: ShortNoticeReply,
): Promise<OfferView> {
  const { view } = await answer(db, async (tx) => {
    const { refusal } = await replyInTx(tx, ctx, offerId, candidateId, reply);
    return { refusal, view: await shortNoticeOfferInTx(tx, ctx, offerId) };
  });
  return view;
}

export interface SmsReplyResult {
  offerId: string;
  candidateId: string;
  reply: ShortNoticeReply;
  offer: OfferView;
}

/** An SMS reply, matched by the sender's number to the one candidate offered a slot by SMS now. */
export async function receiveSmsReply(
  db: Database,
  ctx: RequestContext,
  input: { phone: string; text: string },
): Promise<SmsReplyResult> {
  const phone = normalisePhone(input.phone);
  if (phone === null) throw invalid('/body/phone', 'Give the phone number the reply came from');
  const reply = parseSmsReply(input.text);
  if (reply === null) {
    throw invalid('/body/text', 'The reply was not understood: only YES or NO can be recorded');
  }
  const orgId = ctx.principal.orgId;
  const { offerId, candidateId, view } = await answer(db, async (tx) => {
    // Everyone asked by SMS now (a candidate is offered only while its offer is open), then their numbers.
    const offered = await tx
      .select({
        offerId: shortNoticeCandidates.offerId,
        candidateId: shortNoticeCandidates.id,
        patientId: shortNoticeCandidates.patientId,
      })
      .from(shortNoticeCandidates)
      .where(
        and(
          eq(shortNoticeCandidates.orgId, orgId),
          eq(shortNoticeCandidates.status, 'offered'),
          eq(shortNoticeCandidates.channel, 'sms'),
        ),
      );
    const phones =
      offered.length === 0
        ? []
        : await tx
            .select({ id: patients.id, phone: patients.phone })
            .from(patients)
            .where(
              and(
                eq(patients.orgId, orgId),
                inArray(patients.id, [...new Set(offered.map((o) => o.patientId))]),
              ),
            );
    const theirs = new Set(
      phones.filter((p) => p.phone !== null && normalisePhone(p.phone) === phone).map((p) => p.id),
    );
    const mine = offered.filter((o) => theirs.has(o.patientId));
    if (mine.length === 0) {
      throw new AppError(
        'not_found',
        'No short-notice offer is waiting for a reply from this number: it may have expired or been answered already',
      );
    }
    if (mine.length > 1) {
      throw new AppError(
        'conflict',
        'More than one short-notice offer is waiting for a reply from this number: record the reply against the offer instead',
      );
    }
    const { offerId, candidateId } = mine[0]!;
    const { refusal } = await replyInTx(tx, ctx, offerId, candidateId, reply);
    return { refusal, offerId, candidateId, view: await shortNoticeOfferInTx(tx, ctx, offerId) };
  });
  return { offerId, candidateId, reply, offer: view };
}

/**
 * For the tasks feature: a short-notice call task completed with the patient's answer ('accepted' or 'declined')
 * is their reply, recorded in the completion's transaction. Other outcomes ('no-answer') change nothing: the
 * offer expires in its own time. Throws (404, 409) when the reply cannot be recorded, so that the completion is
 * rolled back with it and the clerk is told why.
 */
export async function replyFromCallTask(
  tx: Database,
  ctx: RequestContext,
  task: { type: string; detail: unknown },
  outcome: string,
): Promise<void> {
  if (task.type !== 'short-notice-call' || (outcome !== 'accepted' && outcome !== 'declined')) return;
  const detail = task.detail as { offerId?: unknown; candidateId?: unknown } | null;
  if (typeof detail?.offerId !== 'string' || typeof detail.candidateId !== 'string') return;
  const { refusal } = await replyInTx(
    tx,
    ctx,
    detail.offerId,
    detail.candidateId,
    outcome === 'accepted' ? 'accept' : 'decline',
  );
  if (refusal) throw refusalError(refusal);
}

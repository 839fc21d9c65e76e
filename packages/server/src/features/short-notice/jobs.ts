/** Scheduled-job handlers for short-notice offers (kinds are prefixed with the feature, e.g. `short-notice.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';
import { systemContext } from '../../auth/principal';
import { EXPIRE_JOB, OFFER_JOB, expireCandidate, offerFreedSlot } from './service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidOf(payload: Record<string, unknown>, key: string): string {
  const value = payload[key];
  if (typeof value !== 'string' || !UUID.test(value)) throw new TypeError(`The job's ${key} is not a uuid`);
  return value;
}

export const shortNoticeJobHandlers: Record<string, JobHandler> = {
  /** A slot was freed (a cancellation): offer it at short notice when it is inside the window. */
  [OFFER_JOB]: async (tx, payload, job) => {
    await offerFreedSlot(tx, systemContext(job.orgId, job.now), uuidOf(payload, 'slotId'));
  },
  /** A candidate's time to reply is up: pass them over and offer the next. */
  [EXPIRE_JOB]: async (tx, payload, job) => {
    await expireCandidate(
      tx,
      systemContext(job.orgId, job.now),
      uuidOf(payload, 'offerId'),
      uuidOf(payload, 'candidateId'),
    );
  },
};

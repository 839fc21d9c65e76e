/** Every scheduled job's handler, by kind: each feature keeps its own in `features/<name>/jobs.ts`. */
import type { JobHandler } from './scheduler';
import { taskJobHandlers } from '../features/tasks/jobs';
import { communicationJobHandlers } from '../features/communications/jobs';
import { accessPolicyJobHandlers } from '../features/access-policy/jobs';
import { partialBookingJobHandlers } from '../features/partial-booking/jobs';
import { pifuJobHandlers } from '../features/pifu/jobs';
import { followUpJobHandlers } from '../features/follow-ups/jobs';
import { shortNoticeJobHandlers } from '../features/short-notice/jobs';

export function jobHandlers(): Record<string, JobHandler> {
  const all: Record<string, JobHandler> = {};
  for (const set of [
    taskJobHandlers,
    communicationJobHandlers,
    accessPolicyJobHandlers,
    partialBookingJobHandlers,
    pifuJobHandlers,
    followUpJobHandlers,
    shortNoticeJobHandlers,
  ]) {
    for (const [kind, handler] of Object.entries(set)) {
      if (all[kind]) throw new Error(`Two handlers for job kind ${kind}`);
      all[kind] = handler;
    }
  }
  return all;
}

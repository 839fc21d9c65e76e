/** Scheduled-job handlers for the partial-booking list: invitation, reminder, follow-up (see service.ts). */
import type { JobHandler } from '../../jobs/scheduler';
import { PARTIAL_BOOKING_JOBS, runFollowUpJob, runInviteJob, runRemindJob } from './service';

export const partialBookingJobHandlers: Record<string, JobHandler> = {
  [PARTIAL_BOOKING_JOBS.invite]: runInviteJob,
  [PARTIAL_BOOKING_JOBS.remind]: runRemindJob,
  [PARTIAL_BOOKING_JOBS.followUp]: runFollowUpJob,
};

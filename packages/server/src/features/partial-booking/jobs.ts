/** Scheduled-job handlers for the partial-booking list (kinds are prefixed with the feature, e.g. `partial-booking.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';

export const partialBookingJobHandlers: Record<string, JobHandler> = {};

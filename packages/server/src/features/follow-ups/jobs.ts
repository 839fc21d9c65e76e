/** Scheduled-job handlers for the follow-up list (kinds are prefixed with the feature, e.g. `follow-ups.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';

export const followUpJobHandlers: Record<string, JobHandler> = {};

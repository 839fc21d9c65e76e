/** Scheduled-job handlers for short-notice offers (kinds are prefixed with the feature, e.g. `short-notice.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';

export const shortNoticeJobHandlers: Record<string, JobHandler> = {};

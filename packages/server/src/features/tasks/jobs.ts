/** Scheduled-job handlers for work queues (tasks) (kinds are prefixed with the feature, e.g. `tasks.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';

export const taskJobHandlers: Record<string, JobHandler> = {};

/** Scheduled-job handlers for messages, templates and print batches (kinds are prefixed with the feature, e.g. `communications.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';

export const communicationJobHandlers: Record<string, JobHandler> = {};

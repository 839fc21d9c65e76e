/** Scheduled-job handlers for the access policy's versions (kinds are prefixed with the feature, e.g. `access-policy.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';

export const accessPolicyJobHandlers: Record<string, JobHandler> = {};

/** Scheduled-job handlers for patient-initiated follow-up (kinds are prefixed with the feature, e.g. `pifu.<step>`). */
import type { JobHandler } from '../../jobs/scheduler';

export const pifuJobHandlers: Record<string, JobHandler> = {};

/** Scheduled-job handlers for patient-initiated follow-up: the end of a time-limited window (see service.ts). */
import type { JobHandler } from '../../jobs/scheduler';
import { PIFU_END_JOB, runPifuEndJob } from './service';

export const pifuJobHandlers: Record<string, JobHandler> = {
  [PIFU_END_JOB]: runPifuEndJob,
};

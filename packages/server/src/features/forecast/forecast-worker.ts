/**
 * A forecast worker thread: simulates its share of the runs (`runOffset … runOffset + runs − 1`) of the model it
 * is given and posts the counts back, moving (not copying) their buffers. Started by workers.ts through
 * forecast-worker.mjs; one job per worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { simulateForecast } from '@pathflow/core';
import type { WorkerJob, WorkerReply } from './workers';

function run(job: WorkerJob): WorkerReply {
  try {
    const counts = simulateForecast(job.model, { seed: job.seed, runs: job.runs, runOffset: job.runOffset });
    return { ok: true, counts };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

const reply = run(workerData as WorkerJob);
// The counts' arrays own their buffers (core allocates each one), so they can be moved rather than copied.
const moved: ArrayBuffer[] = reply.ok
  ? [
      reply.counts.seenWeek,
      reply.counts.seenDaySum,
      reply.counts.passed,
      reply.counts.weeklySum,
      reply.counts.weeklySumSquares,
    ].map((a) => a.buffer as ArrayBuffer)
  : [];
parentPort!.postMessage(reply, moved);

/**
 * The forecast's runs split over worker threads (issue 7: the large trust in ≤ 10 s).
 *
 * The runs `0 … runs − 1` are cut into contiguous ranges, one per worker; each worker simulates its range of the
 * same prepared model with the same seed (`runOffset`), and the counts are merged here. Core draws every random
 * number of run r from (seed, r) alone, so the merged counts are exactly those of one thread running all the runs:
 * the answer never depends on how many workers there were.
 *
 * Each worker is started for one job and ends after it. The model is posted as a structured clone (its typed
 * arrays are copied once per worker; the pathway ids, which the simulation never reads, are left out); the
 * counts come back by transfer. A worker loads its TypeScript through `forecast-worker.mjs`, which registers tsx
 * in the new thread: that works under `pathflow start` (ADR 0002), under `tsx` and under vitest, where a worker
 * given a `.ts` file directly could not load it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  mergeForecastCounts,
  simulateForecast,
  type ForecastCounts,
  type ForecastModel,
} from '@pathflow/core';

/** Most worker threads a forecast uses by default. */
export const MAX_DEFAULT_WORKERS = 8;
/** Most worker threads a caller may ask for. */
export const MAX_WORKERS = 64;
/**
 * Below this much work (pathways × runs) the runs stay in the calling thread unless workers are asked for:
 * starting a thread (and loading tsx and core in it) takes longer than such a forecast.
 */
export const IN_THREAD_BELOW = 2_000_000;

const ENTRY = new URL('./forecast-worker.mjs', import.meta.url);

/** What a worker is given (as its `workerData`). */
export interface WorkerJob {
  model: ForecastModel;
  seed: number;
  runs: number;
  runOffset: number;
}

export type WorkerReply = { ok: true; counts: ForecastCounts } | { ok: false; message: string };

/** `min(os.availableParallelism(), 8)`. */
export function defaultWorkers(): number {
  return Math.min(availableParallelism(), MAX_DEFAULT_WORKERS);
}

/** Contiguous ranges of runs, one per worker, the first ones a run longer when they do not divide evenly. */
export function splitRuns(runs: number, workers: number): { runOffset: number; runs: number }[] {
  const parts: { runOffset: number; runs: number }[] = [];
  const k = Math.max(1, Math.min(workers, runs));
  let offset = 0;
  for (let i = 0; i < k; i++) {
    const size = Math.floor(runs / k) + (i < runs % k ? 1 : 0);
    parts.push({ runOffset: offset, runs: size });
    offset += size;
  }
  return parts;
}

/** How many threads a forecast uses: the caller's number, else the default for the size of the work. */
export function workersFor(model: ForecastModel, runs: number, workers?: number): number {
  if (workers !== undefined) {
    if (!Number.isInteger(workers) || workers < 0 || workers > MAX_WORKERS) {
      throw new RangeError(`workers must be a whole number from 0 to ${MAX_WORKERS}; got ${workers}`);
    }
    return Math.max(1, Math.min(workers, runs));
  }
  if (model.pathwayCount * runs < IN_THREAD_BELOW) return 1;
  return Math.max(1, Math.min(defaultWorkers(), runs));
}

function runWorker(job: WorkerJob, started: Worker[]): Promise<ForecastCounts> {
  return new Promise((resolve, reject) => {
    // No inherited flags: the entry registers tsx itself, whether the parent runs under the tsx command (whose
    // loader flags a worker would otherwise inherit and register a second time), bin/pathflow.mjs or vitest.
    const worker = new Worker(ENTRY, { workerData: job, execArgv: [] });
    started.push(worker);
    let answered = false;
    worker.once('message', (reply: WorkerReply) => {
      answered = true;
      void worker.terminate();
      if (reply.ok) resolve(reply.counts);
      else reject(new Error(`A forecast worker failed: ${reply.message}`));
    });
    worker.once('error', (e) => {
      answered = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`A forecast worker stopped (exit code ${code}) before answering`));
    });
  });
}

/**
 * Simulates `runs` runs of the model with the seed, split over `workers` threads (see `workersFor`; 0 or 1 runs
 * them in the calling thread), and returns the merged counts.
 */
export async function simulateInWorkers(
  model: ForecastModel,
  options: { seed: number; runs: number; workers?: number | undefined },
): Promise<ForecastCounts> {
  const { seed, runs } = options;
  const threads = workersFor(model, runs, options.workers);
  if (threads <= 1) return simulateForecast(model, { seed, runs });
  const posted: ForecastModel = { ...model, pathwayIds: [] };
  const started: Worker[] = [];
  try {
    const parts = await Promise.all(
      splitRuns(runs, threads).map((part) => runWorker({ model: posted, seed, ...part }, started)),
    );
    return parts.reduce((a, b) => mergeForecastCounts(a, b));
  } catch (e) {
    for (const w of started) void w.terminate();
    throw e;
  }
}

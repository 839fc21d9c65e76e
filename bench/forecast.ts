/**
 * Benchmark: the breach forecast (issue 7, part 2) on the large synthetic trust (250,000 open pathways) on
 * PostgreSQL: 26 weeks ahead, 200 simulation runs, split over worker threads (min(cores, 8)). Goal: the
 * forecast in ≤ 10 s.
 *
 * The seed books nothing, so first the same activity as the PTL benchmark (bench/ptl.ts `addActivity`): about
 * one pathway in six booked, one patient in twenty-five unavailable today. The seed has no appointment history,
 * so the DNA and cancellation rates are the defaults.
 *
 * Prints: reading the inputs (twice: the first read warms the cache), the whole forecast (read, prepare,
 * simulate with workers, results) and its parts; beside it the anchor measured in the same run: the same 200
 * runs of the same model in one thread (the ratio is the speed-up the workers give), checked to give the same
 * per-pathway results. Then the API: a cold `GET /api/v1/forecast` and a page of potential breaches served from
 * the cache. Last, core's backtest error on its synthetic history (the trust and call of
 * packages/core/src/capacity/backtest.test.ts) at 4 and 8 weeks ahead. Never fails on a slow machine.
 */
import { sql } from 'drizzle-orm';
import {
  backtest,
  pathwayForecasts,
  simulateForecast,
  syntheticHistory,
  type PathwayForecastColumns,
} from '@pathflow/core';
import { BACKTEST_TRUST } from '../packages/core/src/capacity/fixtures.test-support.ts';
import { buildApp } from '../packages/server/src/app';
import { SESSION_COOKIE } from '../packages/server/src/auth/sessions';
import { loadConfig } from '../packages/server/src/config';
import type { DatabaseHandle } from '../packages/server/src/db/client';
import { loadForecastInputs } from '../packages/server/src/features/forecast/inputs';
import {
  clearForecastCache,
  runForecast,
  type ForecastRun,
} from '../packages/server/src/features/forecast/service';
import { totalsBySpecialty } from '../packages/server/src/features/forecast/view';
import { workersFor } from '../packages/server/src/features/forecast/workers';
import { DEFAULT_SEED_TODAY, DEMO_PASSWORD, seedTrust } from '../packages/server/src/seed';
import { addActivity } from './ptl';
import { inScratch, scratchServer } from './support';

const SEED = 1;
const RUNS = 200;
const WEEKS = 26;
const GOAL_SECONDS = 10;
/** The backtest of core's test: forecasts from these snapshots, 50 runs each, seed 5. */
const BACKTEST_AT = [8, 12, 16, 20, 24, 28, 31];

interface Figures {
  seedSeconds: number;
  activity: { booked: number; unavailable: number };
  pathways: number;
  loadMs: [number, number];
  run: ForecastRun;
  totalMs: number;
  workers: number;
  oneThreadMs: number;
  identical: boolean;
  apiColdMs: number;
  apiPageMs: number;
}

function sameColumns(a: PathwayForecastColumns, b: PathwayForecastColumns): boolean {
  const eq = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  return (
    eq(a.medianSeenDay, b.medianSeenDay) &&
    eq(a.seenWithinHorizon, b.seenWithinHorizon) &&
    eq(a.passing, b.passing)
  );
}

async function benchOn(handle: DatabaseHandle): Promise<Figures> {
  await handle.migrate();
  process.stderr.write(` forecast: seeding the large trust (seed ${SEED})...\n`);
  const seeded = await seedTrust(handle, { size: 'large', seed: SEED, today: DEFAULT_SEED_TODAY });
  const activity = await addActivity(handle, seeded.orgId, DEFAULT_SEED_TODAY);
  await handle.db.execute(sql`vacuum analyze`);
  const orgId = seeded.orgId;
  const today = DEFAULT_SEED_TODAY;
  const now = new Date(`${today}T10:00:00Z`);

  process.stderr.write(' forecast: reading the inputs...\n');
  const loadMs: number[] = [];
  let pathways = 0;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    const inputs = await loadForecastInputs(handle.db, orgId, today, WEEKS, { now });
    loadMs.push(performance.now() - t);
    pathways = inputs.input.pathways.length;
  }

  process.stderr.write(` forecast: ${WEEKS} weeks × ${RUNS} runs with worker threads...\n`);
  clearForecastCache();
  let t = performance.now();
  const run = await runForecast(handle.db, orgId, today, { runs: RUNS, horizonWeeks: WEEKS, now });
  const totalMs = performance.now() - t;

  process.stderr.write(' forecast: the anchor, the same runs in one thread...\n');
  t = performance.now();
  const counts = simulateForecast(run.model, { seed: run.seed, runs: RUNS });
  const oneThreadMs = performance.now() - t;
  const identical = sameColumns(pathwayForecasts(run.model, counts), run.columns);

  process.stderr.write(' forecast: through the API...\n');
  clearForecastCache();
  const app = await buildApp({ handle, config: loadConfig({ PATHFLOW_SEED: 'none' }), now: () => now });
  let apiColdMs = NaN;
  let apiPageMs = NaN;
  try {
    await app.ready();
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username: 'booking-clerk', password: DEMO_PASSWORD },
    });
    const cookie = signIn.cookies.find((c) => c.name === SESSION_COOKIE);
    if (signIn.statusCode !== 200 || !cookie) throw new Error(`sign-in failed: ${signIn.body}`);
    const headers = { cookie: `${SESSION_COOKIE}=${cookie.value}` };
    const timed = async (url: string) => {
      const started = performance.now();
      const res = await app.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return performance.now() - started;
    };
    apiColdMs = await timed(`/api/v1/forecast?weeks=${WEEKS}&runs=${RUNS}`);
    apiPageMs = await timed(
      `/api/v1/forecast/potential-breaches?weeks=${WEEKS}&runs=${RUNS}&limit=100&offset=100`,
    );
  } finally {
    await app.close();
    clearForecastCache();
  }
  return {
    seedSeconds: seeded.seconds,
    activity: { booked: activity.booked, unavailable: activity.unavailable },
    pathways,
    loadMs: [loadMs[0]!, loadMs[1]!],
    run,
    totalMs,
    workers: workersFor(run.model, RUNS),
    oneThreadMs,
    identical,
    apiColdMs,
    apiPageMs,
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${(100 * x).toFixed(1)} %`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

function report(f: Figures): string[] {
  const { run } = f;
  const { totals } = totalsBySpecialty(run.model, run.columns, run.summary);
  const goal = f.totalMs <= GOAL_SECONDS * 1000 ? 'met' : 'MISSED';
  return [
    `forecast (postgres): large trust seeded in ${f.seedSeconds.toFixed(1)} s; activity added: ${fmt(f.activity.booked)} booked appointments, ${fmt(f.activity.unavailable)} patients unavailable today`,
    `    inputs read (${fmt(f.pathways)} open pathways, places per week per specialty and slot type, 8 weeks of referrals, 26 weeks of outcomes): ${s(f.loadMs[0])} first, ${s(f.loadMs[1])} again`,
    `    forecast ${WEEKS} weeks × ${RUNS} runs, ${f.workers} worker threads: ${s(f.totalMs)} | goal ≤ ${GOAL_SECONDS} s: ${goal}`,
    `      of which read ${s(run.timings.loadMs)}, prepare ${s(run.timings.prepareMs)}, simulate ${s(run.timings.simulateMs)} (threads started, model posted, counts merged), results ${s(run.timings.resultsMs)}`,
    `      anchor, the same ${RUNS} runs in one thread: ${s(f.oneThreadMs)} | one thread / workers (simulation) ${(f.oneThreadMs / run.timings.simulateMs).toFixed(2)}× | per-pathway results identical: ${f.identical ? 'yes' : 'NO'}`,
    `      rates used: DNA ${pct(run.rates.dna)}, hospital cancellations ${pct(run.rates.cancellation)} (${run.rates.source}); ${fmt(totals.alreadyOver['18'])} over 18 weeks today, ${fmt(totals.expectedBreaches['18'])} more expected to pass 18 weeks in the horizon, ${fmt(run.breaches.length)} potential breaches listed`,
    `    API: GET /api/v1/forecast cold ${s(f.apiColdMs)}; a page of potential breaches from the cache ${f.apiPageMs.toFixed(1)} ms`,
  ];
}

function backtestReport(): string[] {
  const lines = [
    `    backtest (core's synthetic history, forecasts from weeks ${BACKTEST_AT.join(', ')}, 50 runs each):`,
  ];
  for (const seed of [1, 2]) {
    const t = performance.now();
    const r = backtest(syntheticHistory({ ...BACKTEST_TRUST, seed }), { seed: 5, runs: 50, at: BACKTEST_AT });
    lines.push(
      `      history seed ${seed}: mean absolute percentage error ${pct(r.byHorizon[4])} at t+4, ${pct(r.byHorizon[8])} at t+8, ${pct(r.mape)} overall (${s(performance.now() - t)})`,
    );
  }
  return lines;
}

export async function runForecastBench(): Promise<void> {
  const server = await scratchServer(5);
  if (typeof server === 'string') process.stdout.write(`forecast (postgres): ${server}\n`);
  else process.stdout.write(`${report(await inScratch(server, benchOn)).join('\n')}\n`);
  process.stdout.write(`${backtestReport().join('\n')}\n`);
}

/**
 * The breach forecast (issue 7, part 2): for every open pathway with a running clock, the day it is projected to
 * be seen and its probability of passing 18, 52, 65 and 78 weeks, from seeded simulation runs of booking in turn
 * over the free places ahead (core `capacity/`); the potential breaches with their lead time and reason; and
 * what-if scenarios that add or remove places per week.
 *
 * A forecast is: read the inputs (inputs.ts) and the specialties' directorates, prepare core's model, simulate
 * the runs split over worker threads (workers.ts), and reduce the counts to per-pathway columns, a summary and
 * the potential-breaches list. Nothing is written to the database: a what-if changes the prepared model's
 * capacity only.
 *
 * Cache. The last few forecasts of each organisation (CACHE_ENTRIES_PER_ORG) are kept in memory for
 * CACHE_TTL_MS, keyed by the day, runs, horizon, seed, specialty and adjustments, so paging through the
 * potential breaches, or trying what-ifs against the same baseline, does not read and simulate again. A
 * forecast asked for while the same one is being made waits for it. So a forecast may be up to five minutes
 * older than the bookings (and count slots of today that have started since): each answer says when it was
 * computed. A failed forecast is not kept. A forecast of the large trust holds some tens of megabytes (the
 * model and per-pathway columns; the raw counts are dropped once reduced). The cache lives in this process;
 * each server process keeps its own.
 */
import { eq } from 'drizzle-orm';
import {
  MAX_FORECAST_RUNS,
  SLOT_TYPES,
  forecastSummary,
  pathwayForecasts,
  potentialBreaches,
  prepareForecast,
  withCapacityAdjustments,
  type CapacityAdjustment,
  type ForecastModel,
  type ForecastSummary,
  type PathwayForecastColumns,
  type PotentialBreach,
  type SlotType,
} from '@pathflow/core';
import type { Database } from '../../db/client';
import { specialties } from '../../db/schema';
import { loadForecastInputs, type RatesUsed } from './inputs';
import { simulateInWorkers, workersFor } from './workers';

export const DEFAULT_RUNS = 200;
export const MAX_RUNS = 1000;
/** Slots are kept 26 weeks ahead: beyond that the forecast would know of no places. */
export const MAX_WEEKS = 26;
export const DEFAULT_WEEKS = 26;
/** The seed of every forecast the API makes: the same data gives the same answer. */
export const DEFAULT_SEED = 1;
export const CACHE_TTL_MS = 5 * 60_000;
export const CACHE_ENTRIES_PER_ORG = 4;

/** Places added (or, when negative, removed) per week in weeks `fromWeek` … `toWeek − 1` (week 0 starts today). */
export interface Adjustment {
  specialty: string;
  slotType: SlotType;
  placesPerWeek: number;
  fromWeek?: number | undefined;
  toWeek?: number | undefined;
}

export interface ForecastOptions {
  runs?: number | undefined;
  horizonWeeks?: number | undefined;
  seed?: number | undefined;
  /** The forecast of one specialty alone (its list, places, demand and rates do not depend on the others). */
  specialty?: string | null | undefined;
  adjustments?: readonly Adjustment[] | undefined;
  /** Threads to split the runs over (0 or 1: the calling thread); default `workersFor`. */
  workers?: number | undefined;
  /** Slots that start before this instant are not counted (the request's clock). */
  now?: Date | undefined;
}

export interface ForecastRun {
  orgId: string;
  asOf: string;
  weeks: number;
  runs: number;
  seed: number;
  specialty: string | null;
  adjustments: Required<Adjustment>[];
  model: ForecastModel;
  columns: PathwayForecastColumns;
  summary: ForecastSummary;
  /** Core's potential breaches, by breach day, then priority, then pathway id. */
  breaches: PotentialBreach[];
  specialtyNames: Map<string, string>;
  /** Each specialty's directorate (null when not set), by code: every specialty of the organisation. */
  specialtyDirectorates: Map<string, string | null>;
  rates: RatesUsed;
  ratesBySpecialty: Map<string, RatesUsed>;
  bookedInThePast: number;
  leftOut: number;
  computedAt: Date;
  workers: number;
  /** Milliseconds spent reading the inputs (0 for a what-if: it reuses its baseline's), preparing, simulating. */
  timings: { loadMs: number; prepareMs: number; simulateMs: number; resultsMs: number };
}

interface CacheEntry {
  key: string;
  at: number;
  value: Promise<ForecastRun>;
}

const cache = new Map<string, CacheEntry[]>();

/** Forgets the cached forecasts of one organisation, or of all. */
export function clearForecastCache(orgId?: string): void {
  if (orgId === undefined) cache.clear();
  else cache.delete(orgId);
}

function cached(orgId: string, key: string, make: () => Promise<ForecastRun>): Promise<ForecastRun> {
  const now = Date.now();
  const entries = (cache.get(orgId) ?? []).filter((e) => now - e.at < CACHE_TTL_MS);
  const hit = entries.find((e) => e.key === key);
  if (hit) {
    cache.set(orgId, [hit, ...entries.filter((e) => e !== hit)]);
    return hit.value;
  }
  const entry: CacheEntry = { key, at: now, value: make() };
  cache.set(orgId, [entry, ...entries].slice(0, CACHE_ENTRIES_PER_ORG));
  entry.value.catch(() => {
    const left = (cache.get(orgId) ?? []).filter((e) => e !== entry);
    if (left.length === 0) cache.delete(orgId);
    else cache.set(orgId, left);
  });
  return entry.value;
}

function wholeIn(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}; got ${value}`);
  }
  return value;
}

/** Adjustments with their weeks filled in, in a stable order (the cache key). Throws a RangeError when wrong. */
export function normaliseAdjustments(
  adjustments: readonly Adjustment[],
  weeks: number,
): Required<Adjustment>[] {
  return adjustments.map((a, i) => {
    if (!(SLOT_TYPES as readonly string[]).includes(a.slotType)) {
      throw new RangeError(`Adjustment ${i}: unknown slot type ${a.slotType}`);
    }
    const fromWeek = wholeIn(a.fromWeek ?? 0, 0, weeks - 1, `Adjustment ${i}: fromWeek`);
    const toWeek = wholeIn(a.toWeek ?? weeks, fromWeek + 1, weeks, `Adjustment ${i}: toWeek`);
    return {
      specialty: a.specialty,
      slotType: a.slotType,
      placesPerWeek: wholeIn(a.placesPerWeek, -1_000_000, 1_000_000, `Adjustment ${i}: placesPerWeek`),
      fromWeek,
      toWeek,
    };
  });
}

const toCore = (a: Required<Adjustment>): CapacityAdjustment => ({
  specialtyCode: a.specialty,
  slotType: a.slotType,
  perWeek: a.placesPerWeek,
  fromWeek: a.fromWeek,
  toWeek: a.toWeek,
});

async function simulateAndReduce(
  model: ForecastModel,
  o: { seed: number; runs: number; workers: number | undefined },
) {
  let t = performance.now();
  const counts = await simulateInWorkers(model, o);
  const simulateMs = performance.now() - t;
  t = performance.now();
  const columns = pathwayForecasts(model, counts);
  const summary = forecastSummary(model, counts);
  const breaches = potentialBreaches(model, columns);
  return { columns, summary, breaches, simulateMs, resultsMs: performance.now() - t };
}

/** The directorate of each specialty of the organisation (null when not set), by code. */
export async function specialtyDirectorates(
  db: Database,
  orgId: string,
): Promise<Map<string, string | null>> {
  const rows = await db
    .select({ code: specialties.code, directorate: specialties.directorate })
    .from(specialties)
    .where(eq(specialties.orgId, orgId));
  return new Map(rows.map((r) => [r.code, r.directorate]));
}

/**
 * The forecast of `orgId` as of `asOf` (YYYY-MM-DD, London): from the cache when the same one was made in the
 * last few minutes (see the module comment). Throws a RangeError for options out of range.
 */
export function runForecast(
  db: Database,
  orgId: string,
  asOf: string,
  options: ForecastOptions = {},
): Promise<ForecastRun> {
  const runs = wholeIn(options.runs ?? DEFAULT_RUNS, 1, Math.min(MAX_RUNS, MAX_FORECAST_RUNS), 'runs');
  const weeks = wholeIn(options.horizonWeeks ?? DEFAULT_WEEKS, 1, MAX_WEEKS, 'horizonWeeks');
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError('The seed must be a safe integer');
  const specialty = options.specialty ?? null;
  const adjustments = normaliseAdjustments(options.adjustments ?? [], weeks);
  const key = JSON.stringify([asOf, runs, weeks, seed, specialty, adjustments]);
  const workers = options.workers;
  return cached(orgId, key, async () => {
    if (adjustments.length > 0) {
      const base = await runForecast(db, orgId, asOf, { ...options, adjustments: [] });
      const t = performance.now();
      const model = withCapacityAdjustments(base.model, adjustments.map(toCore));
      const prepareMs = performance.now() - t;
      const done = await simulateAndReduce(model, { seed, runs, workers });
      return {
        ...base,
        adjustments,
        model,
        columns: done.columns,
        summary: done.summary,
        breaches: done.breaches,
        computedAt: new Date(),
        workers: workersFor(model, runs, workers),
        timings: { loadMs: 0, prepareMs, simulateMs: done.simulateMs, resultsMs: done.resultsMs },
      };
    }
    let t = performance.now();
    const inputs = await loadForecastInputs(db, orgId, asOf, weeks, { now: options.now, specialty });
    const directorates = await specialtyDirectorates(db, orgId);
    const loadMs = performance.now() - t;
    t = performance.now();
    const model = prepareForecast(inputs.input);
    const prepareMs = performance.now() - t;
    const done = await simulateAndReduce(model, { seed, runs, workers });
    return {
      orgId,
      asOf,
      weeks,
      runs,
      seed,
      specialty,
      adjustments,
      model,
      columns: done.columns,
      summary: done.summary,
      breaches: done.breaches,
      specialtyNames: inputs.specialtyNames,
      specialtyDirectorates: directorates,
      rates: inputs.rates,
      ratesBySpecialty: inputs.ratesBySpecialty,
      bookedInThePast: inputs.bookedInThePast,
      leftOut: inputs.leftOut,
      computedAt: new Date(),
      workers: workersFor(model, runs, workers),
      timings: { loadMs, prepareMs, simulateMs: done.simulateMs, resultsMs: done.resultsMs },
    };
  });
}

/** The index of a pathway in a forecast, or −1. */
export function indexOfPathway(run: ForecastRun, pathwayId: string): number {
  return run.model.pathwayIds.indexOf(pathwayId);
}

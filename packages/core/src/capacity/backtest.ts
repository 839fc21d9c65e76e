/**
 * Backtesting the breach forecast (issue 7, part 3): forecasts made from the snapshot of week t are compared
 * with what the later snapshots show at t + 4 and t + 8 (or other horizons): appointments attended in
 * between, the list size and the number over 18 weeks. The error is the mean absolute percentage error.
 *
 * The forecast made at week t knows only what the snapshot of week t (and earlier snapshots) know: the open
 * pathways with their bookings, the free places ahead, and the recent weeks' referrals and appointment
 * outcomes, from which it estimates demand and the cancellation and DNA rates.
 */
import type { RttPriority } from '../rtt/status-codes';
import type { WeeklySnapshot } from './history';
import { prepareForecast, type DemandStream, type ForecastInput } from './model';
import { forecastSummary } from './results';
import { simulateForecast } from './simulate';

export const BACKTEST_METRICS = ['seen', 'waiting', 'over18'] as const;
export type BacktestMetric = (typeof BACKTEST_METRICS)[number];

export interface BacktestOptions {
  seed: number;
  runs: number;
  /** Indices of the snapshots to forecast from. */
  at: readonly number[];
  /** Weeks ahead to compare (default 4 and 8). */
  horizons?: readonly number[];
  /** Snapshots used to estimate demand and rates (default 8, ending with the one forecast from). */
  estimationWeeks?: number;
}

export interface BacktestRow {
  /** Index of the snapshot forecast from. */
  at: number;
  horizon: number;
  metric: BacktestMetric;
  /** Mean over runs. */
  predicted: number;
  actual: number;
  /** |predicted − actual| / actual; null when the actual figure is 0 (left out of the means). */
  absolutePercentageError: number | null;
}

export interface BacktestReport {
  rows: BacktestRow[];
  /** Mean absolute percentage error over all rows with a non-zero actual figure (a fraction: 0.05 is 5%). */
  mape: number;
  byHorizon: Record<number, number>;
  byMetric: Record<BacktestMetric, number>;
  /** Rows left out of the means because the actual figure was 0. */
  skipped: number;
}

/**
 * The forecast input for the snapshot `history[index]`: its pathways and free places, demand as the mean
 * weekly referrals of the last `estimationWeeks` snapshots, cancellation and DNA rates from the same weeks.
 */
export function forecastInputFromSnapshot(
  history: readonly WeeklySnapshot[],
  index: number,
  options: { horizonWeeks: number; estimationWeeks?: number },
): ForecastInput {
  const e = options.estimationWeeks ?? 8;
  const snapshot = history[index];
  if (snapshot === undefined) throw new RangeError(`No snapshot ${index}`);
  if (!Number.isInteger(e) || e < 1 || index - e + 1 < 0) {
    throw new RangeError(`Snapshot ${index} has fewer than ${e} snapshots to estimate from`);
  }
  const referrals = new Map<string, { specialtyCode: string; priority: RttPriority; total: number }>();
  let due = 0;
  let cancelled = 0;
  let dna = 0;
  for (let i = index - e + 1; i <= index; i++) {
    const s = history[i]!;
    for (const r of s.referrals) {
      const key = `${r.specialtyCode}\u0000${r.priority}`;
      const entry = referrals.get(key) ?? { specialtyCode: r.specialtyCode, priority: r.priority, total: 0 };
      entry.total += r.count;
      referrals.set(key, entry);
    }
    due += s.appointments.due;
    cancelled += s.appointments.cancelled;
    dna += s.appointments.dna;
  }
  const demand: DemandStream[] = [...referrals.values()].map((r) => ({
    specialtyCode: r.specialtyCode,
    priority: r.priority,
    perWeek: r.total / e,
  }));
  const H = options.horizonWeeks;
  return {
    asOf: snapshot.day,
    horizonWeeks: H,
    pathways: snapshot.pathways,
    capacity: snapshot.freePlaces.map((c) => {
      if (c.perWeek.length < H)
        throw new RangeError(`Snapshot ${index} lists fewer than ${H} weeks of places`);
      return { ...c, perWeek: c.perWeek.slice(0, H) };
    }),
    demand,
    rates: {
      cancellation: due === 0 ? 0 : cancelled / due,
      dna: due - cancelled === 0 ? 0 : dna / (due - cancelled),
    },
  };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Forecasts from each snapshot in `options.at` and compares them with the snapshots that followed. */
export function backtest(history: readonly WeeklySnapshot[], options: BacktestOptions): BacktestReport {
  const horizons = options.horizons ?? [4, 8];
  if (horizons.length === 0 || horizons.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new RangeError('Horizons must be whole numbers of weeks ≥ 1');
  }
  const H = Math.max(...horizons);
  const rows: BacktestRow[] = [];
  for (const t of options.at) {
    if (t + H >= history.length) throw new RangeError(`Snapshot ${t} + ${H} weeks is beyond the history`);
    const model = prepareForecast(
      forecastInputFromSnapshot(history, t, {
        horizonWeeks: H,
        ...(options.estimationWeeks === undefined ? {} : { estimationWeeks: options.estimationWeeks }),
      }),
    );
    const { weekly } = forecastSummary(
      model,
      simulateForecast(model, { seed: options.seed, runs: options.runs }),
    );
    for (const k of horizons) {
      let seenActual = 0;
      for (let i = 1; i <= k; i++) seenActual += history[t + i]!.seenLastWeek;
      const later = history[t + k]!;
      const figures: Record<BacktestMetric, [number, number]> = {
        seen: [weekly.seen.mean.slice(0, k).reduce((s, x) => s + x, 0), seenActual],
        waiting: [weekly.waiting.mean[k - 1]!, later.waiting],
        over18: [weekly.over18.mean[k - 1]!, later.over['18']],
      };
      for (const metric of BACKTEST_METRICS) {
        const [predicted, actual] = figures[metric];
        rows.push({
          at: t,
          horizon: k,
          metric,
          predicted,
          actual,
          absolutePercentageError: actual === 0 ? null : Math.abs(predicted - actual) / actual,
        });
      }
    }
  }
  const errors = (filter: (r: BacktestRow) => boolean) =>
    mean(
      rows
        .filter((r) => filter(r) && r.absolutePercentageError !== null)
        .map((r) => r.absolutePercentageError!),
    );
  const byHorizon: Record<number, number> = {};
  for (const k of horizons) byHorizon[k] = errors((r) => r.horizon === k);
  return {
    rows,
    mape: errors(() => true),
    byHorizon,
    byMetric: {
      seen: errors((r) => r.metric === 'seen'),
      waiting: errors((r) => r.metric === 'waiting'),
      over18: errors((r) => r.metric === 'over18'),
    },
    skipped: rows.filter((r) => r.absolutePercentageError === null).length,
  };
}

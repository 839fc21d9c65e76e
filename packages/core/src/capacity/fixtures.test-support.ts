// Shared fixtures for the capacity tests (not a test file itself; imported by them).
import type { SlotType } from '../clinics/types';
import { isoToEpochDay } from '../rtt/epoch-day';
import { SeededRandom } from './random';
import type { SyntheticHistoryOptions } from './history';
import type { DemandStream, ForecastInput, ForecastPathway, WeeklyCapacity } from './model';

export const AS_OF = isoToEpochDay('2026-01-05');

export function day(iso: string): number {
  const d = isoToEpochDay(iso);
  if (Number.isNaN(d)) throw new Error(`bad date ${iso}`);
  return d;
}

export function pathway(id: string, extra: Partial<ForecastPathway> = {}): ForecastPathway {
  return {
    pathwayId: id,
    specialtyCode: '110',
    priority: 'routine',
    clockStart: AS_OF - 70,
    ...extra,
  };
}

export function weekly(
  specialtyCode: string,
  slotType: SlotType,
  perWeek: number,
  weeks: number,
): WeeklyCapacity {
  return { specialtyCode, slotType, perWeek: Array.from({ length: weeks }, () => perWeek) };
}

export function input(extra: Partial<ForecastInput> & Pick<ForecastInput, 'pathways'>): ForecastInput {
  return {
    asOf: AS_OF,
    horizonWeeks: 8,
    capacity: [],
    rates: { dna: 0, cancellation: 0 },
    ...extra,
  };
}

export interface StressedListOptions {
  seed: number;
  pathways: number;
  specialties: number;
  horizonWeeks: number;
  /** Places per week per specialty, as a share of the list size. */
  placesShare?: number;
}

/**
 * A stressed synthetic list: waits roughly exponential with a median near 14 weeks, priorities 5% two-week
 * wait, 15% urgent, the rest routine, a fifth of the patients booked in the next six weeks, 3% unavailable for a
 * while, demand a little above the places on offer.
 */
export function stressedList(o: StressedListOptions): ForecastInput {
  const r = new SeededRandom(o.seed, 9);
  const asOf = AS_OF;
  const pathways: ForecastPathway[] = [];
  for (let i = 0; i < o.pathways; i++) {
    const u = r.float();
    const priority = u < 0.05 ? 'two-week-wait' : u < 0.2 ? 'urgent' : 'routine';
    const wait = Math.min(600, Math.floor(-Math.log(1 - r.float()) * 140));
    pathways.push({
      pathwayId: `RX${String(i).padStart(6, '0')}`,
      specialtyCode: `S${i % o.specialties}`,
      priority,
      clockStart: asOf - wait,
      bookedDay: r.float() < 0.2 ? asOf + r.int(42) : null,
      unavailableUntil: r.float() < 0.03 ? asOf + r.int(60) : null,
    });
  }
  const per = o.pathways / o.specialties;
  const share = o.placesShare ?? 0.036;
  const capacity: WeeklyCapacity[] = [];
  const demand: DemandStream[] = [];
  for (let s = 0; s < o.specialties; s++) {
    const code = `S${s}`;
    capacity.push(weekly(code, 'new', Math.round(per * share * 0.78), o.horizonWeeks));
    capacity.push(weekly(code, 'urgent-new', Math.round(per * share * 0.16), o.horizonWeeks));
    capacity.push(weekly(code, 'two-week-wait', Math.round(per * share * 0.06), o.horizonWeeks));
    demand.push({ specialtyCode: code, priority: 'routine', perWeek: per * share * 0.82 });
    demand.push({ specialtyCode: code, priority: 'urgent', perWeek: per * share * 0.15 });
    demand.push({ specialtyCode: code, priority: 'two-week-wait', perWeek: per * share * 0.05 });
  }
  return {
    asOf,
    horizonWeeks: o.horizonWeeks,
    pathways,
    capacity,
    demand,
    rates: { dna: 0.075, cancellation: 0.11 },
  };
}

/** The small trust the backtests run on: three specialties, about 1,800 open pathways, slightly stressed. */
export const BACKTEST_TRUST: SyntheticHistoryOptions = {
  seed: 1,
  startDay: AS_OF,
  weeks: 40,
  dnaRate: 0.075,
  cancellationRate: 0.11,
  specialties: [
    {
      code: '110',
      referralsPerWeek: { routine: 30, urgent: 6, 'two-week-wait': 2 },
      placesPerWeek: { new: 34, 'urgent-new': 6, 'two-week-wait': 3 },
      initialList: 700,
      initialMeanWaitWeeks: 14,
    },
    {
      code: '130',
      referralsPerWeek: { routine: 20, urgent: 3 },
      placesPerWeek: { new: 22, 'urgent-new': 3 },
      initialList: 500,
      initialMeanWaitWeeks: 18,
    },
    {
      code: '120',
      referralsPerWeek: { routine: 14, urgent: 2, 'two-week-wait': 1 },
      placesPerWeek: { new: 18, 'urgent-new': 2, 'two-week-wait': 2 },
      initialList: 300,
      initialMeanWaitWeeks: 10,
    },
  ],
};

/**
 * Demand and capacity per specialty and clinic (slot) type per week (issue 7, part 1): the weekly series the
 * queue indicators and the breach forecast take, built from free slots and from referrals received.
 * Week w of a series is the seven days from + 7w … from + 7w + 6 (epoch days).
 */
import type { AppointmentNeed } from '../allocation/types';
import { SLOT_TYPES, type SlotType } from '../clinics/types';
import { isoToEpochDay } from '../rtt/epoch-day';
import type { RttPriority } from '../rtt/status-codes';
import type { DemandStream, WeeklyCapacity } from './model';

/** A slot with free places (the allocation engine's `FreeSlot` fits). Dates ISO or epoch days. */
export interface SlotPlaces {
  date: string | number;
  specialtyCode: string;
  slotType: SlotType;
  /** Free places. */
  capacity: number;
}

/** A referral received (epoch day or ISO date). */
export interface ReferralReceived {
  specialtyCode: string;
  priority: RttPriority;
  appointment?: AppointmentNeed;
  received: string | number;
}

export interface WeeklyDemand {
  specialtyCode: string;
  priority: RttPriority;
  appointment: AppointmentNeed;
  /** Referrals received in each week. */
  perWeek: number[];
  /** Mean per week. */
  mean: number;
  /** Coefficient of variation of the weekly counts (sample standard deviation / mean; 0 when the mean is 0). */
  cv: number;
}

function epochDay(d: string | number, what: string): number {
  const day = typeof d === 'number' ? d : isoToEpochDay(d);
  if (!Number.isInteger(day)) throw new RangeError(`Invalid ${what} ${JSON.stringify(d)}`);
  return day;
}

function checkWeeks(weeks: number): void {
  if (!Number.isInteger(weeks) || weeks < 1)
    throw new RangeError(`weeks must be a whole number ≥ 1; got ${weeks}`);
}

function weekOf(day: number, from: number, weeks: number): number {
  const w = Math.floor((day - from) / 7);
  return w >= 0 && w < weeks ? w : -1;
}

/** Free places per specialty and slot type per week; slots outside the weeks are left out. */
export function weeklyCapacity(slots: Iterable<SlotPlaces>, from: number, weeks: number): WeeklyCapacity[] {
  checkWeeks(weeks);
  const series = new Map<string, WeeklyCapacity & { perWeek: number[] }>();
  for (const slot of slots) {
    if (!(SLOT_TYPES as readonly string[]).includes(slot.slotType)) {
      throw new RangeError(`Unknown slot type ${JSON.stringify(slot.slotType)}`);
    }
    if (!Number.isInteger(slot.capacity) || slot.capacity < 0) {
      throw new RangeError(`Free places must be a whole number ≥ 0; got ${slot.capacity}`);
    }
    const w = weekOf(epochDay(slot.date, 'slot date'), from, weeks);
    if (w < 0) continue;
    const key = `${slot.specialtyCode}\u0000${slot.slotType}`;
    let s = series.get(key);
    if (s === undefined) {
      s = {
        specialtyCode: slot.specialtyCode,
        slotType: slot.slotType,
        perWeek: new Array<number>(weeks).fill(0),
      };
      series.set(key, s);
    }
    s.perWeek[w]! += slot.capacity;
  }
  return [...series.values()].sort(
    (a, b) =>
      (a.specialtyCode < b.specialtyCode ? -1 : a.specialtyCode > b.specialtyCode ? 1 : 0) ||
      SLOT_TYPES.indexOf(a.slotType) - SLOT_TYPES.indexOf(b.slotType),
  );
}

/** The mean and coefficient of variation of a series (sample standard deviation). */
export function meanAndCv(values: readonly number[]): { mean: number; cv: number } {
  if (values.length === 0) throw new RangeError('An empty series has no mean');
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length === 1 || mean === 0) return { mean, cv: 0 };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, cv: Math.sqrt(variance) / mean };
}

/** Referrals received per specialty, priority and appointment per week, with mean and variation. */
export function weeklyDemand(
  referrals: Iterable<ReferralReceived>,
  from: number,
  weeks: number,
): WeeklyDemand[] {
  checkWeeks(weeks);
  const series = new Map<string, Omit<WeeklyDemand, 'mean' | 'cv'>>();
  for (const r of referrals) {
    const w = weekOf(epochDay(r.received, 'referral date'), from, weeks);
    if (w < 0) continue;
    const appointment = r.appointment ?? 'new';
    const key = `${r.specialtyCode}\u0000${r.priority}\u0000${appointment}`;
    let s = series.get(key);
    if (s === undefined) {
      s = {
        specialtyCode: r.specialtyCode,
        priority: r.priority,
        appointment,
        perWeek: new Array<number>(weeks).fill(0),
      };
      series.set(key, s);
    }
    s.perWeek[w]!++;
  }
  return [...series.keys()].sort().map((k) => {
    const s = series.get(k)!;
    return { ...s, ...meanAndCv(s.perWeek) };
  });
}

/** Demand streams for the forecast: each series' mean per week. */
export function demandStreams(demand: readonly WeeklyDemand[]): DemandStream[] {
  return demand.map((d) => ({
    specialtyCode: d.specialtyCode,
    priority: d.priority,
    appointment: d.appointment,
    perWeek: d.mean,
  }));
}

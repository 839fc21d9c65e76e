/**
 * A seeded synthetic history for backtesting the forecast (issue 7, part 3): a small trust's outpatient
 * waiting lists run week by week, with weekly snapshots of what a forecast made that week would be given.
 *
 * The world is deliberately not the forecast's own model, so a backtest measures real model error:
 * - bookings are made in a weekly booking round up to `bookingLeadWeeks` ahead (the forecast books each
 *   week's free places in that week), so a cancelled or DNA patient waits for the next free place weeks out;
 * - demand is seasonal (the forecast assumes the trailing mean carries on);
 * - some patients declare a period of unavailability when referred, at random lengths;
 * - the forecast's rates are estimated from the recent weeks' outcomes, not given.
 * Everything comes from the seed: the same options give the same history.
 */
import { PRIORITY_RANK } from '../allocation/cost';
import { allocationSlotTypes } from '../allocation/turn';
import { SLOT_TYPES, type SlotType } from '../clinics/types';
import { breachDay } from '../rtt/measures';
import { RTT_PRIORITIES, type RttPriority } from '../rtt/status-codes';
import { FORECAST_THRESHOLD_WEEKS, SLOT_FILL_ORDER, slotTypeMask } from './model';
import type { ForecastPathway, WeeklyCapacity } from './model';
import { SeededRandom } from './random';

export interface SyntheticSpecialty {
  code: string;
  /** Mean new referrals per week by priority (before the seasonal swing). */
  referralsPerWeek: Partial<Record<RttPriority, number>>;
  /** Clinic places per week by slot type (the template; every week the same). */
  placesPerWeek: Partial<Record<SlotType, number>>;
  /** Pathways open on week 0 of the warm-up, with roughly exponential waits of this mean (weeks). */
  initialList: number;
  initialMeanWaitWeeks: number;
}

export interface SyntheticHistoryOptions {
  seed: number;
  /** Epoch day of the first snapshot (week 0, after the warm-up). */
  startDay: number;
  /** Snapshots to produce. */
  weeks: number;
  /** Weeks simulated before the first snapshot so that bookings and waits settle (default 20). */
  warmUpWeeks?: number;
  specialties: readonly SyntheticSpecialty[];
  dnaRate: number;
  cancellationRate: number;
  /** The booking round books places up to this many weeks ahead (default 4). */
  bookingLeadWeeks?: number;
  /** Share of new referrals unavailable for 2–8 weeks from referral (default 0.04). */
  unavailableShare?: number;
  /** Amplitude of the yearly swing in demand (default 0.15: ±15%). */
  seasonalAmplitude?: number;
  /** Weeks of free places each snapshot lists ahead (default 26). */
  planWeeks?: number;
}

export interface AppointmentOutcomes {
  due: number;
  cancelled: number;
  dna: number;
  attended: number;
}

/** What the trust knew at the start of one week (after its booking round). */
export interface WeeklySnapshot {
  week: number;
  /** Epoch day of the snapshot: the first day of the week. */
  day: number;
  /** The open pathways, as the forecast takes them. */
  pathways: ForecastPathway[];
  /** Free places for the `planWeeks` weeks from `day`. */
  freePlaces: WeeklyCapacity[];
  /** Referrals received in the previous week, per specialty and priority. */
  referrals: { specialtyCode: string; priority: RttPriority; count: number }[];
  /** Appointments due in the previous week and what became of them. */
  appointments: AppointmentOutcomes;
  /** Attended in the previous week. */
  seenLastWeek: number;
  /** Open pathways on `day`, and those over 18, 52, 65 and 78 weeks on `day`. */
  waiting: number;
  over: Record<'18' | '52' | '65' | '78', number>;
}

interface Patient {
  id: number;
  spec: number;
  priority: RttPriority;
  prio: number;
  mask: number;
  clock: number;
  unavailableUntil: number | null;
  bookedDay: number | null;
  /** Still waiting (not yet seen). */
  open: boolean;
}

const T = SLOT_TYPES.length;
const FILL = SLOT_FILL_ORDER.map((t) => SLOT_TYPES.indexOf(t));

/** Runs the synthetic trust and returns one snapshot per week (see the module comment). */
export function syntheticHistory(options: SyntheticHistoryOptions): WeeklySnapshot[] {
  const warm = options.warmUpWeeks ?? 20;
  const lead = options.bookingLeadWeeks ?? 4;
  const unavailableShare = options.unavailableShare ?? 0.04;
  const amplitude = options.seasonalAmplitude ?? 0.15;
  const planWeeks = options.planWeeks ?? 26;
  if (!Number.isInteger(options.weeks) || options.weeks < 1) throw new RangeError('weeks must be ≥ 1');
  if (!Number.isInteger(lead) || lead < 1) throw new RangeError('bookingLeadWeeks must be ≥ 1');
  const specs = options.specialties;
  const S = specs.length;
  const rng = new SeededRandom(options.seed, 31);
  const day0 = options.startDay - 7 * warm;
  const totalWeeks = warm + options.weeks;
  const weekDay = (w: number) => day0 + 7 * w;
  const places = (s: number, t: number) => specs[s]!.placesPerWeek[SLOT_TYPES[t]!] ?? 0;
  /** Places booked per (specialty, type, absolute week). */
  const booked = new Map<number, number>();
  const bookedKey = (s: number, t: number, w: number) => (w * S + s) * T + t;

  const patients: Patient[] = [];
  const addPatient = (
    spec: number,
    priority: RttPriority,
    clock: number,
    unavailableUntil: number | null,
  ) => {
    patients.push({
      id: patients.length,
      spec,
      priority,
      prio: PRIORITY_RANK[priority],
      mask: slotTypeMask(allocationSlotTypes(priority)),
      clock,
      unavailableUntil,
      bookedDay: null,
      open: true,
    });
  };
  // The list on week 0 of the warm-up.
  specs.forEach((sp, s) => {
    const mix = RTT_PRIORITIES.map((p) => sp.referralsPerWeek[p] ?? 0);
    const total = mix.reduce((a, b) => a + b, 0);
    for (let i = 0; i < sp.initialList; i++) {
      let u = rng.float() * total;
      let k = 0;
      while (k < mix.length - 1 && u >= mix[k]!) u -= mix[k++]!;
      const mean = RTT_PRIORITIES[k] === 'routine' ? sp.initialMeanWaitWeeks : 2;
      const wait = Math.min(700, Math.floor(-Math.log(1 - rng.float()) * mean * 7));
      addPatient(s, RTT_PRIORITIES[k]!, day0 - wait, null);
    }
  });

  const order = (a: Patient, b: Patient) => a.prio - b.prio || a.clock - b.clock || a.id - b.id;
  const snapshots: WeeklySnapshot[] = [];
  let lastReferrals = new Map<string, number>();
  let lastOutcomes: AppointmentOutcomes = { due: 0, cancelled: 0, dna: 0, attended: 0 };

  for (let w = 0; w < totalWeeks; w++) {
    const today = weekDay(w);
    // 1. The booking round: free places in weeks w … w + lead − 1, in turn.
    for (let s = 0; s < S; s++) {
      const list = patients.filter((p) => p.open && p.spec === s && p.bookedDay === null).sort(order);
      for (let v = w; v < w + lead; v++) {
        for (const t of FILL) {
          const c = places(s, t);
          const key = bookedKey(s, t, v);
          let taken = booked.get(key) ?? 0;
          for (let k = taken; k < c; k++) {
            const slotDay = weekDay(v) + Math.floor((7 * k) / c);
            const p = list.find(
              (q) =>
                q.bookedDay === null &&
                (q.mask & (1 << t)) !== 0 &&
                (q.unavailableUntil === null || q.unavailableUntil < slotDay),
            );
            if (p === undefined) break;
            p.bookedDay = slotDay;
            taken++;
          }
          booked.set(key, taken);
        }
      }
    }
    // 2. The snapshot.
    if (w >= warm) snapshots.push(snapshotOf(w - warm, today));
    // 3. This week's appointments.
    const outcomes: AppointmentOutcomes = { due: 0, cancelled: 0, dna: 0, attended: 0 };
    for (const p of patients) {
      if (!p.open || p.bookedDay === null || p.bookedDay >= today + 7) continue;
      outcomes.due++;
      const u = rng.float();
      if (u < options.cancellationRate) {
        outcomes.cancelled++;
        p.bookedDay = null;
      } else if (rng.float() < options.dnaRate) {
        outcomes.dna++;
        p.bookedDay = null;
      } else {
        outcomes.attended++;
        p.open = false;
      }
    }
    // 4. New referrals, with the seasonal swing.
    const season = 1 + amplitude * Math.sin((2 * Math.PI * w) / 52);
    const referrals = new Map<string, number>();
    specs.forEach((sp, s) => {
      for (const priority of RTT_PRIORITIES) {
        const rate = (sp.referralsPerWeek[priority] ?? 0) * season;
        const count = rng.poisson(rate);
        referrals.set(`${s}:${priority}`, count);
        for (let i = 0; i < count; i++) {
          const d = today + rng.int(7);
          const away = rng.float() < unavailableShare ? d + 14 + rng.int(43) : null;
          addPatient(s, priority, d, away);
        }
      }
    });
    lastReferrals = referrals;
    lastOutcomes = outcomes;
  }
  return snapshots;

  function snapshotOf(week: number, today: number): WeeklySnapshot {
    const open = patients.filter((p) => p.open);
    const over = { '18': 0, '52': 0, '65': 0, '78': 0 };
    for (const p of open) {
      for (const weeks of FORECAST_THRESHOLD_WEEKS)
        if (breachDay(p.clock, weeks) <= today) over[`${weeks}`]++;
    }
    const freePlaces: WeeklyCapacity[] = [];
    const absolute = (today - day0) / 7;
    specs.forEach((sp, s) => {
      for (let t = 0; t < T; t++) {
        if (places(s, t) === 0) continue;
        freePlaces.push({
          specialtyCode: sp.code,
          slotType: SLOT_TYPES[t]!,
          perWeek: Array.from(
            { length: planWeeks },
            (_, i) => places(s, t) - (booked.get(bookedKey(s, t, absolute + i)) ?? 0),
          ),
        });
      }
    });
    return {
      week,
      day: today,
      pathways: open.map((p) => ({
        pathwayId: `SYN${String(p.id).padStart(6, '0')}`,
        specialtyCode: specs[p.spec]!.code,
        priority: p.priority,
        clockStart: p.clock,
        bookedDay: p.bookedDay,
        unavailableUntil:
          p.unavailableUntil !== null && p.unavailableUntil >= today ? p.unavailableUntil : null,
      })),
      freePlaces,
      referrals: [...lastReferrals].map(([key, count]) => {
        const [s, priority] = key.split(':') as [string, RttPriority];
        return { specialtyCode: specs[Number(s)]!.code, priority, count };
      }),
      appointments: lastOutcomes,
      seenLastWeek: lastOutcomes.attended,
      waiting: open.length,
      over,
    };
  }
}

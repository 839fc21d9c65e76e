/**
 * The breach forecast's input and its prepared model (issue 7, part 2).
 *
 * `prepareForecast` checks the input once and turns it into flat typed arrays the simulation reads without
 * allocating: the in-turn order of the open pathways, the queue classes (specialty × priority × accepted slot
 * types), existing bookings by week, patients becoming available by week, and the weekly capacity after any
 * what-if adjustments. The model is a plain object of arrays and strings, so it can be posted to a worker
 * thread (structured clone) and each worker can simulate its own share of the runs.
 *
 * Weeks: week w of the horizon is the seven days asOf + 7w … asOf + 7w + 6. The census of week w is taken on
 * the day after it (asOf + 7w + 7), the day a weekly snapshot would be taken.
 */
import { PRIORITY_RANK } from '../allocation/cost';
import { allocationSlotTypes, compareInTurn } from '../allocation/turn';
import type { AppointmentNeed, WaitingPatient } from '../allocation/types';
import { SLOT_TYPES, type SlotType } from '../clinics/types';
import { epochDayToIso } from '../rtt/epoch-day';
import { breachDay } from '../rtt/measures';
import { RTT_PRIORITIES, type RttPriority } from '../rtt/status-codes';

/** The thresholds the forecast reports (weeks): the 18-week standard and the long-wait thresholds. */
export const FORECAST_THRESHOLD_WEEKS = [18, 52, 65, 78] as const;
export type ForecastThresholdWeeks = (typeof FORECAST_THRESHOLD_WEEKS)[number];
/** Stands for "no day" in the Int32Array columns (no booking, not seen within the horizon). */
export const FORECAST_NO_DAY = -2147483648;
export const MAX_FORECAST_HORIZON_WEEKS = 104;
export const MAX_FORECAST_PATHWAYS = 10_000_000;

/**
 * The order in which a week's free places are filled, most restrictive first: two-week-wait places go to
 * two-week-wait patients; urgent-new places then take the two-week-wait patients left over, then urgent ones;
 * new places take the urgent patients left over, then routine ones. Within a slot type the places go to the
 * eligible patients in turn.
 */
export const SLOT_FILL_ORDER: readonly SlotType[] = Object.freeze([
  'two-week-wait',
  'urgent-new',
  'new',
  'procedure',
  'follow-up',
]);

/** One open pathway waiting for an appointment. Days are epoch days (days since 1970-01-01). */
export interface ForecastPathway {
  pathwayId: string;
  specialtyCode: string;
  priority: RttPriority;
  /** RTT clock start (epoch day, on or before `asOf`). */
  clockStart: number;
  /** Referral received (epoch day); the in-turn order's second key. Defaults to the clock start. */
  referralReceived?: number;
  /** Defaults to `'new'`. */
  appointment?: AppointmentNeed;
  /** Slot types the patient accepts; defaults to `allocationSlotTypes(priority, appointment)`. */
  slotTypes?: readonly SlotType[];
  /** The day of the appointment already booked (on or after `asOf`), or null. */
  bookedDay?: number | null;
  /** The last day the patient said they cannot attend (inclusive), or null. */
  unavailableUntil?: number | null;
}

/** Free places (not yet booked) per week for one specialty and slot type, one entry per horizon week. */
export interface WeeklyCapacity {
  specialtyCode: string;
  slotType: SlotType;
  perWeek: readonly number[];
}

/** A what-if: `perWeek` more places (fewer when negative) in weeks `fromWeek` … `toWeek − 1`. */
export interface CapacityAdjustment {
  specialtyCode: string;
  slotType: SlotType;
  perWeek: number;
  /** First week changed (default 0). */
  fromWeek?: number;
  /** Week after the last one changed (default the horizon). */
  toWeek?: number;
}

/** New referrals of one kind arriving as a Poisson stream. */
export interface DemandStream {
  specialtyCode: string;
  priority: RttPriority;
  appointment?: AppointmentNeed;
  slotTypes?: readonly SlotType[];
  /** Mean arrivals per week. */
  perWeek: number;
}

export interface AttendanceRates {
  /** Did not attend: share of the appointments that go ahead (not cancelled). */
  dna: number;
  /** Cancelled by the hospital: share of the appointments booked. */
  cancellation: number;
}

export interface ForecastInput {
  /** The first day of the forecast (epoch day). */
  asOf: number;
  horizonWeeks: number;
  pathways: readonly ForecastPathway[];
  capacity: readonly WeeklyCapacity[];
  demand?: readonly DemandStream[];
  rates: AttendanceRates & { bySpecialty?: Readonly<Record<string, Partial<AttendanceRates>>> };
  adjustments?: readonly CapacityAdjustment[];
}

/** The prepared model. Arrays indexed by pathway follow the input order. */
export interface ForecastModel {
  readonly asOf: number;
  readonly horizonWeeks: number;
  readonly pathwayCount: number;
  readonly pathwayIds: readonly string[];
  readonly specialtyCodes: readonly string[];
  /** Per pathway. */
  readonly specialty: Uint16Array;
  readonly priorityRank: Uint8Array;
  /** Accepted slot types as bits of their index in `SLOT_TYPES`. */
  readonly slotMask: Uint8Array;
  readonly clockStart: Int32Array;
  readonly bookedDay: Int32Array;
  readonly unavailableUntil: Int32Array;
  /** First week the patient may be given a place: 0 when available now, `horizonWeeks` when never. */
  readonly availableWeek: Int32Array;
  /** Position in the in-turn order (`compareInTurn` over all pathways). */
  readonly turnKey: Int32Array;
  readonly pathwayClass: Uint16Array;
  /** Per class (one specialty, one priority, one set of accepted slot types). */
  readonly classCount: number;
  readonly classSpecialty: Uint16Array;
  readonly classPriority: Uint8Array;
  readonly classMask: Uint8Array;
  /** The waiting queues at the start: per-class chains in turn order through `initialLink`. */
  readonly initialLink: Int32Array;
  readonly initialHead: Int32Array;
  readonly initialTail: Int32Array;
  /** Patients unavailable now, chained by the week they join the queue (through `initialLink`). */
  readonly initialPending: Int32Array;
  /** Existing bookings inside the horizon, by week: pathways `bookingList[bookingStart[w] … bookingStart[w+1])`. */
  readonly bookingStart: Int32Array;
  readonly bookingList: Int32Array;
  /** Free places per (specialty, slot type, week): index `(s × SLOT_TYPES.length + t) × horizonWeeks + w`. */
  readonly capacity: Int32Array;
  /** Classes that may take a place of (specialty, slot type): `candidateClasses[candidateStart[s·T+t] …]`. */
  readonly candidateStart: Int32Array;
  readonly candidateClasses: Uint16Array;
  /** Per specialty. */
  readonly cancellationRate: Float64Array;
  readonly dnaRate: Float64Array;
  /** New demand, one stream per class (streams of the same class are added together). */
  readonly demandClass: Uint16Array;
  readonly demandPerWeek: Float64Array;
  /** Open pathways at the start by the census week they are first over each threshold (4 × (H + 1)). */
  readonly initialOverBuckets: Int32Array;
}

const T = SLOT_TYPES.length;

function fail(message: string): never {
  throw new RangeError(message);
}

function wholeDay(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 3_000_000) {
    fail(`${what} must be an epoch day (a whole number); got ${String(value)}`);
  }
  return value;
}

/** Bit mask of slot types (bits are indices in `SLOT_TYPES`). */
export function slotTypeMask(types: readonly SlotType[]): number {
  let mask = 0;
  for (const t of types) {
    const i = (SLOT_TYPES as readonly string[]).indexOf(t);
    if (i < 0) fail(`Unknown slot type ${JSON.stringify(t)}`);
    mask |= 1 << i;
  }
  if (mask === 0) fail('A patient must accept at least one slot type');
  return mask;
}

function rankOf(priority: RttPriority): number {
  if (!(RTT_PRIORITIES as readonly string[]).includes(priority)) {
    fail(`Unknown priority ${JSON.stringify(priority)}`);
  }
  return PRIORITY_RANK[priority];
}

/** The census week in which a clock started on `clock` is first over `weeks` weeks (H when not in the horizon). */
export function overBucket(clock: number, weeks: number, asOf: number, horizonWeeks: number): number {
  const b = Math.ceil((breachDay(clock, weeks) - asOf) / 7) - 1;
  return b < 0 ? 0 : b > horizonWeeks ? horizonWeeks : b;
}

function checkRate(r: number, what: string): number {
  if (!(r >= 0 && r < 1)) fail(`${what} must lie in [0, 1); got ${r}`);
  return r;
}

/** Capacity after adjustments, clamped at zero. */
export function adjustCapacity(
  capacity: Int32Array,
  specialtyIndex: ReadonlyMap<string, number>,
  horizonWeeks: number,
  adjustments: readonly CapacityAdjustment[],
): Int32Array {
  const out = capacity.slice();
  for (const a of adjustments) {
    const s = specialtyIndex.get(a.specialtyCode);
    const t = (SLOT_TYPES as readonly string[]).indexOf(a.slotType);
    if (t < 0) fail(`Unknown slot type ${JSON.stringify(a.slotType)}`);
    if (!Number.isInteger(a.perWeek))
      fail(`An adjustment must be a whole number of places; got ${a.perWeek}`);
    const from = a.fromWeek ?? 0;
    const to = a.toWeek ?? horizonWeeks;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > horizonWeeks || from > to) {
      fail(`Adjustment weeks must satisfy 0 ≤ fromWeek ≤ toWeek ≤ ${horizonWeeks}; got ${from}–${to}`);
    }
    // A specialty with no pathways, capacity or demand has nobody to use the places.
    if (s === undefined) continue;
    const base = (s * T + t) * horizonWeeks;
    for (let w = from; w < to; w++) out[base + w] = Math.max(0, out[base + w]! + a.perWeek);
  }
  return out;
}

/** Checks the input and builds the model (see the module comment). Throws a RangeError for bad input. */
export function prepareForecast(input: ForecastInput): ForecastModel {
  const { asOf, horizonWeeks: H, pathways } = input;
  wholeDay(asOf, 'asOf');
  if (!Number.isInteger(H) || H < 1 || H > MAX_FORECAST_HORIZON_WEEKS) {
    fail(`The horizon must be 1 to ${MAX_FORECAST_HORIZON_WEEKS} weeks; got ${H}`);
  }
  const n = pathways.length;
  if (n > MAX_FORECAST_PATHWAYS) fail(`At most ${MAX_FORECAST_PATHWAYS} pathways; got ${n}`);
  const demand = input.demand ?? [];

  const codes = new Set<string>();
  for (const p of pathways) codes.add(p.specialtyCode);
  for (const c of input.capacity) codes.add(c.specialtyCode);
  for (const d of demand) codes.add(d.specialtyCode);
  const specialtyCodes = [...codes].sort();
  if (specialtyCodes.length > 0xffff) fail('Too many specialties');
  const specIndex = new Map(specialtyCodes.map((c, i) => [c, i]));
  const S = specialtyCodes.length;

  // Classes: specialty × priority × mask.
  const classKey = new Map<number, number>();
  const classSpec: number[] = [];
  const classPrio: number[] = [];
  const classMaskList: number[] = [];
  const classOf = (s: number, prio: number, mask: number): number => {
    const key = (s * 4 + prio) * 256 + mask;
    let c = classKey.get(key);
    if (c === undefined) {
      c = classSpec.length;
      if (c > 0xffff) fail('Too many queue classes');
      classKey.set(key, c);
      classSpec.push(s);
      classPrio.push(prio);
      classMaskList.push(mask);
    }
    return c;
  };

  const specialty = new Uint16Array(n);
  const priorityRank = new Uint8Array(n);
  const slotMask = new Uint8Array(n);
  const clockStart = new Int32Array(n);
  const bookedDay = new Int32Array(n).fill(FORECAST_NO_DAY);
  const unavailableUntil = new Int32Array(n).fill(FORECAST_NO_DAY);
  const availableWeek = new Int32Array(n);
  const pathwayClass = new Uint16Array(n);
  const ids = new Set<string>();
  const patients: WaitingPatient[] = new Array<WaitingPatient>(n);
  const bookingsPerWeek = new Int32Array(H + 1);

  for (let i = 0; i < n; i++) {
    const p = pathways[i]!;
    if (typeof p.pathwayId !== 'string' || ids.has(p.pathwayId)) {
      fail(`Pathway ${i}: the pathway id must be a string, unique in the input`);
    }
    ids.add(p.pathwayId);
    const s = specIndex.get(p.specialtyCode)!;
    const prio = rankOf(p.priority);
    const clock = wholeDay(p.clockStart, `Pathway ${i}: clockStart`);
    if (clock > asOf) fail(`Pathway ${i}: the clock starts after asOf`);
    const referral =
      p.referralReceived == null ? clock : wholeDay(p.referralReceived, `Pathway ${i}: referral`);
    const mask = slotTypeMask(p.slotTypes ?? allocationSlotTypes(p.priority, p.appointment ?? 'new'));
    specialty[i] = s;
    priorityRank[i] = prio;
    slotMask[i] = mask;
    clockStart[i] = clock;
    pathwayClass[i] = classOf(s, prio, mask);
    if (p.bookedDay != null) {
      const b = wholeDay(p.bookedDay, `Pathway ${i}: bookedDay`);
      if (b < asOf) fail(`Pathway ${i}: the booked day is before asOf (record its outcome first)`);
      bookedDay[i] = b;
      bookingsPerWeek[Math.min(H, Math.floor((b - asOf) / 7))]!++;
    }
    if (p.unavailableUntil != null) {
      const u = wholeDay(p.unavailableUntil, `Pathway ${i}: unavailableUntil`);
      unavailableUntil[i] = u;
      if (u >= asOf) availableWeek[i] = Math.min(H, Math.ceil((u + 1 - asOf) / 7));
    }
    patients[i] = {
      pathwayId: p.pathwayId,
      priority: p.priority,
      clockStart: epochDayToIso(clock),
      referralReceived: epochDayToIso(referral),
      specialtyCode: p.specialtyCode,
      clinicianId: null,
    };
  }

  // The in-turn order, by the allocation engine's own comparison (sorted once, here, outside any run).
  const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    compareInTurn(patients[a]!, patients[b]!),
  );
  const turnKey = new Int32Array(n);
  for (let k = 0; k < n; k++) turnKey[sorted[k]!] = k;

  // Demand streams, merged per class.
  const demandRate = new Map<number, number>();
  for (const d of demand) {
    if (!(d.perWeek >= 0) || !Number.isFinite(d.perWeek))
      fail(`Demand must be ≥ 0 per week; got ${d.perWeek}`);
    const s = specIndex.get(d.specialtyCode)!;
    const mask = slotTypeMask(d.slotTypes ?? allocationSlotTypes(d.priority, d.appointment ?? 'new'));
    const c = classOf(s, rankOf(d.priority), mask);
    demandRate.set(c, (demandRate.get(c) ?? 0) + d.perWeek);
  }
  const demandClass = Uint16Array.from(demandRate.keys());
  const demandPerWeek = Float64Array.from(demandRate.values());

  const C = classSpec.length;
  const initialLink = new Int32Array(n).fill(-1);
  const initialHead = new Int32Array(C).fill(-1);
  const initialTail = new Int32Array(C).fill(-1);
  const initialPending = new Int32Array(H).fill(-1);
  for (const i of sorted) {
    if (bookedDay[i] !== FORECAST_NO_DAY) continue;
    const w = availableWeek[i]!;
    if (w > 0) {
      if (w < H) {
        initialLink[i] = initialPending[w]!;
        initialPending[w] = i;
      }
      continue;
    }
    const c = pathwayClass[i]!;
    if (initialTail[c]! < 0) initialHead[c] = i;
    else initialLink[initialTail[c]!] = i;
    initialTail[c] = i;
  }

  const bookingStart = new Int32Array(H + 1);
  for (let w = 0; w < H; w++) bookingStart[w + 1] = bookingStart[w]! + bookingsPerWeek[w]!;
  const bookingList = new Int32Array(bookingStart[H]!);
  const fillAt = bookingStart.slice(0, H);
  for (let i = 0; i < n; i++) {
    const b = bookedDay[i]!;
    if (b === FORECAST_NO_DAY) continue;
    const w = Math.floor((b - asOf) / 7);
    if (w < H) bookingList[fillAt[w]!++] = i;
  }

  let capacity: Int32Array = new Int32Array(S * T * H);
  for (const c of input.capacity) {
    const t = (SLOT_TYPES as readonly string[]).indexOf(c.slotType);
    if (t < 0) fail(`Unknown slot type ${JSON.stringify(c.slotType)}`);
    if (c.perWeek.length !== H) {
      fail(
        `Capacity for ${c.specialtyCode}/${c.slotType} has ${c.perWeek.length} weeks; the horizon has ${H}`,
      );
    }
    const base = (specIndex.get(c.specialtyCode)! * T + t) * H;
    for (let w = 0; w < H; w++) {
      const v = c.perWeek[w]!;
      if (!Number.isInteger(v) || v < 0) fail(`Capacity must be a whole number of places ≥ 0; got ${v}`);
      capacity[base + w] = capacity[base + w]! + v;
    }
  }
  if (input.adjustments !== undefined) capacity = adjustCapacity(capacity, specIndex, H, input.adjustments);

  const candidateStart = new Int32Array(S * T + 1);
  const candidates: number[] = [];
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) {
        if (classSpec[c] === s && (classMaskList[c]! & (1 << t)) !== 0) candidates.push(c);
      }
      candidateStart[s * T + t + 1] = candidates.length;
    }
  }

  const cancellationRate = new Float64Array(S);
  const dnaRate = new Float64Array(S);
  const { rates } = input;
  for (let s = 0; s < S; s++) {
    const own = rates.bySpecialty?.[specialtyCodes[s]!];
    cancellationRate[s] = checkRate(own?.cancellation ?? rates.cancellation, 'The cancellation rate');
    dnaRate[s] = checkRate(own?.dna ?? rates.dna, 'The DNA rate');
  }

  const initialOverBuckets = new Int32Array(FORECAST_THRESHOLD_WEEKS.length * (H + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < FORECAST_THRESHOLD_WEEKS.length; j++) {
      initialOverBuckets[j * (H + 1) + overBucket(clockStart[i]!, FORECAST_THRESHOLD_WEEKS[j]!, asOf, H)]!++;
    }
  }

  return {
    asOf,
    horizonWeeks: H,
    pathwayCount: n,
    pathwayIds: pathways.map((p) => p.pathwayId),
    specialtyCodes,
    specialty,
    priorityRank,
    slotMask,
    clockStart,
    bookedDay,
    unavailableUntil,
    availableWeek,
    turnKey,
    pathwayClass,
    classCount: C,
    classSpecialty: Uint16Array.from(classSpec),
    classPriority: Uint8Array.from(classPrio),
    classMask: Uint8Array.from(classMaskList),
    initialLink,
    initialHead,
    initialTail,
    initialPending,
    bookingStart,
    bookingList,
    capacity,
    candidateStart,
    candidateClasses: Uint16Array.from(candidates),
    cancellationRate,
    dnaRate,
    demandClass,
    demandPerWeek,
    initialOverBuckets,
  };
}

/** The same model with more (or fewer) places: the what-if. Everything but the capacity is shared. */
export function withCapacityAdjustments(
  model: ForecastModel,
  adjustments: readonly CapacityAdjustment[],
): ForecastModel {
  const specIndex = new Map(model.specialtyCodes.map((c, i) => [c, i]));
  return { ...model, capacity: adjustCapacity(model.capacity, specIndex, model.horizonWeeks, adjustments) };
}

/** Places of the given slot types for a specialty over the whole horizon. */
export function placesInHorizon(model: ForecastModel, specialtyIndex: number, mask: number): number {
  const H = model.horizonWeeks;
  let total = 0;
  for (let t = 0; t < T; t++) {
    if ((mask & (1 << t)) === 0) continue;
    const base = (specialtyIndex * T + t) * H;
    for (let w = 0; w < H; w++) total += model.capacity[base + w]!;
  }
  return total;
}

/**
 * Automatic allocation: given the waiting list and the free slots over a horizon, the plan that minimises the
 * total weighted cost (cost.ts) exactly, booking in turn wherever the cost leaves a choice.
 *
 * ## The model
 * Each patient takes at most one slot place (one first appointment per pathway), never beyond a slot's free
 * places, only a slot they are eligible for (turn.ts: specialty, clinician, slot type, availability, minimum
 * notice) and only inside the horizon. Seeing patient p on day d costs c_p(d), a non-decreasing step function
 * of d; leaving p unbooked costs U_p = c_p(first day after the horizon) + the unbooked weight. The plan
 * minimises Σ c_p(d_p) over booked patients + Σ U_p over the rest.
 *
 * ## Why the result is optimal (the argument the LP test checks)
 * The problem is a transportation problem: patients on one side, slot places on the other, so its linear
 * programme has a totally unimodular matrix and integral optima, and a min-cost-flow solver finds one. It is
 * solved per specialty (eligibility never crosses specialties) on an aggregated network that loses nothing:
 * - Patients with the same eligibility (slot types accepted, clinician), the same availability and the same
 *   costs on the slot dates of the specialty up to a constant (only the differences between a patient's
 *   options matter) are interchangeable, so they form one class node whose supply is their number. Costs
 *   only change at breakpoints, so classes are few.
 * - Slot places of one (slot type, clinician, date) are interchangeable: one cell node, capacity = the places.
 * - Instead of one arc per (class, date) — millions — each eligibility profile has a chain of date nodes,
 *   latest to earliest, each joined to the cells the profile may use that day. A class enters the chain at
 *   the last date of each stretch of constant cost ("piece") at that piece's cost and may flow to any earlier
 *   date. Since c_p is non-decreasing, the cheapest way to reach date d is the piece containing d, so the
 *   network's cost of every assignment is exactly its true cost, and every flow is an assignment.
 *   Patients with unavailable periods enter a segment tree over the same dates instead, reaching exactly the
 *   stretches they can attend.
 * The network simplex (min-cost-flow.ts) then returns an exact optimum of this network, hence of the problem.
 *
 * ## Booking in turn
 * Where the cost leaves a choice the plan books in turn:
 * 1. Who is booked, and on which dates: two tie-breaks ride below one point of cost. Leaving a patient
 *    unbooked costs a little more the earlier they are in turn (classes are split into 32 quantile buckets of
 *    the specialty's turn order), and a place costs a little more the later its date (earlier capacity is
 *    used first). Both sit on arcs into the sink; a simple cycle of the flow passes the sink once, so it meets
 *    at most two of them, and every cost is scaled by more than twice the largest tie-break: the weighted
 *    optimum (costs are whole points) is never traded for a tie-break. Within a class the first in turn are
 *    booked.
 * 2. Who gets which date: among patients of one eligibility profile (and no unavailability) the dates used
 *    are re-dealt in turn: each patient, in turn, takes the earliest place such that everyone after them can
 *    still have a place no later than the last date of their current cost piece. This is the exchange
 *    argument made constructive: nobody's cost rises (so the optimum is kept), and Hall's condition on those
 *    deadlines, checked by prefix slack, guarantees the rest can still be placed. The engine checks that the
 *    re-dealt plan costs exactly the flow's optimum.
 * A booking is flagged out of turn when someone earlier in turn, eligible for that slot, is booked later or
 * not at all: those are the bookings the weighted objective chose over turn, and they are reportable.
 */
import { isoToEpochDay } from '../rtt/epoch-day';
import { REASONABLE_OFFER_MIN_DAYS } from '../rtt/reasonable-offer';
import {
  BREACH_KIND_LIST,
  PRIORITY_RANK,
  costOnDay,
  createBreakpoints,
  fillBreakpoints,
  parseIsoDay as parseDay,
  resolveCostModel,
} from './cost';
import { MinCostFlow } from './min-cost-flow';
import { minNoticeOf, patientSlotTypes } from './turn';
import type {
  AllocateInput,
  AllocationCostModel,
  AllocationPlan,
  BreachKind,
  FreeSlot,
  PlannedAssignment,
  SlotType,
  StillBreaching,
  StillBreachingReason,
  UnassignedPatient,
  WaitingPatient,
} from './types';

/** Turn buckets per specialty for the booking tie-break. */
const TURN_BUCKETS = 32;
/** Longest horizon accepted, in days (about ten years). */
export const MAX_ALLOCATION_HORIZON_DAYS = 3660;

const SLOT_TYPE_BIT: Readonly<Record<SlotType, number>> = Object.freeze({
  new: 1,
  'urgent-new': 2,
  'two-week-wait': 4,
  'follow-up': 8,
  procedure: 16,
});
const SLOT_TYPE_INDEX: Readonly<Record<SlotType, number>> = Object.freeze({
  new: 0,
  'urgent-new': 1,
  'two-week-wait': 2,
  'follow-up': 3,
  procedure: 4,
});

/** First index i with a[i] ≥ x (a sorted ascending); a.length when none. */
function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with a[i] > x; a.length when none. */
function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Sorts indices 0..n−1 by a numeric key, then by a string for equal keys. Keys are whole numbers ≥ 0; when
 * key·n fits in a double exactly the sort packs (key, index) into one Float64Array and sorts it natively.
 */
function sortIndices(keys: Float64Array, tie: (i: number) => string): Int32Array {
  const n = keys.length;
  const out = new Int32Array(n);
  let maxKey = 0;
  for (let i = 0; i < n; i++) if (keys[i]! > maxKey) maxKey = keys[i]!;
  if ((maxKey + 1) * n < 2 ** 52) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = keys[i]! * n + i;
    packed.sort();
    for (let i = 0; i < n; i++) out[i] = packed[i]! % n;
  } else {
    const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
    out.set(idx);
  }
  // Equal keys: by the string.
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && keys[out[j]!] === keys[out[i]!]) j++;
    if (j - i > 1) {
      const run = Array.from(out.subarray(i, j)).sort((a, b) => {
        const x = tie(a);
        const y = tie(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
      out.set(run, i);
    }
    i = j;
  }
  return out;
}

/**
 * Interns `n` strings: each gets the index of its first occurrence among the distinct values (open
 * addressing on an FNV-1a hash: about twice as fast as a `Set` on this hot path).
 */
function intern(n: number, get: (i: number) => string): { id: Int32Array; values: string[] } {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  const mask = cap - 1;
  const table = new Int32Array(cap).fill(-1);
  const id = new Int32Array(n);
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = get(i);
    let h = 0x811c9dc5;
    for (let k = 0; k < x.length; k++) h = Math.imul(h ^ x.charCodeAt(k), 0x01000193);
    let j = h & mask;
    for (;;) {
      const v = table[j]!;
      if (v === -1) {
        table[j] = values.length;
        id[i] = values.length;
        values.push(x);
        break;
      }
      if (values[v] === x) {
        id[i] = v;
        break;
      }
      j = (j + 1) & mask;
    }
  }
  return { id, values };
}

/** Checks `value` is a string (for ids and codes); `what` names it in the error (built only then). */
function str(value: unknown, what: () => string): string {
  if (typeof value !== 'string') throw new RangeError(`${what()} must be a string`);
  return value;
}

/** The validated, parsed input shared by the per-specialty planning. */
interface Prepared {
  model: AllocationCostModel;
  patients: readonly WaitingPatient[];
  slots: readonly FreeSlot[];
  todayDay: number;
  firstDay: number;
  /** First day after the horizon: unbooked patients are costed as seen on it. */
  endDay: number;
  /** Pathway ids, and interned specialty and clinician ids (−1: none) of patients and slots. */
  ids: string[];
  patSpec: Int32Array;
  patClin: Int32Array;
  slotSpec: Int32Array;
  slotClin: Int32Array;
  specialties: string[];
  prio: Uint8Array;
  clockDay: Int32Array;
  refDay: Int32Array;
  typeMask: Uint8Array;
  /** Unavailable periods as flattened [from, to, …] epoch days, or null. */
  unavailable: (Int32Array | null)[];
  /** Patient indices in turn order, and each patient's position in it. */
  order: Int32Array;
  rank: Int32Array;
  slotDay: Int32Array;
  /** Each slot's position in (date, startsAt, slotId) order. */
  slotOrder: Int32Array;
  /** Each slot's cell within its specialty's network (filled per specialty). */
  slotCell: Int32Array;
  /** Result: the slot booked for each patient, or −1. */
  slotOf: Int32Array;
  /** Earliest day of a slot the patient could take (eligible and available), NaN when none. */
  earliestDay: Float64Array;
  outOfTurn: Uint8Array;
}

function prepare(input: AllocateInput): Prepared {
  const model = resolveCostModel(input);
  const todayDay = parseDay(input.today, 'today');
  const horizon = input.horizon;
  if (!Number.isInteger(horizon) || horizon < 0 || horizon > MAX_ALLOCATION_HORIZON_DAYS) {
    throw new RangeError(`horizon must be a whole number of days from 0 to ${MAX_ALLOCATION_HORIZON_DAYS}`);
  }
  const minNotice = minNoticeOf(input);
  const { patients, slots } = input;
  const n = patients.length;
  const prio = new Uint8Array(n);
  const clockDay = new Int32Array(n);
  const refDay = new Int32Array(n);
  const typeMask = new Uint8Array(n);
  const unavailable: (Int32Array | null)[] = new Array<Int32Array | null>(n).fill(null);
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = str(patients[i]!.pathwayId, () => `Patient ${i}: pathwayId`);
  const interned = intern(n, (i) => ids[i]!);
  if (interned.values.length < n) {
    const first = new Set<number>();
    for (let i = 0; i < n; i++) {
      if (first.has(interned.id[i]!)) throw new RangeError(`Pathway ${ids[i]} is on the list twice`);
      first.add(interned.id[i]!);
    }
  }
  const maskOf = new Map<readonly SlotType[], number>();
  let minClock = Infinity;
  let minRef = Infinity;
  let maxClock = -Infinity;
  let maxRef = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = patients[i]!;
    const r = PRIORITY_RANK[p.priority];
    if (r === undefined)
      throw new RangeError(`Pathway ${p.pathwayId}: unknown priority ${String(p.priority)}`);
    prio[i] = r;
    const c = isoToEpochDay(p.clockStart);
    const f = isoToEpochDay(p.referralReceived);
    if (Number.isNaN(c)) parseDay(p.clockStart, `clock start of ${p.pathwayId}`);
    if (Number.isNaN(f)) parseDay(p.referralReceived, `referral date of ${p.pathwayId}`);
    clockDay[i] = c;
    refDay[i] = f;
    if (c < minClock) minClock = c;
    if (c > maxClock) maxClock = c;
    if (f < minRef) minRef = f;
    if (f > maxRef) maxRef = f;
    const types = patientSlotTypes(p);
    let mask = maskOf.get(types);
    if (mask === undefined) {
      mask = 0;
      for (const t of types) {
        const bit = SLOT_TYPE_BIT[t];
        if (bit === undefined) throw new RangeError(`Pathway ${p.pathwayId}: unknown slot type ${String(t)}`);
        mask |= bit;
      }
      maskOf.set(types, mask);
    }
    typeMask[i] = mask;
    const periods = p.unavailable;
    if (periods !== undefined && periods.length > 0) {
      const u = new Int32Array(periods.length * 2);
      for (let k = 0; k < periods.length; k++) {
        let from = isoToEpochDay(periods[k]!.from);
        if (Number.isNaN(from)) from = parseDay(periods[k]!.from, `unavailable from of ${p.pathwayId}`);
        let to = isoToEpochDay(periods[k]!.to);
        if (Number.isNaN(to)) to = parseDay(periods[k]!.to, `unavailable to of ${p.pathwayId}`);
        if (to < from)
          throw new RangeError(`Pathway ${p.pathwayId}: unavailable period ends before it starts`);
        u[2 * k] = from;
        u[2 * k + 1] = to;
      }
      unavailable[i] = u;
    }
  }
  // Turn order: priority, then clock start (the 18-week breach date order), then referral, then pathway id.
  const clockSpan = n === 0 ? 1 : maxClock - minClock + 1;
  const refSpan = n === 0 ? 1 : maxRef - minRef + 1;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = (prio[i]! * clockSpan + (clockDay[i]! - minClock)) * refSpan + (refDay[i]! - minRef);
  }
  const order = sortIndices(keys, (i) => ids[i]!);
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[order[i]!] = i;

  const m = slots.length;
  const slotDay = new Int32Array(m);
  const slotIdList = new Array<string>(m);
  for (let s = 0; s < m; s++) slotIdList[s] = str(slots[s]!.slotId, () => `Slot ${s}: slotId`);
  const slotInterned = intern(m, (s) => slotIdList[s]!);
  if (slotInterned.values.length < m) {
    const first = new Set<number>();
    for (let s = 0; s < m; s++) {
      if (first.has(slotInterned.id[s]!)) throw new RangeError(`Slot ${slotIdList[s]} is listed twice`);
      first.add(slotInterned.id[s]!);
    }
  }
  let minDay = Infinity;
  for (let s = 0; s < m; s++) {
    const slot = slots[s]!;
    let d = isoToEpochDay(slot.date);
    if (Number.isNaN(d)) d = parseDay(slot.date, `date of slot ${slot.slotId}`);
    slotDay[s] = d;
    if (d < minDay) minDay = d;
    if (SLOT_TYPE_BIT[slot.slotType] === undefined) {
      throw new RangeError(`Slot ${slot.slotId}: unknown slot type ${String(slot.slotType)}`);
    }
    if (!Number.isInteger(slot.capacity) || slot.capacity < 0) {
      throw new RangeError(`Slot ${slot.slotId}: capacity must be a whole number ≥ 0`);
    }
  }
  // Slot order: date, then start (ranked among the distinct start strings), then slot id.
  const starts = intern(m, (s) => str(slots[s]!.startsAt, () => `Slot ${slotIdList[s]}: startsAt`));
  const startRank = new Int32Array(starts.values.length);
  Array.from(starts.values.keys())
    .sort((a, b) =>
      starts.values[a]! < starts.values[b]! ? -1 : starts.values[a]! > starts.values[b]! ? 1 : 0,
    )
    .forEach((v, r) => (startRank[v] = r));
  const slotKeys = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    slotKeys[s] = (slotDay[s]! - minDay) * starts.values.length + startRank[starts.id[s]!]!;
  }
  const slotSorted = sortIndices(slotKeys, (s) => slotIdList[s]!);
  const slotOrder = new Int32Array(m);
  for (let i = 0; i < m; i++) slotOrder[slotSorted[i]!] = i;

  // Specialties and clinicians, interned over patients then slots.
  const specs = intern(n + m, (k) =>
    k < n
      ? str(patients[k]!.specialtyCode, () => `Pathway ${ids[k]}: specialtyCode`)
      : str(slots[k - n]!.specialtyCode, () => `Slot ${slotIdList[k - n]}: specialtyCode`),
  );
  // Clinicians: null (none) is −1; the named ones are interned.
  const named: number[] = [];
  const clinicianAt = (k: number): unknown => (k < n ? patients[k]!.clinicianId : slots[k - n]!.clinicianId);
  for (let k = 0; k < n + m; k++) {
    const c = clinicianAt(k);
    if (c === null) continue;
    str(c, () => (k < n ? `Pathway ${ids[k]}: clinicianId` : `Slot ${slotIdList[k - n]}: clinicianId`));
    named.push(k);
  }
  const clins = intern(named.length, (x) => clinicianAt(named[x]!) as string);
  const patClin = new Int32Array(n).fill(-1);
  const slotClin = new Int32Array(m).fill(-1);
  named.forEach((k, x) => {
    if (k < n) patClin[k] = clins.id[x]!;
    else slotClin[k - n] = clins.id[x]!;
  });

  return {
    model,
    patients,
    slots,
    ids,
    patSpec: specs.id.subarray(0, n),
    patClin,
    slotSpec: specs.id.subarray(n),
    slotClin,
    specialties: specs.values,
    todayDay,
    firstDay: todayDay + minNotice,
    endDay: todayDay + horizon,
    prio,
    clockDay,
    refDay,
    typeMask,
    unavailable,
    order,
    rank,
    slotDay,
    slotOrder,
    slotCell: new Int32Array(m),
    slotOf: new Int32Array(n).fill(-1),
    earliestDay: new Float64Array(n).fill(NaN),
    outOfTurn: new Uint8Array(n),
  };
}

/** One eligibility profile (slot types accepted × clinician) of a specialty and the dates it can use. */
interface Profile {
  /** Epoch days of the specialty's slot dates on which the profile may use some cell, ascending. */
  posDay: number[];
  /** Date index (within the specialty) of each position. */
  posT: number[];
  /** Cells usable at each position. */
  cellsAt: number[][];
  /** Chain: the positions where classes enter it (ascending); node k serves positions (ends[k−1], ends[k]]. */
  chainEnds: number[];
  chainNode: Map<number, number>;
  chainBase: number;
  /** Index of the profile's first chain node among all chain nodes of the specialty. */
  chainCellBase: number;
  /** Intervals [a, b] reached through the segment tree (classes with unavailable periods). */
  treeIntervals: number[];
  /** Segment tree over elementary segments: segment i is positions bounds[i] … bounds[i+1] − 1. */
  bounds: number[];
  treeLo: number[];
  treeHi: number[];
  treeLeft: number[];
  treeBase: number;
}

/** A class of interchangeable patients (same profile, availability, costs relative to their base cost). */
interface PatientClass {
  profile: number;
  bucket: number;
  /** Unbooked cost minus the base cost (the cost at the profile's first date). */
  unbooked: number;
  /** Cost pieces over the profile's positions: piece k is [start[k], start[k+1] − 1] at rel[k] above base. */
  start: number[];
  rel: number[];
  /** Unavailable position ranges, flattened [a, b, …], or null. */
  unav: number[] | null;
  /** Entries: flattened [kind (0 chain, 1 tree), lo, hi, relative cost]. */
  entries: number[];
  /** Patients (global indices) in turn order. */
  members: number[];
  node: number;
  unbookedArc: number;
}

/** Min-heap of numbers under a comparator. */
class Heap {
  private readonly items: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): number {
    return this.items[0]!;
  }
  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      const t = a[i]!;
      a[i] = a[p]!;
      a[p] = t;
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let s = i;
        if (l < a.length && this.less(a[l]!, a[s]!)) s = l;
        if (r < a.length && this.less(a[r]!, a[s]!)) s = r;
        if (s === i) break;
        const t = a[i]!;
        a[i] = a[s]!;
        a[s] = t;
        i = s;
      }
    }
    return top;
  }
}

/** Plans one specialty: writes `ctx.slotOf`, `ctx.earliestDay` and `ctx.outOfTurn` for its patients. */
function planSpecialty(ctx: Prepared, pats: number[], slotList: number[]): void {
  const { slots, model, slotDay, slotOrder, rank } = ctx;
  if (slotList.length === 0) return;

  // Dates of the specialty.
  const dayList = Array.from(new Set(Array.from(slotList, (s) => slotDay[s]!))).sort((a, b) => a - b);
  const T = dayList.length;
  const d0 = dayList[0]!;
  const dayIndex = new Int32Array(dayList[T - 1]! - d0 + 1).fill(-1);
  for (let t = 0; t < T; t++) dayIndex[dayList[t]! - d0] = t;

  // Clinicians: 0 is "none".
  const clinIndex = new Map<number, number>();
  const clinOf = (id: number): number => {
    if (id < 0) return 0;
    let c = clinIndex.get(id);
    if (c === undefined) {
      c = clinIndex.size + 1;
      clinIndex.set(id, c);
    }
    return c;
  };

  // Cells: (slot type, clinician, date) and their places.
  const cellOfKey = new Map<number, number>();
  const cellType: number[] = [];
  const cellClin: number[] = [];
  const cellT: number[] = [];
  const cellCap: number[] = [];
  const cellSlots: number[][] = [];
  const slotCell = ctx.slotCell;
  for (const s of slotList) {
    const slot = slots[s]!;
    const type = SLOT_TYPE_INDEX[slot.slotType];
    const clin = clinOf(ctx.slotClin[s]!);
    const t = dayIndex[slotDay[s]! - d0]!;
    const key = (clin * 8 + type) * 8192 + t;
    let cell = cellOfKey.get(key);
    if (cell === undefined) {
      cell = cellType.length;
      cellOfKey.set(key, cell);
      cellType.push(type);
      cellClin.push(clin);
      cellT.push(t);
      cellCap.push(0);
      cellSlots.push([]);
    }
    cellCap[cell]! += slot.capacity;
    cellSlots[cell]!.push(s);
    slotCell[s] = cell;
  }
  const nCells = cellType.length;
  for (const list of cellSlots) list.sort((a, b) => slotOrder[a]! - slotOrder[b]!);
  const cellsByT: number[][] = Array.from({ length: T }, () => []);
  for (let c = 0; c < nCells; c++) cellsByT[cellT[c]!]!.push(c);

  // Profiles.
  const profileOfKey = new Map<number, number>();
  const profiles: Profile[] = [];
  const nPats = pats.length;
  const profOf = new Int32Array(nPats);
  for (let i = 0; i < nPats; i++) {
    const p = pats[i]!;
    const mask = ctx.typeMask[p]!;
    const clin = clinOf(ctx.patClin[p]!);
    const key = clin * 64 + mask;
    let pr = profileOfKey.get(key);
    if (pr === undefined) {
      pr = profiles.length;
      profileOfKey.set(key, pr);
      const prof: Profile = {
        posDay: [],
        posT: [],
        cellsAt: [],
        chainEnds: [],
        chainNode: new Map(),
        chainBase: 0,
        chainCellBase: 0,
        treeIntervals: [],
        bounds: [],
        treeLo: [],
        treeHi: [],
        treeLeft: [],
        treeBase: 0,
      };
      for (let t = 0; t < T; t++) {
        const usable = cellsByT[t]!.filter(
          (c) =>
            (mask & (1 << cellType[c]!)) !== 0 && (cellClin[c] === 0 || clin === 0 || cellClin[c] === clin),
        );
        if (usable.length > 0) {
          prof.posDay.push(dayList[t]!);
          prof.posT.push(t);
          prof.cellsAt.push(usable);
        }
      }
      profiles.push(prof);
    }
    profOf[i] = pr;
  }
  const posOfT = profiles.map((prof) => {
    const a = new Int32Array(T).fill(-1);
    prof.posT.forEach((t, pos) => (a[t] = pos));
    return a;
  });
  // For each profile and day d0 … last day + 1, the first position on or after that day.
  const span = dayList[T - 1]! - d0 + 2;
  const firstPosFrom = profiles.map((prof) => {
    const a = new Int32Array(span);
    let pos = 0;
    for (let d = 0; d < span; d++) {
      while (pos < prof.posDay.length && prof.posDay[pos]! < d0 + d) pos++;
      a[d] = pos;
    }
    return a;
  });

  // Classes. Only cost differences between a patient's options matter, so costs are taken relative to the
  // patient's cost at the profile's first date (its base); the bases are added back to check the plan.
  const bp = createBreakpoints();
  const classes: PatientClass[] = [];
  const classOfHash = new Map<number, number[]>();
  const classOf = new Int32Array(nPats).fill(-1);
  const boundPos: number[] = [];
  const boundW: number[] = [];
  const unbookedW = model.weights.unbooked;
  const chainEndSets = profiles.map(() => new Set<number>());
  let baseTotal = 0;
  for (let i = 0; i < nPats; i++) {
    const p = pats[i]!;
    const pi = profOf[i]!;
    const prof = profiles[pi]!;
    const posDay = prof.posDay;
    const P = posDay.length;
    if (P === 0) continue;
    // Unavailable position ranges, merged.
    let unav: number[] | null = null;
    const u = ctx.unavailable[p];
    if (u !== null && u !== undefined) {
      const ranges: [number, number][] = [];
      for (let k = 0; k < u.length; k += 2) {
        const a = lowerBound(posDay, u[k]!);
        const b = upperBound(posDay, u[k + 1]!) - 1;
        if (a <= b) ranges.push([a, b]);
      }
      if (ranges.length > 0) {
        ranges.sort((x, y) => x[0] - y[0]);
        unav = [];
        for (const [a, b] of ranges) {
          const last = unav.length - 1;
          if (last > 0 && a <= unav[last]! + 1) unav[last] = Math.max(unav[last]!, b);
          else unav.push(a, b);
        }
      }
    }
    let firstFree = 0;
    if (unav !== null) {
      for (let k = 0; k < unav.length; k += 2) {
        if (unav[k]! <= firstFree) firstFree = Math.max(firstFree, unav[k + 1]! + 1);
      }
      if (firstFree >= P) continue; // unavailable on every date the profile could use
    }
    ctx.earliestDay[p] = posDay[firstFree]!;

    fillBreakpoints(ctx.clockDay[p]!, ctx.refDay[p]!, ctx.prio[p]!, model, bp);
    let base = 0;
    let nb = 0;
    const fp = firstPosFrom[pi]!;
    for (let k = 0; k < bp.count; k++) {
      const w = bp.weight[k]!;
      if (w === 0) continue;
      const b = bp.day[k]!;
      const pos = b <= d0 ? 0 : b - d0 >= span ? P : fp[b - d0]!;
      if (pos === 0) base += w;
      else if (pos < P) {
        // Sorted by position, equal positions merged (at most six).
        let j = 0;
        while (j < nb && boundPos[j]! < pos) j++;
        if (j < nb && boundPos[j] === pos) boundW[j]! += w;
        else {
          for (let x = nb; x > j; x--) {
            boundPos[x] = boundPos[x - 1]!;
            boundW[x] = boundW[x - 1]!;
          }
          boundPos[j] = pos;
          boundW[j] = w;
          nb++;
        }
      }
    }
    const unbooked = costOnDay(bp, ctx.endDay) + unbookedW - base;
    baseTotal += base;
    const bucket = Math.floor((i * TURN_BUCKETS) / nPats);
    // Class key: a 32-bit hash of everything that defines the class, checked field by field.
    let h =
      Math.imul(pi + 1, 0x9e3779b1) ^
      Math.imul(bucket + 7, 0x85ebca77) ^
      Math.imul(unbooked + 13, 0xc2b2ae3d);
    for (let j = 0; j < nb; j++) h = Math.imul(h ^ (boundPos[j]! * 1000003 + boundW[j]!), 0x27d4eb2f) + j;
    if (unav !== null) for (const x of unav) h = Math.imul(h ^ (x + 99991), 0x165667b1);
    let ci = -1;
    const candidates = classOfHash.get(h);
    if (candidates !== undefined) {
      for (const c of candidates) {
        const cl = classes[c]!;
        if (
          cl.profile !== pi ||
          cl.bucket !== bucket ||
          cl.unbooked !== unbooked ||
          cl.start.length !== nb + 1
        )
          continue;
        let same = true;
        for (let j = 0; j < nb && same; j++)
          same = cl.start[j + 1] === boundPos[j] && cl.rel[j + 1]! - cl.rel[j]! === boundW[j];
        if (!same) continue;
        if ((cl.unav === null) !== (unav === null)) continue;
        if (unav !== null && cl.unav!.join(',') !== unav.join(',')) continue;
        ci = c;
        break;
      }
    }
    if (ci < 0) {
      ci = classes.length;
      if (candidates === undefined) classOfHash.set(h, [ci]);
      else candidates.push(ci);
      const start = [0];
      const rel = [0];
      let c = 0;
      for (let j = 0; j < nb; j++) {
        c += boundW[j]!;
        start.push(boundPos[j]!);
        rel.push(c);
      }
      // Entries: each piece's last position through the chain, or, around unavailable periods, the
      // stretches the patient can attend (through the chain when nothing before is unavailable).
      const entries: number[] = [];
      const ends = chainEndSets[pi]!;
      for (let k = 0; k < start.length; k++) {
        const lo = start[k]!;
        const hi = k + 1 < start.length ? start[k + 1]! - 1 : P - 1;
        if (unav === null) {
          entries.push(0, 0, hi, rel[k]!);
          ends.add(hi);
          continue;
        }
        let a = lo;
        const firstUnav = unav[0]!;
        for (let r = 0; r <= unav.length; r += 2) {
          const ua = r < unav.length ? unav[r]! : P;
          const ub = r < unav.length ? unav[r + 1]! : P;
          const b = Math.min(hi, ua - 1);
          if (a <= b) {
            if (b < firstUnav) {
              entries.push(0, 0, b, rel[k]!);
              ends.add(b);
            } else {
              entries.push(1, a, b, rel[k]!);
              prof.treeIntervals.push(a, b);
            }
          }
          a = Math.max(a, ub + 1);
          if (a > hi) break;
        }
      }
      classes.push({
        profile: pi,
        bucket,
        unbooked,
        start,
        rel,
        unav,
        entries,
        members: [],
        node: 0,
        unbookedArc: 0,
      });
    }
    classes[ci]!.members.push(p);
    classOf[i] = ci;
  }
  if (classes.length === 0) return;

  // Node numbering: sink, classes, cells, then each profile's chain and segment tree.
  const SINK = 0;
  let nodes = 1;
  for (const cl of classes) cl.node = nodes++;
  const cellBase = nodes;
  nodes += nCells;
  profiles.forEach((prof, pi) => {
    prof.chainEnds = Array.from(chainEndSets[pi]!).sort((a, b) => a - b);
    prof.chainBase = nodes;
    prof.chainEnds.forEach((e, k) => prof.chainNode.set(e, nodes + k));
    nodes += prof.chainEnds.length;
    const iv = prof.treeIntervals;
    if (iv.length === 0) return;
    const cuts = new Set<number>();
    for (let k = 0; k < iv.length; k += 2) {
      cuts.add(iv[k]!);
      cuts.add(iv[k + 1]! + 1);
    }
    prof.bounds = Array.from(cuts).sort((a, b) => a - b);
    const build = (lo: number, hi: number): number => {
      const id = prof.treeLo.length;
      prof.treeLo.push(lo);
      prof.treeHi.push(hi);
      prof.treeLeft.push(-1);
      if (lo < hi) {
        const mid = (lo + hi) >> 1;
        prof.treeLeft[id] = build(lo, mid);
        build(mid + 1, hi); // the right child is always the next subtree after the left one
      }
      return id;
    };
    build(0, prof.bounds.length - 2);
    prof.treeBase = nodes;
    nodes += prof.treeLo.length;
  });

  // Tie-breaks below one point of cost: on the arcs into the sink only, leaving an earlier turn bucket
  // unbooked costs more (TURN_BUCKETS − bucket) and a later date costs more (its date index). A simple cycle
  // of the flow passes the sink once, so it meets at most two such arcs; scaling every cost by more than
  // twice the largest tie-break keeps the weighted optimum intact (costs are whole points).
  const scale = 2 * (TURN_BUCKETS + T) + 1;
  const g = new MinCostFlow(nodes, nodes * 4);
  let total = 0;
  for (const cl of classes) {
    g.setSupply(cl.node, cl.members.length);
    total += cl.members.length;
  }
  g.setSupply(SINK, -total);
  // The warm-start tree, rooted at the sink (a strongly feasible basis, see MinCostFlow.solve): cells hang
  // from their arc to the sink; chain nodes from the arc to the cell with the most places they serve, tree
  // nodes from any arc towards the cells, both carrying no flow; classes, most valuable first, from an entry
  // whose chain cell still has room strictly below capacity (a crash start), the rest from "unbooked".
  const parentArc = new Int32Array(nodes).fill(-1);
  for (let c = 0; c < nCells; c++) {
    parentArc[cellBase + c] = g.addArc(cellBase + c, SINK, cellCap[c]!, cellT[c]!);
  }
  const hang = (node: number, arc: number) => {
    if (parentArc[node] === -1) parentArc[node] = arc;
  };
  const room = Float64Array.from(cellCap, (c) => c - 1);
  let chainCells = 0;
  for (const prof of profiles) {
    prof.chainCellBase = chainCells;
    chainCells += prof.chainEnds.length;
  }
  /** The cell each chain node hangs from. */
  const hangCell = new Int32Array(chainCells).fill(-1);

  // Arcs into cells, per profile, as [arc, position, cell] triples.
  const outArcs: number[][] = profiles.map(() => []);
  const treeRight = (prof: Profile, id: number): number => {
    // In the pre-order layout the right child follows the whole left subtree.
    const left = prof.treeLeft[id]!;
    const leftSize = 2 * (prof.treeHi[left]! - prof.treeLo[left]! + 1) - 1;
    return left + leftSize;
  };
  profiles.forEach((prof, pi) => {
    const out = outArcs[pi]!;
    const ends = prof.chainEnds;
    for (let k = 0; k < ends.length; k++) {
      const node = prof.chainBase + k;
      if (k > 0) g.addArc(node, node - 1, Infinity, 0);
      const h = prof.chainCellBase + k;
      for (let pos = k > 0 ? ends[k - 1]! + 1 : 0; pos <= ends[k]!; pos++) {
        for (const c of prof.cellsAt[pos]!) {
          const arc = g.addArc(node, cellBase + c, Infinity, 0);
          if (hangCell[h] === -1 || room[c]! > room[hangCell[h]!]!) {
            parentArc[node] = arc;
            hangCell[h] = c;
          }
          out.push(arc, pos, c);
        }
      }
    }
    for (let id = 0; id < prof.treeLo.length; id++) {
      const node = prof.treeBase + id;
      const left = prof.treeLeft[id]!;
      if (left === -1) {
        const seg = prof.treeLo[id]!;
        for (let pos = prof.bounds[seg]!; pos < prof.bounds[seg + 1]!; pos++) {
          for (const c of prof.cellsAt[pos]!) {
            const arc = g.addArc(node, cellBase + c, Infinity, 0);
            hang(node, arc);
            out.push(arc, pos, c);
          }
        }
      } else {
        hang(node, g.addArc(node, prof.treeBase + left, Infinity, 0));
        g.addArc(node, prof.treeBase + treeRight(prof, id), Infinity, 0);
      }
    }
  });

  // Arcs out of classes: per entry arc its class, the positions [lo, hi] it reaches and its relative cost.
  const entryArc: number[] = [];
  const entryClass: number[] = [];
  const entryLo: number[] = [];
  const entryHi: number[] = [];
  const entryCost: number[] = [];
  const entryKind: number[] = [];
  const firstEntry: number[] = [];
  const cover: number[] = [];
  const coverWalk = (prof: Profile, id: number, a: number, b: number): void => {
    const lo = prof.treeLo[id]!;
    const hi = prof.treeHi[id]!;
    if (hi < a || lo > b) return;
    if (a <= lo && hi <= b) {
      cover.push(id);
      return;
    }
    coverWalk(prof, prof.treeLeft[id]!, a, b);
    coverWalk(prof, treeRight(prof, id), a, b);
  };
  classes.forEach((cl, ci) => {
    const prof = profiles[cl.profile]!;
    firstEntry.push(entryArc.length);
    cl.unbookedArc = g.addArc(cl.node, SINK, Infinity, cl.unbooked * scale + (TURN_BUCKETS - cl.bucket));
    parentArc[cl.node] = cl.unbookedArc;
    const en = cl.entries;
    for (let k = 0; k < en.length; k += 4) {
      const lo = en[k + 1]!;
      const hi = en[k + 2]!;
      const cost = en[k + 3]!;
      if (en[k] === 0) {
        entryArc.push(g.addArc(cl.node, prof.chainNode.get(hi)!, Infinity, cost * scale));
        entryKind.push(0);
        entryClass.push(ci);
        entryLo.push(0);
        entryHi.push(hi);
        entryCost.push(cost);
        continue;
      }
      cover.length = 0;
      coverWalk(prof, 0, lowerBound(prof.bounds, lo), upperBound(prof.bounds, hi) - 1);
      for (const id of cover) {
        entryArc.push(g.addArc(cl.node, prof.treeBase + id, Infinity, cost * scale));
        entryKind.push(1);
        entryClass.push(ci);
        entryLo.push(prof.bounds[prof.treeLo[id]!]!);
        entryHi.push(prof.bounds[prof.treeHi[id]! + 1]! - 1);
        entryCost.push(cost);
      }
    }
  });

  firstEntry.push(entryArc.length);
  {
    // The crash start (see the warm-start tree above).
    const order = classes.map((_, ci) => ci);
    const bestGain = classes.map((cl) => cl.unbooked - cl.rel[0]!);
    order.sort((a, b) => bestGain[b]! - bestGain[a]!);
    for (const ci of order) {
      const cl = classes[ci]!;
      const supply = cl.members.length;
      for (let e = firstEntry[ci]!; e < firstEntry[ci + 1]!; e++) {
        if (entryLo[e] !== 0 || entryKind[e] !== 0) continue;
        const prof = profiles[cl.profile]!;
        const k = prof.chainNode.get(entryHi[e]!)! - prof.chainBase;
        const c = hangCell[prof.chainCellBase + k]!;
        if (room[c]! >= supply) {
          room[c]! -= supply;
          parentArc[cl.node] = entryArc[e]!;
          break;
        }
      }
    }
  }
  const status = g.solve({ tree: { root: SINK, parentArc } });
  if (status !== 'optimal') throw new Error(`Allocation network could not be solved (${status})`);

  // The flow's optimum in points (bases added back), to check the plan against.
  let modelled = baseTotal;
  for (let e = 0; e < entryArc.length; e++) modelled += g.flow(entryArc[e]!) * entryCost[e]!;
  for (const cl of classes) modelled += g.flow(cl.unbookedArc) * cl.unbooked;

  // From flow to places: per profile, match the units entering it to the places it used, earliest deadline
  // first (exact for intervals on a line: Glover's rule).
  const classPlaces: number[][] = classes.map(() => []);
  const cellCursor = new Int32Array(nCells);
  const cellUsed = new Int32Array(nCells);
  const takePlace = (c: number): number => {
    const list = cellSlots[c]!;
    while (cellUsed[c]! >= slots[list[cellCursor[c]!]!]!.capacity) {
      cellCursor[c]!++;
      cellUsed[c] = 0;
    }
    cellUsed[c]!++;
    return list[cellCursor[c]!]!;
  };
  const unitsByProfile: number[][] = profiles.map(() => []);
  for (let e = 0; e < entryArc.length; e++) {
    if (g.flow(entryArc[e]!) > 0) unitsByProfile[classes[entryClass[e]!]!.profile]!.push(e);
  }
  const left = new Float64Array(entryArc.length);
  const firstRank = (e: number) => rank[classes[entryClass[e]!]!.members[0]!]!;
  const heap = new Heap(
    (x, y) => entryHi[x]! < entryHi[y]! || (entryHi[x] === entryHi[y] && firstRank(x) < firstRank(y)),
  );
  profiles.forEach((prof, pi) => {
    const units = unitsByProfile[pi]!;
    if (units.length === 0) return;
    for (const e of units) left[e] = g.flow(entryArc[e]!);
    units.sort((x, y) => entryLo[x]! - entryLo[y]!);
    const arcs = outArcs[pi]!;
    const byPos: [number, number][][] = prof.posDay.map(() => []);
    for (let k = 0; k < arcs.length; k += 3) {
      const f = g.flow(arcs[k]!);
      if (f > 0) byPos[arcs[k + 1]!]!.push([arcs[k + 2]!, f]);
    }
    let next = 0;
    for (let pos = 0; pos < byPos.length; pos++) {
      const list = byPos[pos]!;
      if (list.length === 0) continue;
      while (next < units.length && entryLo[units[next]!]! <= pos) heap.push(units[next++]!);
      for (const [cell, f] of list) {
        let need = f;
        while (need > 0) {
          if (heap.size === 0) throw new Error('Allocation: flow decomposition failed (no unit)');
          const e = heap.peek();
          if (entryHi[e]! < pos) throw new Error('Allocation: flow decomposition failed (deadline)');
          const have = left[e]!;
          const k = Math.min(have, need);
          const places = classPlaces[entryClass[e]!]!;
          for (let j = 0; j < k; j++) places.push(takePlace(cell));
          need -= k;
          if (have === k) heap.pop();
          else left[e] = have - k;
        }
      }
    }
    if (heap.size > 0 || next < units.length)
      throw new Error('Allocation: flow decomposition failed (units)');
  });

  // Within a class the first in turn take the places, earliest first.
  classes.forEach((cl, ci) => {
    const places = classPlaces[ci]!.sort((a, b) => slotOrder[a]! - slotOrder[b]!);
    if (places.length + g.flow(cl.unbookedArc) !== cl.members.length) {
      throw new Error('Allocation: flow decomposition failed (class balance)');
    }
    for (let j = 0; j < places.length; j++) ctx.slotOf[cl.members[j]!] = places[j]!;
  });

  // Re-deal the dates in turn within each profile (patients without unavailable periods): each patient in
  // turn takes the earliest place that leaves everyone a place no later than their current piece's end.
  const groupMembers: number[][] = profiles.map(() => []);
  for (let i = 0; i < nPats; i++) {
    const ci = classOf[i]!;
    if (ci < 0 || classes[ci]!.unav !== null) continue;
    if (ctx.slotOf[pats[i]!]! >= 0) groupMembers[profOf[i]!]!.push(i);
  }
  profiles.forEach((prof, pi) => {
    const members = groupMembers[pi]!;
    if (members.length < 2) return;
    const P = prof.posDay.length;
    const placesAt: number[][] = Array.from({ length: P }, () => []);
    const deadline = new Int32Array(members.length);
    const due = new Int32Array(P);
    for (let k = 0; k < members.length; k++) {
      const i = members[k]!;
      const s = ctx.slotOf[pats[i]!]!;
      const pos = posOfT[pi]![dayIndex[slotDay[s]! - d0]!]!;
      placesAt[pos]!.push(s);
      const cl = classes[classOf[i]!]!;
      let piece = cl.start.length - 1;
      while (cl.start[piece]! > pos) piece--;
      const dl = piece + 1 < cl.start.length ? cl.start[piece + 1]! - 1 : P - 1;
      deadline[k] = dl;
      due[dl]!++;
    }
    for (const list of placesAt) list.sort((a, b) => slotOrder[b]! - slotOrder[a]!); // pop() is the earliest
    // slack[t] = places at positions ≤ t − patients due by t: Hall's condition, never negative.
    const slack = new Int32Array(P);
    let run = 0;
    for (let t = 0; t < P; t++) {
      run += placesAt[t]!.length - due[t]!;
      slack[t] = run;
    }
    for (let k = 0; k < members.length; k++) {
      const dl = deadline[k]!;
      let t = dl;
      while (t > 0 && slack[t - 1]! >= 1) t--;
      while (t <= dl && placesAt[t]!.length === 0) t++;
      if (t > dl) throw new Error('Allocation: in-turn re-deal failed');
      ctx.slotOf[pats[members[k]!]!] = placesAt[t]!.pop()!;
      for (let x = t; x < dl; x++) slack[x]!--;
    }
  });

  // The plan must cost exactly the flow's optimum.
  let planned = 0;
  for (let i = 0; i < nPats; i++) {
    const ci = classOf[i]!;
    if (ci < 0) continue;
    const p = pats[i]!;
    fillBreakpoints(ctx.clockDay[p]!, ctx.refDay[p]!, ctx.prio[p]!, model, bp);
    const s = ctx.slotOf[p]!;
    planned += s < 0 ? costOnDay(bp, ctx.endDay) + unbookedW : costOnDay(bp, slotDay[s]!);
  }
  if (planned !== modelled) throw new Error(`Allocation: plan cost ${planned} ≠ optimum ${modelled}`);

  // Out of turn: per profile and position, the earliest turn among its members who could attend then and
  // are booked later or not at all. A booking is out of turn when a profile that may use its cell has such
  // a member ahead of the booked patient.
  const later = profiles.map((prof) => new Float64Array(prof.posDay.length).fill(Infinity));
  const laterUnav = profiles.map((prof) => new Float64Array(prof.posDay.length).fill(Infinity));
  for (let i = 0; i < nPats; i++) {
    const ci = classOf[i]!;
    if (ci < 0) continue;
    const p = pats[i]!;
    const pi = profOf[i]!;
    const P = profiles[pi]!.posDay.length;
    const s = ctx.slotOf[p]!;
    const bookedPos = s < 0 ? P : posOfT[pi]![dayIndex[slotDay[s]! - d0]!]!;
    const r = rank[p]!;
    const unav = classes[ci]!.unav;
    if (unav === null) {
      // Written at bookedPos − 1; the suffix minimum below spreads it to earlier positions.
      const l = later[pi]!;
      if (bookedPos > 0 && r < l[bookedPos - 1]!) l[bookedPos - 1] = r;
      continue;
    }
    const l = laterUnav[pi]!;
    let k = 0;
    for (let pos = 0; pos < bookedPos; pos++) {
      while (k < unav.length && unav[k + 1]! < pos) k += 2;
      if (!(k < unav.length && unav[k]! <= pos) && r < l[pos]!) l[pos] = r;
    }
  }
  later.forEach((l, pi) => {
    const lu = laterUnav[pi]!;
    for (let pos = l.length - 2; pos >= 0; pos--) if (l[pos + 1]! < l[pos]!) l[pos] = l[pos + 1]!;
    for (let pos = 0; pos < l.length; pos++) if (lu[pos]! < l[pos]!) l[pos] = lu[pos]!;
  });
  const cellProfiles: number[][] = Array.from({ length: nCells }, () => []);
  profiles.forEach((prof, pi) => {
    prof.cellsAt.forEach((cells, pos) => {
      for (const c of cells) cellProfiles[c]!.push(pi, pos);
    });
  });
  for (let i = 0; i < nPats; i++) {
    const p = pats[i]!;
    const s = ctx.slotOf[p]!;
    if (s < 0) continue;
    const list = cellProfiles[slotCell[s]!]!;
    const r = rank[p]!;
    for (let k = 0; k < list.length; k += 2) {
      if (later[list[k]!]![list[k + 1]!]! < r) {
        ctx.outOfTurn[p] = 1;
        break;
      }
    }
  }
}

/** The breach kinds of each bit mask (bit k = BREACH_KIND_LIST[k]), shared and frozen. */
const KIND_LISTS: readonly (readonly BreachKind[])[] = Array.from(
  { length: 1 << BREACH_KIND_LIST.length },
  (_, mask) => Object.freeze(BREACH_KIND_LIST.filter((_, k) => (mask & (1 << k)) !== 0)),
);

function emptyCounts(): Record<BreachKind, number> {
  return {
    '18-week': 0,
    '52-week': 0,
    '65-week': 0,
    '78-week': 0,
    '104-week': 0,
    'priority-target': 0,
  };
}

/**
 * The allocation plan for `input` (see the module comment): who is booked where, who is not and why, who
 * still breaches and why, and the minimal total weighted cost. Throws a RangeError for invalid input
 * (duplicate pathway or slot ids, bad dates, unknown slot types or priorities, bad weights or horizon).
 */
export function allocate(input: AllocateInput): AllocationPlan {
  const ctx = prepare(input);
  const { patients, slots, slotDay, model } = ctx;

  const nSpec = ctx.specialties.length;
  const slotLists: number[][] = Array.from({ length: nSpec }, () => []);
  let slotCount = 0;
  let places = 0;
  for (let s = 0; s < slots.length; s++) {
    const d = slotDay[s]!;
    const capacity = slots[s]!.capacity;
    if (capacity === 0 || d < ctx.firstDay || d >= ctx.endDay) continue;
    slotCount++;
    places += capacity;
    slotLists[ctx.slotSpec[s]!]!.push(s);
  }
  // Patients by specialty, in turn order.
  const patLists: number[][] = Array.from({ length: nSpec }, () => []);
  for (const p of ctx.order) patLists[ctx.patSpec[p]!]!.push(p);
  // Specialties are independent; the smallest go first, so the engine's code is warm for the largest.
  const bySize = Array.from({ length: nSpec }, (_, k) => k).sort(
    (a, b) => patLists[a]!.length + slotLists[a]!.length - (patLists[b]!.length + slotLists[b]!.length),
  );
  for (const k of bySize) if (patLists[k]!.length > 0) planSpecialty(ctx, patLists[k]!, slotLists[k]!);

  const bp = createBreakpoints();
  const booked: number[] = [];
  const unassigned: UnassignedPatient[] = [];
  const stillBreaching: StillBreaching[] = [];
  const breachCounts = new Float64Array(BREACH_KIND_LIST.length);
  const avoidedCounts = new Float64Array(BREACH_KIND_LIST.length);
  const breachMask = new Uint8Array(patients.length);
  const avoidedMask = new Uint8Array(patients.length);
  let objective = 0;
  for (const p of ctx.order) {
    const pathwayId = ctx.ids[p]!;
    fillBreakpoints(ctx.clockDay[p]!, ctx.refDay[p]!, ctx.prio[p]!, model, bp);
    const s = ctx.slotOf[p]!;
    const isBooked = s >= 0;
    const day = isBooked ? slotDay[s]! : ctx.endDay;
    let breaches = 0;
    let avoided = 0;
    for (let k = 0; k < bp.count; k++) {
      const b = bp.day[k]!;
      const kind = bp.kind[k]!;
      if (day >= b) {
        breaches |= 1 << kind;
        breachCounts[kind]!++;
        objective += bp.weight[k]!;
      } else if (isBooked && b <= ctx.endDay) {
        avoided |= 1 << kind;
        avoidedCounts[kind]!++;
      }
    }
    if (isBooked) {
      booked.push(p);
      breachMask[p] = breaches;
      avoidedMask[p] = avoided;
    } else {
      objective += model.weights.unbooked;
      unassigned.push({
        pathwayId,
        reason: Number.isNaN(ctx.earliestDay[p]!) ? 'no-eligible-slot' : 'capacity',
      });
    }
    if (breaches !== 0) {
      // A breach an eligible slot could have avoided lost out on capacity; one that no eligible slot came
      // before had no slot in time; one before the first usable day had already happened.
      const earliest = ctx.earliestDay[p]!;
      let why: StillBreachingReason = 'already-breached';
      for (let k = 0; k < bp.count; k++) {
        const b = bp.day[k]!;
        if (b > day || b <= ctx.firstDay) continue;
        if (!Number.isNaN(earliest) && earliest < b) {
          why = 'capacity';
          break;
        }
        why = 'no-eligible-slot-in-time';
      }
      stillBreaching.push({
        pathwayId,
        breaches: KIND_LISTS[breaches]!,
        booked: isBooked,
        why,
      });
    }
  }
  // Assignments in slot order (date, start, slot id), then turn.
  const n = patients.length;
  const keys = new Float64Array(booked.length);
  for (let k = 0; k < booked.length; k++)
    keys[k] = ctx.slotOrder[ctx.slotOf[booked[k]!]!]! * n + ctx.rank[booked[k]!]!;
  keys.sort();
  let reasonable = 0;
  let outOfTurn = 0;
  const assignments: PlannedAssignment[] = new Array<PlannedAssignment>(booked.length);
  for (let k = 0; k < keys.length; k++) {
    const p = ctx.order[keys[k]! % n]!;
    const s = ctx.slotOf[p]!;
    const slot = slots[s]!;
    const notice = slotDay[s]! - ctx.todayDay;
    const ok = notice >= REASONABLE_OFFER_MIN_DAYS;
    if (ok) reasonable++;
    const oot = ctx.outOfTurn[p] === 1;
    if (oot) outOfTurn++;
    assignments[k] = {
      pathwayId: ctx.ids[p]!,
      slotId: slot.slotId,
      date: slot.date,
      startsAt: slot.startsAt,
      noticeDays: notice,
      reasonableOffer: ok,
      breachesAvoided: KIND_LISTS[avoidedMask[p]!]!,
      breaches: KIND_LISTS[breachMask[p]!]!,
      outOfTurn: oot,
    };
  }
  const countsOf = (a: Float64Array): Record<BreachKind, number> => {
    const out = emptyCounts();
    BREACH_KIND_LIST.forEach((kind, k) => (out[kind] = a[k]!));
    return out;
  };
  return {
    assignments,
    unassigned,
    stillBreaching,
    objective,
    counts: {
      patients: patients.length,
      slots: slotCount,
      places,
      booked: assignments.length,
      unassigned: unassigned.length,
      reasonableOffers: reasonable,
      outOfTurn,
      breaches: countsOf(breachCounts),
      breachesAvoided: countsOf(avoidedCounts),
    },
  };
}

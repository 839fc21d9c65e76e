/**
 * The breach forecast's simulation (issue 7, part 2): seeded Monte Carlo runs of the waiting list, week by
 * week over the horizon.
 *
 * Each week, in this order:
 * 1. patients whose unavailability ends, and patients to be rebooked after last week's cancellation or
 *    DNA, rejoin the queue at their place in turn;
 * 2. the existing bookings of the week happen: a booking is cancelled by the hospital with the cancellation
 *    rate, else the patient does not attend with the DNA rate, else the patient is seen on the booked day.
 *    Cancelled and DNA patients are rebooked (they rejoin the queue next week, keeping their clock: the
 *    access policy may nullify a first-appointment DNA, which the forecast does not model);
 * 3. the week's free places are filled in `SLOT_FILL_ORDER`, each by the first eligible patient in turn
 *    (clinical priority, then the earliest clock start, then referral, then pathway id: `compareInTurn`);
 *    the k-th of c places of the week falls on day ⌊7k/c⌋ of it. The booking then happens as in step 2;
 * 4. new referrals arrive (Poisson for each demand stream, on uniformly drawn days of the week) and join the
 *    queue at the end of the week;
 * 5. the census (the day after the week) counts the list and the long waiters.
 *
 * Cost per run: O(pathways + places + arrivals) with a queue per class (a run of consecutive internal numbers
 * in turn order) and a binary heap per class for the patients who rejoin, and no allocation per pathway: the
 * run state is a set of typed arrays allocated once per call.
 *
 * Randomness: run r uses keys derived from (seed, r) only. A patient's attendance on their k-th booking is a
 * keyed draw of (run, patient, k), and arrivals come from their own stream, so the runs of one call equal
 * the same runs of any split (`runOffset`), and what-if scenarios share their random numbers.
 */
import { SLOT_TYPES } from '../clinics/types';
import { breachDay } from '../rtt/measures';
import { FORECAST_THRESHOLD_WEEKS, FORECAST_NO_DAY, SLOT_FILL_ORDER, type ForecastModel } from './model';
import { SeededRandom, keyedUniform, streamKey } from './random';

/** The weekly figures each run records (sums over runs are kept, and sums of squares). */
export const FORECAST_WEEKLY_METRICS = [
  /** Appointments attended in the week (patients on the list now and new referrals). */
  'seen',
  /** Open pathways at the census. */
  'waiting',
  /** Open pathways over 18, 52, 65, 78 weeks at the census. */
  'over18',
  'over52',
  'over65',
  'over78',
  'arrivals',
  /** Free places nobody eligible was waiting for. */
  'unusedPlaces',
  'dna',
  'cancelled',
] as const;
export type ForecastWeeklyMetric = (typeof FORECAST_WEEKLY_METRICS)[number];
const M_SEEN = 0;
const M_WAITING = 1;
const M_OVER = 2;
const M_ARRIVALS = 6;
const M_UNUSED = 7;
const M_DNA = 8;
const M_CANCELLED = 9;
const METRICS = FORECAST_WEEKLY_METRICS.length;
const K = FORECAST_THRESHOLD_WEEKS.length;
const T = SLOT_TYPES.length;
const FILL = SLOT_FILL_ORDER.map((t) => SLOT_TYPES.indexOf(t));
// Module-local copies of what the hot loop reads: when a loader compiles the modules to CommonJS (tsx does,
// under a CommonJS entry point), imported bindings become getter calls, measured at a fifth of the run time.
const NONE = FORECAST_NO_DAY;
/** Days from the clock start to the first day over each threshold (`breachDay(0, weeks)`). */
const BREACH_OFFSET = Int32Array.from(FORECAST_THRESHOLD_WEEKS, (weeks) => breachDay(0, weeks));
const uniform = keyedUniform;
/** Weeks from the first threshold to each threshold. */
const WEEKS_AFTER_FIRST = Int32Array.from(
  FORECAST_THRESHOLD_WEEKS,
  (weeks) => weeks - FORECAST_THRESHOLD_WEEKS[0],
);

/** `overBucket` of the model, inlined: the census week a clock is first over a threshold. */
function bucketOf(clock: number, j: number, asOf: number, H: number): number {
  const b = Math.ceil((clock + BREACH_OFFSET[j]! - asOf) / 7) - 1;
  return b < 0 ? 0 : b > H ? H : b;
}
/** Arrival keys: n + (day of the horizon) × 2²⁰ + sequence within the week. */
const DAY_SHIFT = 0x10_0000;

/**
 * Most runs one set of counts may hold (merged or not): the per-pathway counters are 16-bit, which halves the
 * memory the tally streams through (and the size of what a worker posts back). 6 × 10,000 fits in 16 bits.
 */
export const MAX_FORECAST_RUNS = 10_000;

export interface SimulateOptions {
  seed: number;
  runs: number;
  /** Index of the first run (default 0): runs `runOffset … runOffset + runs − 1` are simulated. */
  runOffset?: number;
}

/** Results of some runs, to be merged with other runs of the same model and seed. */
export interface ForecastCounts {
  readonly seed: number;
  readonly horizonWeeks: number;
  readonly pathwayCount: number;
  readonly runs: number;
  /** The runs counted, as sorted disjoint half-open ranges [from, to). */
  readonly runRanges: readonly (readonly [number, number])[];
  /** Per pathway, runs in which it was seen in week w (index i × (H + 1) + w); w = H: not seen in the horizon. */
  readonly seenWeek: Uint16Array;
  /** Per pathway and week (index i × H + w), the sum over those runs of the day seen within the week (0–6). */
  readonly seenDaySum: Uint16Array;
  /** Per pathway, runs in which it passed each threshold before being seen (index i × 4 + j). */
  readonly passed: Uint16Array;
  /** Per metric and week (index m × H + w): the sum over runs, and the sum of squares. */
  readonly weeklySum: Float64Array;
  readonly weeklySumSquares: Float64Array;
}

function checkOptions(options: SimulateOptions): { seed: number; runs: number; runOffset: number } {
  const runOffset = options.runOffset ?? 0;
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`The seed must be a safe integer`);
  if (!Number.isInteger(options.runs) || options.runs < 0 || options.runs > MAX_FORECAST_RUNS) {
    throw new RangeError(`runs must be a whole number from 0 to ${MAX_FORECAST_RUNS}`);
  }
  if (!Number.isInteger(runOffset) || runOffset < 0 || runOffset + options.runs > 0xffff_ffff) {
    throw new RangeError('runOffset must be a whole number ≥ 0 (and runOffset + runs < 2³²)');
  }
  return { seed: options.seed, runs: options.runs, runOffset };
}

/** Empty counts (no runs) for a model. */
export function emptyForecastCounts(model: ForecastModel, seed: number): ForecastCounts {
  const H = model.horizonWeeks;
  return {
    seed,
    horizonWeeks: H,
    pathwayCount: model.pathwayCount,
    runs: 0,
    runRanges: [],
    seenWeek: new Uint16Array(model.pathwayCount * (H + 1)),
    seenDaySum: new Uint16Array(model.pathwayCount * H),
    passed: new Uint16Array(model.pathwayCount * K),
    weeklySum: new Float64Array(METRICS * H),
    weeklySumSquares: new Float64Array(METRICS * H),
  };
}

function mergeRanges(
  a: readonly (readonly [number, number])[],
  b: readonly (readonly [number, number])[],
): [number, number][] {
  const all = [...a, ...b].map(([f, t]) => [f, t] as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [f, t] of all) {
    const last = out[out.length - 1];
    if (last !== undefined && f < last[1]) throw new RangeError(`Run ${f} is counted twice`);
    if (last !== undefined && f === last[1]) last[1] = t;
    else out.push([f, t]);
  }
  return out;
}

/** Adds the counts of disjoint runs of the same model and seed (e.g. from worker threads). */
export function mergeForecastCounts(a: ForecastCounts, b: ForecastCounts): ForecastCounts {
  if (a.seed !== b.seed || a.horizonWeeks !== b.horizonWeeks || a.pathwayCount !== b.pathwayCount) {
    throw new RangeError('Only counts of the same model and seed can be merged');
  }
  if (a.runs + b.runs > MAX_FORECAST_RUNS)
    throw new RangeError(`At most ${MAX_FORECAST_RUNS} runs in one count`);
  const add = <A extends Uint16Array | Float64Array>(x: A, y: A): A => {
    const out = x.slice() as A;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + y[i]!;
    return out;
  };
  return {
    seed: a.seed,
    horizonWeeks: a.horizonWeeks,
    pathwayCount: a.pathwayCount,
    runs: a.runs + b.runs,
    runRanges: mergeRanges(a.runRanges, b.runRanges),
    seenWeek: add(a.seenWeek, b.seenWeek),
    seenDaySum: add(a.seenDaySum, b.seenDaySum),
    passed: add(a.passed, b.passed),
    weeklySum: add(a.weeklySum, b.weeklySum),
    weeklySumSquares: add(a.weeklySumSquares, b.weeklySumSquares),
  };
}

/** Runs the simulation (see the module comment) and returns mergeable counts. */
export function simulateForecast(model: ForecastModel, options: SimulateOptions): ForecastCounts {
  const { seed, runs, runOffset } = checkOptions(options);
  const counts = emptyForecastCounts(model, seed);
  if (runs === 0) return counts;
  const sim = new Simulation(model);
  const rng = new SeededRandom(seed);
  for (let r = runOffset; r < runOffset + runs; r++) {
    rng.reseed(seed, 2, r);
    sim.run(streamKey(seed, 1, r), rng);
    sim.tally(counts);
  }
  return { ...counts, runs, runRanges: [[runOffset, runOffset + runs]] };
}

/** The state of one run, reused from run to run. Exported for tests only (not from the module's index). */
export class Simulation {
  private readonly m: ForecastModel;
  private readonly n: number;
  private readonly H: number;
  private size: number;
  private link: Int32Array;
  private key: Int32Array;
  private clock: Int32Array;
  private cls: Uint16Array;
  private attempts: Uint16Array;
  private readonly seenDay: Int32Array;
  /** The internal number of each pathway (input index → internal number; see the constructor). */
  private readonly internalOf: Int32Array;
  private readonly initialLink: Int32Array;
  private readonly initialHead: Int32Array;
  private readonly initialTail: Int32Array;
  private readonly initialPending: Int32Array;
  private readonly bookingList: Int32Array;
  private readonly bookedDay: Int32Array;
  private readonly specialty: Uint16Array;
  private readonly availableWeek: Int32Array;
  private readonly heaps: Int32Array[];
  private readonly heapSize: Int32Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly pending: Int32Array;
  private readonly over: Int32Array;
  private readonly weekly: Float64Array;
  private readonly dayCount = new Int32Array(7);
  private count = 0;
  private open = 0;
  private runKey = 0;

  /** `arrivalRoom`: arrivals the arrays hold before they grow (default: six standard deviations above the mean). */
  constructor(model: ForecastModel, arrivalRoom?: number) {
    this.m = model;
    this.n = model.pathwayCount;
    this.H = model.horizonWeeks;
    let expected = 0;
    for (const d of model.demandPerWeek) expected += d * this.H;
    this.size = this.n + Math.max(1, arrivalRoom ?? Math.ceil(expected + 6 * Math.sqrt(expected)) + 64);
    this.link = new Int32Array(this.size);
    this.key = new Int32Array(this.size);
    this.clock = new Int32Array(this.size);
    this.cls = new Uint16Array(this.size);
    this.attempts = new Uint16Array(this.size);
    const n = this.n;
    // Internal numbers: by class, then in turn within the class, so each class's queue is a run of
    // consecutive numbers and taking patients in turn walks the arrays in order.
    const turn = model.turnKey;
    const byTurn = new Int32Array(n);
    for (let i = 0; i < n; i++) byTurn[turn[i]!] = i;
    const classStart = new Int32Array(model.classCount + 1);
    for (let i = 0; i < n; i++) classStart[model.pathwayClass[i]! + 1]!++;
    for (let c = 0; c < model.classCount; c++) classStart[c + 1]! += classStart[c]!;
    const order = new Int32Array(n);
    const internalOf = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const i = byTurn[r]!;
      const k = classStart[model.pathwayClass[i]!]!++;
      order[k] = i;
      internalOf[i] = k;
    }
    const internal = (i: number) => (i < 0 ? -1 : internalOf[i]!);
    this.internalOf = internalOf;
    this.initialLink = new Int32Array(n);
    this.bookedDay = new Int32Array(n);
    this.specialty = new Uint16Array(n);
    this.availableWeek = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      this.key[k] = turn[i]!;
      this.clock[k] = model.clockStart[i]!;
      this.cls[k] = model.pathwayClass[i]!;
      this.initialLink[k] = internal(model.initialLink[i]!);
      this.bookedDay[k] = model.bookedDay[i]!;
      this.specialty[k] = model.specialty[i]!;
      this.availableWeek[k] = model.availableWeek[i]!;
    }
    this.initialHead = model.initialHead.map(internal);
    this.initialTail = model.initialTail.map(internal);
    this.initialPending = model.initialPending.map(internal);
    this.bookingList = model.bookingList.map(internal);
    this.seenDay = new Int32Array(n);
    const C = model.classCount;
    this.heaps = Array.from({ length: C }, () => new Int32Array(16));
    this.heapSize = new Int32Array(C);
    this.head = new Int32Array(C);
    this.tail = new Int32Array(C);
    this.pending = new Int32Array(this.H + 1);
    this.over = new Int32Array(K * (this.H + 1));
    this.weekly = new Float64Array(METRICS * this.H);
  }

  /** Room for more arrivals than expected (rare: six standard deviations above the mean). */
  private grow(): void {
    const size = this.size * 2;
    const resize = <A extends Int32Array | Uint16Array>(a: A, make: (k: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.link = resize(this.link, (k) => new Int32Array(k));
    this.key = resize(this.key, (k) => new Int32Array(k));
    this.clock = resize(this.clock, (k) => new Int32Array(k));
    this.cls = resize(this.cls, (k) => new Uint16Array(k));
    this.attempts = resize(this.attempts, (k) => new Uint16Array(k));
    this.size = size;
  }

  run(runKey: number, rng: SeededRandom): void {
    const { m, n, H } = this;
    this.runKey = runKey;
    this.link.set(this.initialLink);
    this.head.set(this.initialHead);
    this.tail.set(this.initialTail);
    this.pending.set(this.initialPending);
    this.pending[H] = -1;
    this.heapSize.fill(0);
    this.attempts.fill(0);
    this.seenDay.fill(NONE);
    this.over.set(m.initialOverBuckets);
    this.weekly.fill(0);
    this.count = n;
    this.open = n;
    const S = m.specialtyCodes.length;
    for (let w = 0; w < H; w++) {
      const weekStart = m.asOf + 7 * w;
      // 1. Rejoin the queue.
      for (let e = this.pending[w]!; e >= 0;) {
        const next = this.link[e]!;
        this.heapPush(this.cls[e]!, e);
        e = next;
      }
      this.pending[w] = -1;
      // 2. Existing bookings.
      for (let i = m.bookingStart[w]!; i < m.bookingStart[w + 1]!; i++) {
        const e = this.bookingList[i]!;
        this.attend(e, this.bookedDay[e]!, this.specialty[e]!, w);
      }
      // 3. Free places, in turn.
      for (let s = 0; s < S; s++) {
        for (const t of FILL) {
          const c = m.capacity[(s * T + t) * H + w]!;
          if (c === 0) continue;
          const from = m.candidateStart[s * T + t]!;
          const to = m.candidateStart[s * T + t + 1]!;
          let k = 0;
          for (; k < c; k++) {
            const e = this.takeFirst(from, to);
            if (e < 0) break;
            this.attend(e, weekStart + Math.floor((7 * k) / c), s, w);
          }
          this.weekly[M_UNUSED * H + w]! += c - k;
        }
      }
      // 4. New referrals.
      this.arrivals(w, weekStart, rng);
      // 5. Census.
      this.weekly[M_WAITING * H + w] = this.open;
      for (let j = 0; j < K; j++) {
        let total = 0;
        for (let b = 0; b <= w; b++) total += this.over[j * (H + 1) + b]!;
        this.weekly[(M_OVER + j) * H + w] = total;
      }
    }
  }

  /** One appointment: cancelled, not attended, or seen on `day`. */
  private attend(e: number, day: number, s: number, w: number): void {
    const { m, H } = this;
    const u = uniform(this.runKey, e, this.attempts[e]!);
    if (this.attempts[e]! < 0xffff) this.attempts[e]!++;
    const cancel = m.cancellationRate[s]!;
    if (u < cancel) {
      this.weekly[M_CANCELLED * H + w]!++;
      this.rebook(e, w);
    } else if (u < cancel + (1 - cancel) * m.dnaRate[s]!) {
      this.weekly[M_DNA * H + w]!++;
      this.rebook(e, w);
    } else {
      this.weekly[M_SEEN * H + w]!++;
      if (e < this.n) this.seenDay[e] = day;
      this.open--;
      // Thresholds are whole weeks apart, so one division finds the census week of all four.
      const first = Math.ceil((this.clock[e]! + BREACH_OFFSET[0]! - m.asOf) / 7) - 1;
      for (let j = 0; j < K; j++) {
        const b = first + WEEKS_AFTER_FIRST[j]!;
        this.over[j * (H + 1) + (b < 0 ? 0 : b > H ? H : b)]!--;
      }
    }
  }

  private rebook(e: number, w: number): void {
    let week = w + 1;
    if (e < this.n && this.availableWeek[e]! > week) week = this.availableWeek[e]!;
    if (week >= this.H) return;
    this.link[e] = this.pending[week]!;
    this.pending[week] = e;
  }

  /** Removes and returns the first patient in turn among the candidate classes, or −1. */
  private takeFirst(from: number, to: number): number {
    const { m, key } = this;
    let best = -1;
    let bestClass = -1;
    let bestPrio = 256;
    for (let i = from; i < to; i++) {
      const c = m.candidateClasses[i]!;
      const h = this.heapSize[c]! > 0 ? this.heaps[c]![0]! : -1;
      const f = this.head[c]!;
      const e = h >= 0 && (f < 0 || key[h]! < key[f]!) ? h : f;
      if (e < 0) continue;
      const prio = m.classPriority[c]!;
      if (best < 0 || prio < bestPrio || (prio === bestPrio && key[e]! < key[best]!)) {
        best = e;
        bestClass = c;
        bestPrio = prio;
      }
    }
    if (best < 0) return -1;
    if (this.heapSize[bestClass]! > 0 && this.heaps[bestClass]![0] === best) {
      this.heapPop(bestClass);
    } else {
      const next = this.link[best]!;
      this.head[bestClass] = next;
      if (next < 0) this.tail[bestClass] = -1;
    }
    return best;
  }

  private heapPush(c: number, e: number): void {
    let heap = this.heaps[c]!;
    let i = this.heapSize[c]!;
    if (i === heap.length) {
      const bigger = new Int32Array(heap.length * 2);
      bigger.set(heap);
      this.heaps[c] = heap = bigger;
    }
    this.heapSize[c] = i + 1;
    const k = this.key[e]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (this.key[p]! <= k) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = e;
  }

  private heapPop(c: number): void {
    const heap = this.heaps[c]!;
    const size = this.heapSize[c]! - 1;
    this.heapSize[c] = size;
    if (size === 0) return;
    const last = heap[size]!;
    const k = this.key[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.key[heap[child + 1]!]! < this.key[heap[child]!]!) child++;
      if (this.key[heap[child]!]! >= k) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }

  private arrivals(w: number, weekStart: number, rng: SeededRandom): void {
    const { m, H } = this;
    let seq = 0;
    for (let d = 0; d < m.demandClass.length; d++) {
      const c = m.demandClass[d]!;
      const arriving = rng.poisson(m.demandPerWeek[d]!);
      if (arriving === 0) continue;
      const days = this.dayCount;
      days.fill(0);
      for (let a = 0; a < arriving; a++) days[rng.int(7)]!++;
      for (let day = 0; day < 7; day++) {
        for (let a = days[day]!; a > 0; a--) {
          if (this.count === this.size) this.grow();
          if (seq >= DAY_SHIFT) throw new RangeError('More than 2²⁰ arrivals in one week');
          const e = this.count++;
          this.key[e] = this.n + (w * 7 + day) * DAY_SHIFT + seq++;
          this.clock[e] = weekStart + day;
          this.cls[e] = c;
          this.attempts[e] = 0;
          this.link[e] = -1;
          if (this.tail[c]! < 0) this.head[c] = e;
          else this.link[this.tail[c]!] = e;
          this.tail[c] = e;
        }
        // All of the day's arrivals cross each threshold in the same census week.
        const arrived = days[day]!;
        if (arrived === 0) continue;
        this.open += arrived;
        for (let j = 0; j < K; j++)
          this.over[j * (H + 1) + bucketOf(weekStart + day, j, m.asOf, H)]! += arrived;
      }
      this.weekly[M_ARRIVALS * H + w]! += arriving;
    }
  }

  /** Adds this run to the counts. */
  tally(counts: ForecastCounts): void {
    const { m, n, H } = this;
    const end = m.asOf + 7 * H;
    // In input order: the writes into the large count arrays stay sequential.
    for (let i = 0; i < n; i++) {
      const d = this.seenDay[this.internalOf[i]!]!;
      const week = d === NONE ? H : Math.floor((d - m.asOf) / 7);
      counts.seenWeek[i * (H + 1) + week]!++;
      if (d !== NONE) counts.seenDaySum[i * H + week]! += d - m.asOf - 7 * week;
      const clock = m.clockStart[i]!;
      for (let j = 0; j < K; j++) {
        const breach = clock + BREACH_OFFSET[j]!;
        if (d === NONE ? breach <= end : d >= breach) counts.passed[i * K + j]!++;
      }
    }
    for (let i = 0; i < this.weekly.length; i++) {
      const v = this.weekly[i]!;
      counts.weeklySum[i]! += v;
      counts.weeklySumSquares[i]! += v * v;
    }
  }
}

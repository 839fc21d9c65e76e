/**
 * Seeded randomness for the synthetic trust. Nothing here reads the clock or a random source: the same seed
 * always gives the same numbers.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 128 bits of state, passes PractRand).
 * Each generated entity (patient 417, pathway 12) gets its own stream, keyed by (seed, stream, index) through a
 * 32-bit integer hash. Keyed streams give random access: the pathway generator can re-derive a patient's sex and
 * age from the patient's index without keeping 600,000 patients in memory.
 */

/** A 32-bit integer hash with good avalanche (the "lowbias32" constants of Chris Wellons' hash prospector). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const GOLDEN = 0x9e3779b9;

/** Splits a seed (any safe integer, negative included) into two 32-bit halves. */
export function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`The seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return [lo, hi];
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[(x >>> 24) & 0xff]! + HEX[(x >>> 16) & 0xff]! + HEX[(x >>> 8) & 0xff]! + HEX[x & 0xff]!;
}

export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /** A generator for one keyed stream: `stream` names the kind of entity, `index` the entity. */
  constructor(seed: number, stream = 0, index = 0) {
    this.reseed(seed, stream, index);
  }

  /** Restarts this generator on another keyed stream (saves allocating one generator per row). */
  reseed(seed: number, stream: number, index: number): this {
    const [lo, hi] = seedWords(seed);
    const k = mix32(mix32(lo ^ mix32(hi + GOLDEN)) ^ Math.imul(stream + 1, GOLDEN));
    const base = mix32(k ^ mix32(index >>> 0)) ^ Math.floor(index / 0x1_0000_0000);
    this.a = mix32(base + 0x243f6a88);
    this.b = mix32(base + 0x85a308d3);
    this.c = mix32(base + 0x13198a2e);
    this.d = 1;
    // Warm up so that nearby keys do not give correlated first outputs.
    for (let i = 0; i < 12; i++) this.uint32();
    return this;
  }

  /** The next 32-bit unsigned integer (sfc32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of precision. */
  float(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Cannot pick from an empty list');
    return items[this.int(items.length)]!;
  }

  /** An exponentially distributed value with the given rate. */
  exponential(rate: number): number {
    return -Math.log(1 - this.float()) / rate;
  }

  /** A version 4 (random) UUID made from this stream's next 128 bits. */
  uuid(): string {
    const w0 = this.uint32();
    const w1 = ((this.uint32() & 0xffff0fff) | 0x00004000) >>> 0;
    const w2 = ((this.uint32() & 0x3fffffff) | 0x80000000) >>> 0;
    const w3 = this.uint32();
    const h1 = hex32(w1);
    const h2 = hex32(w2);
    return `${hex32(w0)}-${h1.slice(0, 4)}-${h1.slice(4)}-${h2.slice(0, 4)}-${h2.slice(4)}${hex32(w3)}`;
  }
}

/** Picks items by weight in O(log n): cumulative weights and a binary search. */
export class WeightedPicker<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = [];
    this.cumulative = [];
    let total = 0;
    for (const [item, weight] of entries) {
      if (!(weight >= 0)) throw new RangeError('Weights must be zero or more');
      if (weight === 0) continue;
      total += weight;
      this.items.push(item);
      this.cumulative.push(total);
    }
    if (total === 0) throw new RangeError('At least one weight must be positive');
    this.total = total;
  }

  pick(rng: Random): T {
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/**
 * A seeded permutation of the numbers with `digits` decimal digits, [0, 10^digits): a four-round Feistel network
 * on two halves of the digits (cycle-walking for an odd count). Gives identifiers (hospital numbers, pathway
 * ids, NHS number stems) that are unique by construction and look random, without remembering what was issued.
 */
export class DecimalPermutation {
  readonly size: number;
  private readonly half: number;
  private readonly keys: number[];

  constructor(rng: Random, digits: number) {
    if (!Number.isInteger(digits) || digits < 2 || digits > 14) throw new RangeError('Use 2 to 14 digits');
    this.size = 10 ** digits;
    this.half = 10 ** Math.ceil(digits / 2);
    this.keys = [rng.uint32(), rng.uint32(), rng.uint32(), rng.uint32()];
  }

  at(i: number): number {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`${i} is outside the permutation`);
    let x = i;
    do x = this.encrypt(x);
    while (x >= this.size);
    return x;
  }

  private encrypt(x: number): number {
    const n = this.half;
    let left = Math.floor(x / n);
    let right = x % n;
    for (const key of this.keys) {
      const mixed = (left + (mix32((right ^ key) >>> 0) % n)) % n;
      left = right;
      right = mixed;
    }
    return left * n + right;
  }
}

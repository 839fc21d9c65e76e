/**
 * Seeded randomness for the forecast. core reads no random source: every draw comes from a seed the caller
 * passes in, so a forecast can be reproduced exactly.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG), seeded through the "lowbias32"
 * integer hash, the same pair the server's synthetic-trust generator uses (packages/server/src/seed/random.ts;
 * core cannot import from the server, so the few lines are repeated here). Besides the sequential generator
 * there is a keyed draw, `keyedUniform`, whose value depends only on its keys: the forecast uses it so that
 * a patient's attendance on their n-th booking is the same in every scenario of a what-if, which keeps
 * scenario comparisons free of sampling noise (common random numbers).
 */

/** A 32-bit integer hash with good avalanche ("lowbias32", Chris Wellons' hash prospector). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const GOLDEN = 0x9e3779b9;
const TWO_32 = 0x1_0000_0000;

/** A 32-bit key for (seed, stream, index); any safe integer seed, negative included. */
export function streamKey(seed: number, stream: number, index: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`The seed must be a safe integer; got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_32) >>> 0;
  const k = mix32(mix32(lo ^ mix32(hi + GOLDEN)) ^ Math.imul(stream + 1, GOLDEN));
  return mix32(k ^ mix32(index >>> 0)) ^ (Math.floor(index / TWO_32) >>> 0);
}

/**
 * A uniform number in [0, 1) that depends only on its three keys (three rounds of the hash). `key` is a
 * `streamKey`; `a` and `b` are whole numbers below 2³².
 */
export function keyedUniform(key: number, a: number, b: number): number {
  const h = mix32(mix32(mix32(key ^ a) + Math.imul(b + 1, GOLDEN)) ^ key);
  return h / TWO_32;
}

/** sfc32 on one keyed stream. One object per run, never one per patient. */
export class SeededRandom {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number, stream = 0, index = 0) {
    this.reseed(seed, stream, index);
  }

  /** Restarts on another keyed stream. */
  reseed(seed: number, stream: number, index: number): this {
    const base = streamKey(seed, stream, index);
    this.a = mix32(base + 0x243f6a88);
    this.b = mix32(base + 0x85a308d3);
    this.c = mix32(base + 0x13198a2e);
    this.d = 1;
    // Warm up so that nearby keys do not give correlated first outputs.
    for (let i = 0; i < 12; i++) this.uint32();
    return this;
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.uint32() / TWO_32;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** A Poisson-distributed whole number with mean `mean` (exact: inversion below 10, PTRS above). */
  poisson(mean: number): number {
    return poisson(this, mean);
  }
}

/** log(k!) exactly (by table) up to 255, by Stirling's series beyond (error below 1e-13). */
const LOG_FACTORIAL = new Float64Array(256);
for (let k = 2; k < 256; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1]! + Math.log(k);

export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL[k]!;
  const inv = 1 / k;
  const inv2 = inv * inv;
  return (
    k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260))
  );
}

/**
 * A Poisson draw. Small means by inversion (sequential search); means of 10 or more by Hörmann's
 * transformed rejection with squeeze (PTRS, 1993), the method NumPy uses, which is exact and needs about
 * two uniforms a draw whatever the mean.
 */
export function poisson(rng: SeededRandom, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) {
    throw new RangeError(`A Poisson mean must be a finite number ≥ 0; got ${mean}`);
  }
  if (mean === 0) return 0;
  if (mean < 10) {
    let p = Math.exp(-mean);
    let f = p;
    const u = rng.float();
    let k = 0;
    while (u > f && k < 1000) {
      k++;
      p *= mean / k;
      f += p;
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.float() - 0.5;
    const v = rng.float();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -mean + k * loglam - logFactorial(k)
    ) {
      return k;
    }
  }
}

import { describe, expect, it } from 'vitest';
import { SeededRandom, keyedUniform, logFactorial, poisson, streamKey } from './random';

function meanAndVariance(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('the seeded generator', () => {
  it('repeats itself for a seed and differs between seeds and streams', () => {
    const draw = (seed: number, stream: number) => {
      const r = new SeededRandom(seed, stream);
      return Array.from({ length: 5 }, () => r.uint32());
    };
    expect(draw(42, 0)).toEqual(draw(42, 0));
    expect(draw(42, 0)).not.toEqual(draw(43, 0));
    expect(draw(42, 0)).not.toEqual(draw(42, 1));
  });

  it('gives floats in [0, 1) with a uniform spread', () => {
    const r = new SeededRandom(7);
    const bins = new Array<number>(10).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = r.float();
      if (!(x >= 0 && x < 1)) outside++;
      else bins[Math.floor(x * 10)]!++;
    }
    expect(outside).toBe(0);
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.1% critical value.
    const chi2 = bins.reduce((s, b) => s + (b - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => new SeededRandom(1.5)).toThrow(RangeError);
    expect(() => streamKey(2 ** 60, 0, 0)).toThrow(RangeError);
  });
});

describe('keyed uniforms', () => {
  it('depend only on their keys and spread evenly', () => {
    const key = streamKey(1, 2, 3);
    expect(keyedUniform(key, 10, 0)).toBe(keyedUniform(key, 10, 0));
    expect(keyedUniform(key, 10, 0)).not.toBe(keyedUniform(key, 10, 1));
    expect(keyedUniform(key, 10, 0)).not.toBe(keyedUniform(streamKey(1, 2, 4), 10, 0));
    const bins = new Array<number>(10).fill(0);
    let n = 0;
    for (let a = 0; a < 20_000; a++) {
      for (let b = 0; b < 5; b++) {
        bins[Math.floor(keyedUniform(key, a, b) * 10)]!++;
        n++;
      }
    }
    const chi2 = bins.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });
});

describe('Poisson draws', () => {
  it('match log(k!) to the table and to Stirling', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 12);
    let exact = 0;
    for (let k = 1; k <= 300; k++) exact += Math.log(k);
    expect(logFactorial(300)).toBeCloseTo(exact, 9);
  });

  it.each([0.3, 4, 9.9, 10, 30, 250, 4000])('have mean and variance %s', (mean) => {
    const r = new SeededRandom(11, 3);
    const xs = Array.from({ length: 40_000 }, () => poisson(r, mean));
    const s = meanAndVariance(xs);
    // Five standard errors of the sample mean and (roughly) of the sample variance.
    expect(Math.abs(s.mean - mean)).toBeLessThan(5 * Math.sqrt(mean / xs.length));
    expect(Math.abs(s.variance - mean)).toBeLessThan(5 * mean * Math.sqrt(2 / xs.length) + 0.02);
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
  });

  it('gives P(0) = e^−λ for a small mean', () => {
    const r = new SeededRandom(5);
    const n = 50_000;
    let zeros = 0;
    for (let i = 0; i < n; i++) if (poisson(r, 2) === 0) zeros++;
    expect(zeros / n).toBeCloseTo(Math.exp(-2), 2);
  });

  it('gives 0 for a mean of 0 and refuses a negative mean', () => {
    const r = new SeededRandom(5);
    expect(poisson(r, 0)).toBe(0);
    expect(() => poisson(r, -1)).toThrow(RangeError);
    expect(() => poisson(r, Number.NaN)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import {
  exponentialList,
  exponentialShareWithin18,
  loadOf,
  pressure,
  queueIndicators,
  queueTooBig,
  reliefCapacity,
  targetCapacity,
  targetMeanWait,
  targetQueueSize,
} from './queue';

// Reference values from planning-and-data.md §1, each at the precision the spec prints.

describe('the ENT worked example (demand 30/wk, capacity 27/wk, queue 1,200, target 52 wk, mean wait 63 wk)', () => {
  const ent = queueIndicators({
    demandPerWeek: 30,
    capacityPerWeek: 27,
    queueSize: 1200,
    targetWaitWeeks: 52,
    meanWaitWeeks: 63,
  });

  it('has load 1.111, target mean wait 13 wk and target queue 390 (3.08× over: too big)', () => {
    expect(ent.load).toBeCloseTo(1.111, 3);
    expect(ent.targetMeanWait).toBe(13);
    expect(ent.targetQueueSize).toBe(390);
    expect(ent.queueRatio).toBeCloseTo(3.08, 2);
    expect(ent.queueTooBig).toBe(true);
  });

  it('needs relief capacity 61.15/wk over 26 weeks and has pressure 2.42', () => {
    expect(ent.reliefCapacity).toBeCloseTo(61.15, 2);
    expect(ent.pressure).toBeCloseTo(2.42, 2);
  });

  it.each([
    [1, 30.019],
    [4, 30.077],
    [6.58, 30.127],
  ])('has target capacity with F = %s of %s per week', (factor, expected) => {
    expect(targetCapacity(30, 52, { factor })).toBeCloseTo(expected, 3);
  });
});

describe('further reference values', () => {
  it.each([
    [30, 52, 3, 1.1, 1.2, 30.076442],
    [30, 52, 3, 1.1, 1.4, 30.0914423],
    [42, 65, 2, 1.2, 1.5, 42.0567692],
    [35, 50, 1, 1.3, 1.6, 35.0425],
  ])(
    'target_capacity(%s, %s, F %s, cv %s, %s) = %s',
    (demand, target, factor, cvDemand, cvCapacity, expected) => {
      expect(targetCapacity(demand, target, { factor, cvDemand, cvCapacity })).toBeCloseTo(expected, 6);
    },
  );

  it.each([
    [30, 1200, 390, 26, 61.153846],
    [33, 800, 200, 30, 53],
    [35, 250, 100, 15, 45],
  ])('relief_capacity(%s, %s, %s, %s wk) = %s', (demand, queue, target, weeks, expected) => {
    expect(reliefCapacity(demand, queue, target, weeks)).toBeCloseTo(expected, 6);
  });

  it('relief capacity defaults to 26 weeks', () => {
    expect(reliefCapacity(30, 1200, 390)).toBeCloseTo(61.153846, 6);
  });

  it.each([
    [30, 52, undefined, 390],
    [30, 50, undefined, 375],
    [30, 50, 6, 250],
  ])('target_queue_size(%s, %s, F %s) = %s', (demand, target, factor, expected) => {
    expect(targetQueueSize(demand, target, factor)).toBeCloseTo(expected, 9);
  });

  it.each([
    [63, 52, 2.42307692],
    [42, 24, 3.5],
    [55, 50, 2.2],
  ])('pressure(%s, %s) = %s', (mean, target, expected) => {
    expect(pressure(mean, target)).toBeCloseTo(expected, 8);
  });

  it('target mean wait is target / F', () => {
    expect(targetMeanWait(52)).toBe(13);
    expect(targetMeanWait(18, 6)).toBe(3);
  });

  it('calls a queue too big only above twice its target', () => {
    expect(queueTooBig(780, 390)).toBe(false);
    expect(queueTooBig(781, 390)).toBe(true);
  });

  it('treats load at the edges', () => {
    expect(loadOf(30, 27)).toBeCloseTo(1.1111111, 7);
    expect(loadOf(0, 0)).toBe(0);
    expect(loadOf(5, 0)).toBe(Infinity);
  });

  it('refuses nonsense inputs', () => {
    expect(() => loadOf(-1, 10)).toThrow(RangeError);
    expect(() => targetMeanWait(0)).toThrow(RangeError);
    expect(() => targetQueueSize(30, 52, 0)).toThrow(RangeError);
    expect(() => reliefCapacity(30, 1200, 390, 0)).toThrow(RangeError);
    expect(() => targetCapacity(30, 52, { cvDemand: -1 })).toThrow(RangeError);
    expect(() => pressure(Number.NaN, 52)).toThrow(RangeError);
  });
});

describe('the exponential waiting-time model (r = 300/wk)', () => {
  it.each([
    [0.92, 2138, 4.9],
    [0.8, 3355, 7.8],
    [0.7, 4485, 10.4],
    [0.6, 5893, 13.6],
    [0.5, 7791, 18.0],
  ])('p = %s gives a list of %s and a median wait of %s weeks', (p, list, median) => {
    const m = exponentialList(300, p);
    expect(Math.round(m.listSize)).toBe(list);
    expect(m.medianWait).toBeCloseTo(median, 1);
    expect(m.rate).toBeCloseTo(-Math.log(1 - p) / 18, 12);
    expect(m.meanWait * m.rate).toBeCloseTo(1, 12);
  });

  it('gives the national medians the spec quotes (58.3% → 14.3 wk; 94.8% → 4.2 wk)', () => {
    expect(exponentialList(1, 0.583).medianWait).toBeCloseTo(14.3, 1);
    expect(exponentialList(1, 0.948).medianWait).toBeCloseTo(4.2, 1);
  });

  it('inverts: the share implied by the list it predicts is the share put in', () => {
    for (const p of [0.5, 0.6, 0.7, 0.8, 0.92]) {
      expect(exponentialShareWithin18(300, exponentialList(300, p).listSize)).toBeCloseTo(p, 12);
    }
  });

  it('refuses a share of 0 or 1', () => {
    expect(() => exponentialList(300, 1)).toThrow(RangeError);
    expect(() => exponentialList(300, 0)).toThrow(RangeError);
  });
});

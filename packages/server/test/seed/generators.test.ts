/** The generator's pure parts: the seeded random source, permutations, calendar arithmetic and the wait model. */
import { describe, expect, it } from 'vitest';
import { addDays, parsePlainDate } from '@pathflow/core';
import { ageInYears, epochDay, isoDate } from '../../src/seed/dates';
import { drawOpenWaitWeeks, type PathwayPriority } from '../../src/seed/pathways';
import { NhsNumberAllocator } from '../../src/seed/patients';
import { DecimalPermutation, Random, WeightedPicker } from '../../src/seed/random';
import { DIRECTORATES, SPECIALTIES } from '../../src/seed/specialties';
import { allocateBySpecialty } from '../../src/seed/workforce';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('seeded random source', () => {
  it('repeats exactly for the same key and differs for another', () => {
    const draw = (seed: number, stream: number, index: number) => {
      const r = new Random(seed, stream, index);
      return [r.uint32(), r.uint32(), r.uuid()];
    };
    expect(draw(1, 2, 3)).toEqual(draw(1, 2, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(2, 2, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(1, 3, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(1, 2, 4));
    expect(draw(-7, 0, 0)).not.toEqual(draw(7, 0, 0));
    expect(draw(2 ** 40, 0, 0)).not.toEqual(draw(0, 0, 0));
  });

  it('makes valid, distinct version 4 uuids', () => {
    const r = new Random(42);
    const ids = Array.from({ length: 20_000 }, () => r.uuid());
    for (const id of ids.slice(0, 1000)) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws floats evenly in [0, 1)', () => {
    const r = new Random(9);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.float();
      if (!(x >= 0 && x < 1)) outside++;
      else buckets[Math.floor(x * 10)]! += 1;
    }
    expect(outside).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('picks by weight', () => {
    const r = new Random(3);
    const picker = new WeightedPicker([
      ['a', 1],
      ['b', 3],
      ['never', 0],
    ] as const);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 40_000; i++) counts[picker.pick(r)] += 1;
    expect(counts.never).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it('refuses seeds that are not safe integers', () => {
    expect(() => new Random(1.5)).toThrow(RangeError);
    expect(() => new Random(Number.NaN)).toThrow(RangeError);
  });
});

describe('decimal permutations', () => {
  it.each([2, 3, 4, 5])('are bijections on %i digits', (digits) => {
    const p = new DecimalPermutation(new Random(digits), digits);
    const seen = new Set<number>();
    for (let i = 0; i < 10 ** digits; i++) seen.add(p.at(i));
    expect(seen.size).toBe(10 ** digits);
    expect([...seen].every((x) => Number.isInteger(x) && x >= 0 && x < 10 ** digits)).toBe(true);
  });

  it('hands out distinct valid test-range NHS numbers', () => {
    const nhs = new NhsNumberAllocator(5);
    const numbers = Array.from({ length: 5000 }, () => nhs.next());
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const n of numbers) expect(n).toMatch(/^999\d{7}$/);
  });
});

describe('calendar days', () => {
  it('round-trips dates and agrees with the domain calendar', () => {
    for (const iso of ['1970-01-01', '1900-02-28', '2000-02-29', '2024-12-31', '2026-11-23', '2100-03-01']) {
      expect(isoDate(epochDay(iso))).toBe(iso);
    }
    const start = parsePlainDate('1920-01-01');
    const base = epochDay('1920-01-01');
    for (let d = 0; d < 60_000; d += 97) expect(isoDate(base + d)).toBe(addDays(start, d).toString());
  });

  it('refuses impossible dates', () => {
    expect(() => epochDay('2026-02-29')).toThrow(RangeError);
    expect(() => epochDay('23/11/2026')).toThrow(RangeError);
  });

  it('counts ages in whole years', () => {
    expect(ageInYears(epochDay('2000-11-23'), epochDay('2026-11-23'))).toBe(26);
    expect(ageInYears(epochDay('2000-11-24'), epochDay('2026-11-23'))).toBe(25);
  });
});

describe('wait model', () => {
  it('reproduces the national shape over the priority and specialty mix', () => {
    const r = new Random(11);
    const priorities = new WeightedPicker<PathwayPriority>([
      ['routine', 80],
      ['urgent', 15],
      ['two-week-wait', 5],
    ]);
    const specialties = new WeightedPicker(SPECIALTIES.map((s) => [s, s.listWeight] as const));
    const waits = Array.from({ length: 100_000 }, () =>
      drawOpenWaitWeeks(r, priorities.pick(r), specialties.pick(r).pressure),
    ).sort((x, y) => x - y);
    const within18 = waits.filter((w) => w < 18).length / waits.length;
    expect(within18).toBeGreaterThan(0.56);
    expect(within18).toBeLessThan(0.6);
    expect(waits[waits.length / 2]).toBeGreaterThan(13.5);
    expect(waits[waits.length / 2]).toBeLessThan(15.5);
    expect(waits.at(-1)).toBeLessThanOrEqual(78);
  });
});

describe('consultant allocation', () => {
  it('gives every specialty its minimum and the big specialties the most', () => {
    const counts = allocateBySpecialty(450, 4);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(450);
    for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(4);
    expect(counts.get('110')).toBe(Math.max(...counts.values()));
    expect(() => allocateBySpecialty(10, 1)).toThrow(RangeError);
  });
});

describe('the synthetic trust’s directorates', () => {
  it('puts surgery in Surgery, paediatrics and gynaecology in women’s and children’s, the rest in Medicine', () => {
    const of = (code: string) => SPECIALTIES.find((s) => s.code === code)?.directorate;
    expect(of('110')).toBe('Surgery');
    expect(of('420')).toBe("Women's and children's");
    expect(of('502')).toBe("Women's and children's");
    expect(of('300')).toBe('Medicine');
    for (const s of SPECIALTIES) {
      expect(DIRECTORATES, s.code).toContain(s.directorate);
      if (s.directorate === 'Medicine') expect(s.surgical, s.code).toBe(false);
    }
    // Each directorate holds at least two specialties.
    for (const d of DIRECTORATES) {
      expect(SPECIALTIES.filter((s) => s.directorate === d).length, d).toBeGreaterThanOrEqual(2);
    }
  });
});

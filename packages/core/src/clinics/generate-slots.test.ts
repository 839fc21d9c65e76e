import { describe, it, expect } from 'vitest';
import {
  DEFAULT_HORIZON_WEEKS,
  generateSlots,
  isoInstant,
  londonWallClockInstant,
  parseSlotKey,
  recurrenceIncludes,
  slotHorizon,
  slotKey,
} from './generate-slots';
import type { ClinicTemplateVersion, Recurrence, TemplateSession, TemplateSlot } from './types';

const slot = (
  offsetMinutes: number,
  durationMinutes: number,
  slotType: TemplateSlot['slotType'] = 'new',
) => ({
  offsetMinutes,
  durationMinutes,
  slotType,
  capacity: 1,
});

function template(overrides: Partial<ClinicTemplateVersion> = {}): ClinicTemplateVersion {
  return {
    templateId: 'tpl-ortho',
    version: 1,
    clinicianId: 'cons-1',
    locationId: 'loc-1',
    specialtyCode: '110',
    effectiveFrom: '2026-01-01',
    effectiveTo: null,
    recurrence: { kind: 'weekly' },
    sessions: [{ weekday: 1, start: '09:00', end: '10:00', slots: [slot(0, 20), slot(20, 10, 'follow-up')] }],
    ...overrides,
  };
}

/** A Sunday session, to land on the clock-change days (both are Sundays). */
function sunday(start: string, end: string, slots: TemplateSlot[]): TemplateSession[] {
  return [{ weekday: 7, start, end, slots }];
}

const dates = (slots: { date: string }[]) => [...new Set(slots.map((s) => s.date))];
const brief = (slots: ReturnType<typeof generateSlots>) =>
  slots.map((s) => [s.slotIndex, s.localStart, s.localEnd, s.startsAt, s.endsAt]);

describe('generateSlots: ordinary days', () => {
  it('lays out each slot on the wall clock, with its key and UTC instants', () => {
    expect(generateSlots(template(), { from: '2026-01-05', to: '2026-01-05' })).toEqual([
      {
        key: 'tpl-ortho/v1/2026-01-05/0/0',
        templateId: 'tpl-ortho',
        version: 1,
        date: '2026-01-05',
        sessionIndex: 0,
        slotIndex: 0,
        slotType: 'new',
        capacity: 1,
        durationMinutes: 20,
        localStart: '09:00',
        localEnd: '09:20',
        startsAt: '2026-01-05T09:00:00Z',
        endsAt: '2026-01-05T09:20:00Z',
        sessionStartsAt: '2026-01-05T09:00:00Z',
        sessionEndsAt: '2026-01-05T10:00:00Z',
      },
      {
        key: 'tpl-ortho/v1/2026-01-05/0/1',
        templateId: 'tpl-ortho',
        version: 1,
        date: '2026-01-05',
        sessionIndex: 0,
        slotIndex: 1,
        slotType: 'follow-up',
        capacity: 1,
        durationMinutes: 10,
        localStart: '09:20',
        localEnd: '09:30',
        startsAt: '2026-01-05T09:20:00Z',
        endsAt: '2026-01-05T09:30:00Z',
        sessionStartsAt: '2026-01-05T09:00:00Z',
        sessionEndsAt: '2026-01-05T10:00:00Z',
      },
    ]);
  });

  it('a 09:00 slot is 08:00Z in summer (BST) and 09:00Z in winter (GMT)', () => {
    const t = template({ sessions: [{ weekday: 7, start: '09:00', end: '10:00', slots: [slot(0, 30)] }] });
    const slots = generateSlots(t, { from: '2026-03-22', to: '2026-11-01' });
    const at = (date: string) => slots.find((s) => s.date === date)!;
    expect(at('2026-03-22').startsAt).toBe('2026-03-22T09:00:00Z'); // Sunday before spring forward
    expect(at('2026-03-29').startsAt).toBe('2026-03-29T08:00:00Z'); // spring-forward day itself
    expect(at('2026-03-29').endsAt).toBe('2026-03-29T08:30:00Z');
    expect(at('2026-07-05').startsAt).toBe('2026-07-05T08:00:00Z');
    expect(at('2026-10-18').startsAt).toBe('2026-10-18T08:00:00Z'); // Sunday before fall back
    expect(at('2026-10-25').startsAt).toBe('2026-10-25T09:00:00Z'); // fall-back day itself
    expect(at('2026-11-01').startsAt).toBe('2026-11-01T09:00:00Z');
    expect(slots.every((s) => s.localStart === '09:00' && s.localEnd === '09:30')).toBe(true);
  });

  it('orders slots by start across sessions listed in any order', () => {
    const t = template({
      sessions: [
        { weekday: 2, start: '13:30', end: '14:00', slots: [slot(0, 30)] },
        { weekday: 1, start: '09:00', end: '10:00', slots: [slot(30, 30), slot(0, 30)] },
        { weekday: 2, start: '09:00', end: '09:30', slots: [slot(0, 30)] },
      ],
    });
    expect(generateSlots(t, { from: '2026-01-05', to: '2026-01-06' }).map((s) => s.key)).toEqual([
      'tpl-ortho/v1/2026-01-05/1/1',
      'tpl-ortho/v1/2026-01-05/1/0',
      'tpl-ortho/v1/2026-01-06/2/0',
      'tpl-ortho/v1/2026-01-06/0/0',
    ]);
  });

  it('the same version generates the same keys every time (stable for regeneration)', () => {
    const a = generateSlots(template(), { from: '2026-01-01', to: '2026-03-31' });
    const b = generateSlots(template(), { from: '2026-02-01', to: '2026-02-28' });
    const aKeys = new Map(a.map((s) => [s.key, s]));
    expect(b.length).toBe(8);
    for (const s of b) expect(aKeys.get(s.key)).toEqual(s);
  });
});

describe('generateSlots: daylight saving changes, pinned to UTC instants', () => {
  // Spring forward, Sunday 29 March 2026: at 01:00 GMT (01:00Z) the clocks go to 02:00 BST.
  it('29 March 2026: slots in the missing hour are not generated; the rest keep their wall-clock times', () => {
    const t = template({
      sessions: sunday('00:30', '03:00', [
        slot(0, 30),
        slot(30, 30),
        slot(60, 30),
        slot(90, 30),
        slot(120, 30),
      ]),
    });
    const slots = generateSlots(t, { from: '2026-03-29', to: '2026-03-29' });
    expect(brief(slots)).toEqual([
      [0, '00:30', '01:00', '2026-03-29T00:30:00Z', '2026-03-29T01:00:00Z'],
      // 01:00–01:30 and 01:30–02:00 never appear on the clock: slots 1 and 2 are not generated.
      [3, '02:00', '02:30', '2026-03-29T01:00:00Z', '2026-03-29T01:30:00Z'],
      [4, '02:30', '03:00', '2026-03-29T01:30:00Z', '2026-03-29T02:00:00Z'],
    ]);
    for (const s of slots) {
      expect(s.sessionStartsAt).toBe('2026-03-29T00:30:00Z');
      expect(s.sessionEndsAt).toBe('2026-03-29T02:00:00Z'); // 03:00 BST: the session lasts 90 minutes
    }
  });

  it('29 March 2026: a slot reaching into the missing hour is not offered shorter than its length', () => {
    const t = template({
      sessions: sunday('00:15', '03:00', [slot(0, 30), slot(30, 30), slot(60, 30), slot(90, 30)]),
    });
    // 00:15–00:45 is whole; 00:45–01:15 would lose 15 minutes; 01:15–01:45 is missing; 01:45–02:15 would
    // start when the clocks change (its 01:45 moves forward to 02:00 BST) and so lose 15 minutes.
    expect(brief(generateSlots(t, { from: '2026-03-29', to: '2026-03-29' }))).toEqual([
      [0, '00:15', '00:45', '2026-03-29T00:15:00Z', '2026-03-29T00:45:00Z'],
    ]);
  });

  it('29 March 2026: a session starting in the missing hour starts when the clocks change (moves forward)', () => {
    const t = template({
      sessions: sunday('01:30', '04:00', [slot(0, 30), slot(30, 30), slot(60, 30), slot(120, 30)]),
    });
    const slots = generateSlots(t, { from: '2026-03-29', to: '2026-03-29' });
    // Slot 0 (01:30–02:00) is wholly in the missing hour; slot 1 (02:00–02:30) is whole.
    expect(brief(slots)).toEqual([
      [1, '02:00', '02:30', '2026-03-29T01:00:00Z', '2026-03-29T01:30:00Z'],
      [2, '02:30', '03:00', '2026-03-29T01:30:00Z', '2026-03-29T02:00:00Z'],
      [3, '03:30', '04:00', '2026-03-29T02:30:00Z', '2026-03-29T03:00:00Z'],
    ]);
    expect(slots[0]!.sessionStartsAt).toBe('2026-03-29T01:00:00Z'); // 01:30 does not exist → 02:00 BST
    expect(slots[0]!.sessionEndsAt).toBe('2026-03-29T03:00:00Z');
  });

  it('29 March 2026: a slot that starts exactly when the clocks change is whole', () => {
    const t = template({ sessions: sunday('01:30', '03:00', [slot(30, 30)]) });
    expect(brief(generateSlots(t, { from: '2026-03-29', to: '2026-03-29' }))).toEqual([
      [0, '02:00', '02:30', '2026-03-29T01:00:00Z', '2026-03-29T01:30:00Z'],
    ]);
  });

  // Fall back, Sunday 25 October 2026: at 02:00 BST (01:00Z) the clocks go back to 01:00 GMT.
  it('25 October 2026: repeated times take the earlier (BST) instant; every slot keeps its length', () => {
    const t = template({
      sessions: sunday('00:30', '03:00', [
        slot(0, 30),
        slot(30, 30),
        slot(60, 30),
        slot(90, 30),
        slot(120, 30),
      ]),
    });
    const slots = generateSlots(t, { from: '2026-10-25', to: '2026-10-25' });
    expect(brief(slots)).toEqual([
      [0, '00:30', '01:00', '2026-10-24T23:30:00Z', '2026-10-25T00:00:00Z'],
      [1, '01:00', '01:30', '2026-10-25T00:00:00Z', '2026-10-25T00:30:00Z'],
      // 01:30 BST to 02:00 BST (= 01:00 GMT): the repeated hour 01:00–02:00 GMT is left empty.
      [2, '01:30', '02:00', '2026-10-25T00:30:00Z', '2026-10-25T01:00:00Z'],
      [3, '02:00', '02:30', '2026-10-25T02:00:00Z', '2026-10-25T02:30:00Z'],
      [4, '02:30', '03:00', '2026-10-25T02:30:00Z', '2026-10-25T03:00:00Z'],
    ]);
    for (const s of slots) {
      expect(s.sessionStartsAt).toBe('2026-10-24T23:30:00Z'); // the session date is London's 25 October
      expect(s.sessionEndsAt).toBe('2026-10-25T03:00:00Z'); // 3½ hours of real time
    }
  });

  it('25 October 2026: a long slot across the repeated hour ends after its length, on GMT', () => {
    const t = template({ sessions: sunday('01:00', '03:00', [slot(0, 90, 'procedure')]) });
    expect(brief(generateSlots(t, { from: '2026-10-25', to: '2026-10-25' }))).toEqual([
      [0, '01:00', '01:30', '2026-10-25T00:00:00Z', '2026-10-25T01:30:00Z'],
    ]);
  });

  it('the Sundays either side of each change are ordinary', () => {
    const t = template({ sessions: sunday('00:30', '03:00', [slot(0, 30), slot(60, 30), slot(120, 30)]) });
    const slots = generateSlots(t, { from: '2026-03-22', to: '2026-04-05' });
    expect(slots.filter((s) => s.date === '2026-03-22').map((s) => s.startsAt)).toEqual([
      '2026-03-22T00:30:00Z',
      '2026-03-22T01:30:00Z',
      '2026-03-22T02:30:00Z',
    ]);
    expect(slots.filter((s) => s.date === '2026-04-05').map((s) => s.startsAt)).toEqual([
      '2026-04-04T23:30:00Z',
      '2026-04-05T00:30:00Z',
      '2026-04-05T01:30:00Z',
    ]);
  });
});

describe('londonWallClockInstant', () => {
  it.each([
    ['2026-01-15', '09:00', '2026-01-15T09:00:00Z'],
    ['2026-07-15', '09:00', '2026-07-15T08:00:00Z'],
    ['2026-03-29', '00:59', '2026-03-29T00:59:00Z'],
    ['2026-03-29', '01:00', '2026-03-29T01:00:00Z'], // missing: moves forward to 02:00 BST
    ['2026-03-29', '01:30', '2026-03-29T01:00:00Z'], // missing: moves forward to 02:00 BST
    ['2026-03-29', '02:00', '2026-03-29T01:00:00Z'],
    ['2026-03-29', '02:01', '2026-03-29T01:01:00Z'],
    ['2026-10-25', '00:59', '2026-10-24T23:59:00Z'],
    ['2026-10-25', '01:00', '2026-10-25T00:00:00Z'], // repeated: the earlier (BST)
    ['2026-10-25', '01:59', '2026-10-25T00:59:00Z'],
    ['2026-10-25', '02:00', '2026-10-25T02:00:00Z'],
  ])('%s %s London → %s', (date, time, expected) => {
    expect(londonWallClockInstant(date, time)).toBe(expected);
  });

  it('refuses a time or date that is not real', () => {
    expect(() => londonWallClockInstant('2026-03-29', '24:00')).toThrow(RangeError);
    expect(() => londonWallClockInstant('2026-02-30', '09:00')).toThrow(RangeError);
  });
});

describe('recurrence', () => {
  it('every-n-weeks counts Monday-to-Sunday weeks from the week containing the anchor, both ways', () => {
    // Anchor Wednesday 8 April 2026: its week is Monday 6 to Sunday 12 April.
    const r: Recurrence = { kind: 'every-n-weeks', n: 2, anchorDate: '2026-04-08' };
    expect(recurrenceIncludes(r, '2026-04-06')).toBe(true);
    expect(recurrenceIncludes(r, '2026-04-12')).toBe(true);
    expect(recurrenceIncludes(r, '2026-04-13')).toBe(false);
    expect(recurrenceIncludes(r, '2026-04-19')).toBe(false);
    expect(recurrenceIncludes(r, '2026-04-20')).toBe(true);
    expect(recurrenceIncludes(r, '2026-03-30')).toBe(false); // before the anchor
    expect(recurrenceIncludes(r, '2026-03-23')).toBe(true);
    expect(recurrenceIncludes(r, '2026-03-29')).toBe(true);
  });

  it('every 3 weeks: Monday sessions from an anchor on a Sunday', () => {
    const t = template({ recurrence: { kind: 'every-n-weeks', n: 3, anchorDate: '2026-04-12' } });
    const slots = generateSlots(t, { from: '2026-03-01', to: '2026-06-30' });
    // 12 April is a Sunday, so its week's Monday is 6 April; every third Monday either side.
    expect(dates(slots)).toEqual([
      '2026-03-16',
      '2026-04-06',
      '2026-04-27',
      '2026-05-18',
      '2026-06-08',
      '2026-06-29',
    ]);
  });

  it('every-n-weeks with n = 1 is weekly', () => {
    const weekly = generateSlots(template(), { from: '2026-01-01', to: '2026-03-31' });
    const n1 = generateSlots(
      template({ recurrence: { kind: 'every-n-weeks', n: 1, anchorDate: '2030-01-01' } }),
      {
        from: '2026-01-01',
        to: '2026-03-31',
      },
    );
    expect(n1).toEqual(weekly);
  });

  it('weeks-of-month: the 1st and 3rd Mondays and the last Monday of each month', () => {
    const t = template({ recurrence: { kind: 'weeks-of-month', weeks: [1, 3, 'last'] } });
    const slots = generateSlots(t, { from: '2026-03-01', to: '2026-05-31' });
    expect(dates(slots)).toEqual([
      '2026-03-02',
      '2026-03-16',
      '2026-03-30', // last Monday of March (the fifth)
      '2026-04-06',
      '2026-04-20',
      '2026-04-27', // last Monday of April (the fourth)
      '2026-05-04',
      '2026-05-18',
      '2026-05-25',
    ]);
  });

  it('weeks-of-month: the 5th Monday exists only in some months', () => {
    const t = template({ recurrence: { kind: 'weeks-of-month', weeks: [5] } });
    const slots = generateSlots(t, { from: '2026-01-01', to: '2026-12-31' });
    // Months of 2026 with five Mondays: March, June, August, November.
    expect(dates(slots)).toEqual(['2026-03-30', '2026-06-29', '2026-08-31', '2026-11-30']);
  });

  it("weeks-of-month: 5 and 'last' together give one session in a month with a fifth occurrence", () => {
    const t = template({ recurrence: { kind: 'weeks-of-month', weeks: [5, 'last'] } });
    expect(dates(generateSlots(t, { from: '2026-03-01', to: '2026-04-30' }))).toEqual([
      '2026-03-30',
      '2026-04-27',
    ]);
  });

  it("weeks-of-month: 'last' in February of a leap year and of an ordinary year", () => {
    const t = template({
      recurrence: { kind: 'weeks-of-month', weeks: ['last'] },
      sessions: [{ weekday: 4, start: '09:00', end: '10:00', slots: [slot(0, 30)] }],
    });
    expect(dates(generateSlots(t, { from: '2028-02-01', to: '2028-02-29' }))).toEqual(['2028-02-24']);
    expect(dates(generateSlots(t, { from: '2026-02-01', to: '2026-02-28' }))).toEqual(['2026-02-26']);
  });

  it('weeks-of-month: the 4th occurrence is days 22–28 and the 2nd days 8–14', () => {
    const r: Recurrence = { kind: 'weeks-of-month', weeks: [2, 4] };
    expect(recurrenceIncludes(r, '2026-04-07')).toBe(false);
    expect(recurrenceIncludes(r, '2026-04-08')).toBe(true);
    expect(recurrenceIncludes(r, '2026-04-14')).toBe(true);
    expect(recurrenceIncludes(r, '2026-04-15')).toBe(false);
    expect(recurrenceIncludes(r, '2026-04-21')).toBe(false);
    expect(recurrenceIncludes(r, '2026-04-22')).toBe(true);
    expect(recurrenceIncludes(r, '2026-04-28')).toBe(true);
    expect(recurrenceIncludes(r, '2026-04-29')).toBe(false);
  });
});

describe('effective dates and ranges', () => {
  it('only dates within both the range and the effective dates, inclusive at each end', () => {
    const t = template({ effectiveFrom: '2026-01-12', effectiveTo: '2026-02-02' });
    expect(dates(generateSlots(t, { from: '2026-01-01', to: '2026-03-31' }))).toEqual([
      '2026-01-12',
      '2026-01-19',
      '2026-01-26',
      '2026-02-02',
    ]);
    expect(dates(generateSlots(t, { from: '2026-01-13', to: '2026-02-01' }))).toEqual([
      '2026-01-19',
      '2026-01-26',
    ]);
    expect(generateSlots(t, { from: '2026-02-03', to: '2026-03-31' })).toEqual([]);
    expect(generateSlots(t, { from: '2025-12-01', to: '2026-01-11' })).toEqual([]);
  });

  it('a range with to before from is empty; a range of one day is that day', () => {
    expect(generateSlots(template(), { from: '2026-01-06', to: '2026-01-05' })).toEqual([]);
    expect(generateSlots(template(), { from: '2026-01-05', to: '2026-01-05' })).toHaveLength(2);
  });

  it('refuses bad dates, over-long ranges, bad identities and invalid templates', () => {
    expect(() => generateSlots(template(), { from: '2026-1-5', to: '2026-01-05' })).toThrow(RangeError);
    expect(() => generateSlots(template(), { from: '2026-01-05', to: '2026-02-30' })).toThrow(RangeError);
    expect(() => generateSlots(template(), { from: '2026-01-01', to: '2029-01-05' })).toThrow(/longer than/);
    expect(() =>
      generateSlots(template({ templateId: ' ' }), { from: '2026-01-05', to: '2026-01-05' }),
    ).toThrow(/templateId/);
    expect(() => generateSlots(template({ version: 0 }), { from: '2026-01-05', to: '2026-01-05' })).toThrow(
      /version/,
    );
    const overlapping = template({
      sessions: [{ weekday: 1, start: '09:00', end: '10:00', slots: [slot(0, 30), slot(10, 30)] }],
    });
    expect(() => generateSlots(overlapping, { from: '2026-01-05', to: '2026-01-05' })).toThrow(
      /sessions\/0\/slots\/1\/offsetMinutes/,
    );
  });
});

describe('slotHorizon', () => {
  it('26 weeks by default: 182 days, today included', () => {
    expect(DEFAULT_HORIZON_WEEKS).toBe(26);
    expect(slotHorizon('2026-04-01')).toEqual({ from: '2026-04-01', to: '2026-09-29' });
    expect(slotHorizon('2026-04-01', 1)).toEqual({ from: '2026-04-01', to: '2026-04-07' });
    expect(slotHorizon('2026-12-28', 52)).toEqual({ from: '2026-12-28', to: '2027-12-26' });
  });

  it('refuses a bad date or a number of weeks below 1 or not whole', () => {
    expect(() => slotHorizon('2026-04-31')).toThrow(RangeError);
    expect(() => slotHorizon('2026-04-01', 0)).toThrow(RangeError);
    expect(() => slotHorizon('2026-04-01', 2.5)).toThrow(RangeError);
  });

  it('holds 26 weekly Monday sessions whichever day it starts', () => {
    const fromMonday = dates(generateSlots(template(), slotHorizon('2026-04-06')));
    expect(fromMonday).toHaveLength(26);
    expect([fromMonday[0], fromMonday.at(-1)]).toEqual(['2026-04-06', '2026-09-28']);
    const fromTuesday = dates(generateSlots(template(), slotHorizon('2026-04-07')));
    expect(fromTuesday).toHaveLength(26);
    expect([fromTuesday[0], fromTuesday.at(-1)]).toEqual(['2026-04-13', '2026-10-05']);
  });
});

describe('slot keys', () => {
  it('round-trip, including a template id containing slashes', () => {
    const parts = {
      templateId: 'org/a/tpl',
      version: 12,
      date: '2026-03-29',
      sessionIndex: 3,
      slotIndex: 10,
    };
    expect(slotKey(parts)).toBe('org/a/tpl/v12/2026-03-29/3/10');
    expect(parseSlotKey(slotKey(parts))).toEqual(parts);
  });

  it.each([
    'tpl/v1/2026-03-29/0',
    '/v1/2026-03-29/0/0',
    'tpl/1/2026-03-29/0/0',
    'tpl/v0/2026-03-29/0/0',
    'tpl/v1/2026-02-30/0/0',
    'tpl/v1/2026-03-29/01/0',
    'tpl/v1/2026-03-29/0/-1',
    'something else',
  ])('%s is not a slot key', (key) => {
    expect(parseSlotKey(key)).toBeNull();
  });
});

describe('isoInstant', () => {
  it('writes whole seconds the way Temporal does, and keeps milliseconds when there are any', () => {
    expect(isoInstant(Date.UTC(2026, 2, 29, 1, 0, 0))).toBe('2026-03-29T01:00:00Z');
    expect(isoInstant(Date.UTC(2026, 2, 29, 1, 0, 0, 5))).toBe('2026-03-29T01:00:00.005Z');
  });
});

describe('performance sanity (not timed)', () => {
  it('a year of a busy clinic: ten 4-hour sessions a week, 16 slots each', () => {
    const orthopaedic = [
      ...Array.from({ length: 10 }, (_, i) => slot(i * 15, 15)),
      ...Array.from({ length: 6 }, (_, i) => slot(150 + i * 10, 10, 'follow-up')),
    ];
    const sessions = ([1, 2, 3, 4, 5] as const).flatMap((weekday) => [
      { weekday, start: '09:00', end: '13:00', slots: orthopaedic },
      { weekday, start: '13:30', end: '17:30', slots: orthopaedic },
    ]);
    const slots = generateSlots(template({ sessions }), slotHorizon('2026-03-02', 52));
    expect(slots).toHaveLength(52 * 10 * 16);
    expect(new Set(slots.map((s) => s.key)).size).toBe(slots.length);
  });
});

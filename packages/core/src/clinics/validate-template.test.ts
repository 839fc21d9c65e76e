import { describe, it, expect } from 'vitest';
import { validateClinicTemplate } from './validate-template';
import type { ClinicTemplate, TemplateError, TemplateSlot } from './types';

/**
 * An orthopaedic consultant's morning clinic (planning spec §2): a 4-hour session, 10 new patients in
 * 15-minute slots then 6 follow-ups in 10-minute slots = 210 bookable minutes, 30 minutes left for admin.
 */
function orthopaedicClinic(): ClinicTemplate {
  const slots: TemplateSlot[] = [
    ...Array.from({ length: 10 }, (_, i) => ({
      offsetMinutes: i * 15,
      durationMinutes: 15,
      slotType: 'new' as const,
      capacity: 1,
    })),
    ...Array.from({ length: 6 }, (_, i) => ({
      offsetMinutes: 150 + i * 10,
      durationMinutes: 10,
      slotType: 'follow-up' as const,
      capacity: 1,
    })),
  ];
  return {
    clinicianId: 'cons-ortho-1',
    locationId: 'loc-main-opd',
    specialtyCode: '110',
    effectiveFrom: '2026-04-06',
    effectiveTo: null,
    recurrence: { kind: 'weekly' },
    sessions: [{ weekday: 1, start: '09:00', end: '13:00', slots }],
  };
}

function errorsOf(input: unknown): TemplateError[] {
  const result = validateClinicTemplate(input);
  if (result.ok) throw new Error('expected the template to be refused');
  return result.errors;
}

function pathsOf(input: unknown): string[] {
  return errorsOf(input).map((e) => e.path);
}

describe('validateClinicTemplate: valid templates', () => {
  it('accepts the orthopaedic clinic and returns it unchanged', () => {
    const input = orthopaedicClinic();
    expect(validateClinicTemplate(input)).toEqual({ ok: true, template: input });
  });

  it('trims text, drops unknown fields and keeps serviceName only when given', () => {
    const input = {
      ...orthopaedicClinic(),
      clinicianId: '  cons-ortho-1 ',
      specialtyCode: ' 110 ',
      templateId: 'tpl-1',
      colour: 'blue',
    };
    const result = validateClinicTemplate(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.template.clinicianId).toBe('cons-ortho-1');
    expect(result.template.specialtyCode).toBe('110');
    expect(Object.keys(result.template).sort()).toEqual(
      [
        'clinicianId',
        'effectiveFrom',
        'effectiveTo',
        'locationId',
        'recurrence',
        'sessions',
        'specialtyCode',
      ].sort(),
    );
  });

  it('accepts a service clinic (no named clinician) with a service name', () => {
    const result = validateClinicTemplate({
      ...orthopaedicClinic(),
      clinicianId: null,
      serviceName: 'MSK physiotherapy triage',
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.template.serviceName).toBe('MSK physiotherapy triage');
  });

  it.each([
    ['every-n-weeks', { kind: 'every-n-weeks', n: 2, anchorDate: '2026-04-08' }],
    ['every-n-weeks with n = 52', { kind: 'every-n-weeks', n: 52, anchorDate: '2026-04-08' }],
    ['weeks-of-month', { kind: 'weeks-of-month', weeks: [1, 3, 'last'] }],
    ['weeks-of-month with 5 and last', { kind: 'weeks-of-month', weeks: [5, 'last'] }],
  ])('accepts %s recurrence', (_, recurrence) => {
    const result = validateClinicTemplate({ ...orthopaedicClinic(), recurrence });
    expect(result).toEqual({ ok: true, template: { ...orthopaedicClinic(), recurrence } });
  });

  it('accepts effectiveTo equal to effectiveFrom (a one-day version)', () => {
    expect(validateClinicTemplate({ ...orthopaedicClinic(), effectiveTo: '2026-04-06' }).ok).toBe(true);
  });

  it('accepts slots that touch, gaps between slots, slots listed out of order and a slot ending at the session end', () => {
    const result = validateClinicTemplate({
      ...orthopaedicClinic(),
      sessions: [
        {
          weekday: 3,
          start: '13:30',
          end: '17:00',
          slots: [
            { offsetMinutes: 180, durationMinutes: 30, slotType: 'procedure', capacity: 1 },
            { offsetMinutes: 0, durationMinutes: 20, slotType: 'two-week-wait', capacity: 1 },
            { offsetMinutes: 20, durationMinutes: 20, slotType: 'urgent-new', capacity: 1 },
            { offsetMinutes: 60, durationMinutes: 60, slotType: 'follow-up', capacity: 8 },
          ],
        },
      ],
    });
    expect(result.ok).toBe(true);
  });

  it('accepts two sessions on the same weekday that touch (morning and afternoon)', () => {
    const t = orthopaedicClinic();
    const afternoon = { ...t.sessions[0]!, start: '13:00', end: '17:00' };
    expect(validateClinicTemplate({ ...t, sessions: [t.sessions[0]!, afternoon] }).ok).toBe(true);
  });

  it('accepts the bounds: 5- and 480-minute slots, capacity 100, 00:00 to 23:59', () => {
    const result = validateClinicTemplate({
      ...orthopaedicClinic(),
      sessions: [
        {
          weekday: 7,
          start: '00:00',
          end: '23:59',
          slots: [
            { offsetMinutes: 0, durationMinutes: 5, slotType: 'new', capacity: 100 },
            { offsetMinutes: 5, durationMinutes: 480, slotType: 'procedure', capacity: 1 },
          ],
        },
      ],
    });
    expect(result.ok).toBe(true);
  });
});

describe('validateClinicTemplate: every problem, each at its path', () => {
  it('refuses something that is not an object', () => {
    for (const input of [null, 'template', 42, []]) {
      expect(errorsOf(input)).toEqual([
        { path: '', message: 'The clinic template must be an object with its fields' },
      ]);
    }
  });

  it('reports every problem at once, in plain English, with slash-separated paths', () => {
    const errors = errorsOf({
      clinicianId: null,
      locationId: '  ',
      specialtyCode: '11',
      effectiveFrom: '2026-02-30',
      effectiveTo: '01/04/2026',
      recurrence: { kind: 'weeks-of-month', weeks: [1, 1, 6] },
      sessions: [
        {
          weekday: 8,
          start: '25:00',
          end: 'nine',
          slots: [{ offsetMinutes: -1, durationMinutes: 3, slotType: 'review', capacity: 0 }],
        },
        { weekday: 2, start: '09:00', end: '13:00', slots: [] },
      ],
    });
    expect(errors).toEqual([
      {
        path: 'serviceName',
        message: 'Enter the name of the service, because the clinic has no named clinician',
      },
      { path: 'locationId', message: 'Enter the location of the clinic' },
      {
        path: 'specialtyCode',
        message: 'Enter the specialty as a 3-digit treatment function code, like 110',
      },
      { path: 'effectiveFrom', message: '2026-02-30 is not a real date' },
      {
        path: 'effectiveTo',
        message:
          'Enter the last date the template applies (or null if it has no end date) as YYYY-MM-DD, like 2026-04-06',
      },
      { path: 'recurrence/weeks/1', message: 'Week 1 is listed more than once' },
      { path: 'recurrence/weeks/2', message: "A week of the month must be 1, 2, 3, 4, 5 or 'last'" },
      {
        path: 'sessions/0/weekday',
        message: 'Enter the day of the week as a number from 1 (Monday) to 7 (Sunday)',
      },
      { path: 'sessions/0/start', message: '25:00 is not a real time' },
      { path: 'sessions/0/end', message: 'Enter the end time as HH:MM on the 24-hour clock, like 09:00' },
      {
        path: 'sessions/0/slots/0/offsetMinutes',
        message: 'Enter when the slot starts as whole minutes after the session starts (0 or more)',
      },
      {
        path: 'sessions/0/slots/0/durationMinutes',
        message: 'Enter the length of the slot as a whole number of minutes from 5 to 480',
      },
      {
        path: 'sessions/0/slots/0/slotType',
        message: 'Choose the slot type: new, follow-up, urgent new, two-week wait or procedure',
      },
      {
        path: 'sessions/0/slots/0/capacity',
        message: 'Enter how many patients the slot takes as a whole number from 1 to 100',
      },
      { path: 'sessions/1/slots', message: 'Add at least one slot to the session' },
    ]);
  });

  it('reports missing fields', () => {
    expect(pathsOf({})).toEqual([
      'clinicianId',
      'locationId',
      'specialtyCode',
      'effectiveFrom',
      'effectiveTo',
      'recurrence',
      'sessions',
    ]);
  });

  it.each<[string, unknown[]]>([
    ['missing', [undefined]],
    ['empty', [[]]],
    ['not a list', [{}]],
  ])('refuses sessions %s', (_, [sessions]) => {
    expect(errorsOf({ ...orthopaedicClinic(), sessions })).toEqual([
      { path: 'sessions', message: 'Add at least one session to the template' },
    ]);
  });

  it('refuses effectiveTo before effectiveFrom', () => {
    expect(errorsOf({ ...orthopaedicClinic(), effectiveTo: '2026-04-05' })).toEqual([
      {
        path: 'effectiveTo',
        message: 'The last date must be the same as or after the start date (2026-04-06)',
      },
    ]);
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'weekly', ['recurrence']],
    ['an unknown kind', { kind: 'fortnightly' }, ['recurrence/kind']],
    ['n = 0', { kind: 'every-n-weeks', n: 0, anchorDate: '2026-04-06' }, ['recurrence/n']],
    ['n = 1.5', { kind: 'every-n-weeks', n: 1.5, anchorDate: '2026-04-06' }, ['recurrence/n']],
    ['n = 53', { kind: 'every-n-weeks', n: 53, anchorDate: '2026-04-06' }, ['recurrence/n']],
    ['n as text', { kind: 'every-n-weeks', n: '2', anchorDate: '2026-04-06' }, ['recurrence/n']],
    ['no anchor date', { kind: 'every-n-weeks', n: 2 }, ['recurrence/anchorDate']],
    [
      'an unreal anchor date',
      { kind: 'every-n-weeks', n: 2, anchorDate: '2026-13-01' },
      ['recurrence/anchorDate'],
    ],
    ['no n and no anchor', { kind: 'every-n-weeks' }, ['recurrence/n', 'recurrence/anchorDate']],
    ['no weeks', { kind: 'weeks-of-month', weeks: [] }, ['recurrence/weeks']],
    ['weeks not a list', { kind: 'weeks-of-month', weeks: 'last' }, ['recurrence/weeks']],
    [
      'week 0 and week "2"',
      { kind: 'weeks-of-month', weeks: [0, '2'] },
      ['recurrence/weeks/0', 'recurrence/weeks/1'],
    ],
    ['"last" twice', { kind: 'weeks-of-month', weeks: ['last', 2, 'last'] }, ['recurrence/weeks/2']],
  ])('refuses a recurrence that is %s', (_, recurrence, paths) => {
    expect(pathsOf({ ...orthopaedicClinic(), recurrence })).toEqual(paths);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a blank clinician', { clinicianId: '' }, ['clinicianId']],
    ['a numeric clinician id', { clinicianId: 17 }, ['clinicianId']],
    ['a missing clinician (undefined, not null)', { clinicianId: undefined }, ['clinicianId']],
    ['a 201-character location', { locationId: 'x'.repeat(201) }, ['locationId']],
    ['a service name that is not text', { serviceName: 3 }, ['serviceName']],
    ['a four-digit specialty', { specialtyCode: '1100' }, ['specialtyCode']],
    ['a numeric specialty', { specialtyCode: 110 }, ['specialtyCode']],
    ['a date with a time', { effectiveFrom: '2026-04-06T09:00' }, ['effectiveFrom']],
  ])('refuses %s', (_, change, paths) => {
    expect(pathsOf({ ...orthopaedicClinic(), ...change })).toEqual(paths);
  });

  it('accepts a 200-character location', () => {
    expect(validateClinicTemplate({ ...orthopaedicClinic(), locationId: 'x'.repeat(200) }).ok).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['weekday 0', { weekday: 0 }, ['sessions/0/weekday']],
    ['weekday 1.5', { weekday: 1.5 }, ['sessions/0/weekday']],
    ['start 9:00 (one-digit hour)', { start: '9:00' }, ['sessions/0/start']],
    ['start 24:00', { start: '24:00' }, ['sessions/0/start']],
    ['end 12:60', { end: '12:60' }, ['sessions/0/end']],
    ['no slots list', { slots: undefined }, ['sessions/0/slots']],
  ])('refuses a session with %s', (_, change, paths) => {
    const t = orthopaedicClinic();
    expect(pathsOf({ ...t, sessions: [{ ...t.sessions[0]!, ...change }] })).toEqual(paths);
  });

  it('refuses a session that ends when or before it starts', () => {
    const t = orthopaedicClinic();
    for (const end of ['09:00', '08:00']) {
      expect(errorsOf({ ...t, sessions: [{ ...t.sessions[0]!, end }] })).toEqual([
        { path: 'sessions/0/end', message: 'The session must end after it starts (09:00)' },
      ]);
    }
  });

  it('refuses a slot that is not an object', () => {
    const t = orthopaedicClinic();
    const session = { ...t.sessions[0]!, slots: [...t.sessions[0]!.slots, 'a slot'] };
    expect(errorsOf({ ...t, sessions: [session] })).toEqual([
      {
        path: 'sessions/0/slots/16',
        message: 'Each slot must give its offset, duration, slot type and capacity',
      },
    ]);
  });

  it.each<[string, Partial<Record<keyof TemplateSlot, unknown>>, string]>([
    ['duration 4', { durationMinutes: 4 }, 'durationMinutes'],
    ['duration 481', { durationMinutes: 481 }, 'durationMinutes'],
    ['duration 12.5', { durationMinutes: 12.5 }, 'durationMinutes'],
    ['offset 2.5', { offsetMinutes: 2.5 }, 'offsetMinutes'],
    ['capacity 0', { capacity: 0 }, 'capacity'],
    ['capacity 1.5', { capacity: 1.5 }, 'capacity'],
    ['capacity 101', { capacity: 101 }, 'capacity'],
    ['capacity "2"', { capacity: '2' }, 'capacity'],
    ['slot type "New"', { slotType: 'New' }, 'slotType'],
    ['slot type missing', { slotType: undefined }, 'slotType'],
  ])('refuses a slot with %s', (_, change, field) => {
    const t = orthopaedicClinic();
    const slots = t.sessions[0]!.slots.map((s, i) => (i === 2 ? { ...s, ...change } : s));
    expect(pathsOf({ ...t, sessions: [{ ...t.sessions[0]!, slots }] })).toEqual([
      `sessions/0/slots/2/${field}`,
    ]);
  });

  it('refuses slots that do not fit inside their session', () => {
    const t = orthopaedicClinic();
    const session = {
      ...t.sessions[0]!,
      slots: [
        { offsetMinutes: 0, durationMinutes: 30, slotType: 'new', capacity: 1 },
        { offsetMinutes: 230, durationMinutes: 20, slotType: 'follow-up', capacity: 1 },
        { offsetMinutes: 240, durationMinutes: 10, slotType: 'follow-up', capacity: 1 },
        { offsetMinutes: 300, durationMinutes: 10, slotType: 'follow-up', capacity: 1 },
      ],
    };
    expect(errorsOf({ ...t, sessions: [session] })).toEqual([
      {
        path: 'sessions/0/slots/1/durationMinutes',
        message: 'The slot runs 10 minutes past the end of its session at 13:00',
      },
      {
        path: 'sessions/0/slots/2/offsetMinutes',
        message: 'The slot starts 240 minutes into a session that lasts 240 minutes (09:00 to 13:00)',
      },
      {
        path: 'sessions/0/slots/3/offsetMinutes',
        message: 'The slot starts 300 minutes into a session that lasts 240 minutes (09:00 to 13:00)',
      },
    ]);
  });

  it('refuses overlapping slots, reporting the later one against the slot it overlaps', () => {
    const t = orthopaedicClinic();
    const session = {
      ...t.sessions[0]!,
      slots: [
        { offsetMinutes: 0, durationMinutes: 60, slotType: 'procedure', capacity: 1 },
        { offsetMinutes: 20, durationMinutes: 20, slotType: 'follow-up', capacity: 1 },
        { offsetMinutes: 50, durationMinutes: 20, slotType: 'new', capacity: 1 },
        { offsetMinutes: 70, durationMinutes: 10, slotType: 'new', capacity: 1 },
        { offsetMinutes: 70, durationMinutes: 10, slotType: 'new', capacity: 1 },
      ],
    };
    const errors = errorsOf({ ...t, sessions: [session] });
    expect(errors.map((e) => e.path)).toEqual([
      'sessions/0/slots/1/offsetMinutes',
      'sessions/0/slots/2/offsetMinutes',
      'sessions/0/slots/4/offsetMinutes',
    ]);
    expect(errors[0]!.message).toBe(
      'This slot (09:20 to 09:40) overlaps the slot from 09:00 to 10:00: slots in a session may not overlap (give one slot a capacity above 1 to see patients in parallel)',
    );
    expect(errors[1]!.message).toMatch(/^This slot \(09:50 to 10:10\) overlaps the slot from 09:00 to 10:00/);
    expect(errors[2]!.message).toMatch(/^This slot \(10:10 to 10:20\) overlaps the slot from 10:10 to 10:20/);
  });

  it('checks overlaps in minutes when the session start is not known', () => {
    const t = orthopaedicClinic();
    const session = {
      ...t.sessions[0]!,
      start: 'morning',
      slots: [
        { offsetMinutes: 0, durationMinutes: 30, slotType: 'new', capacity: 1 },
        { offsetMinutes: 15, durationMinutes: 30, slotType: 'new', capacity: 1 },
      ],
    };
    expect(errorsOf({ ...t, sessions: [session] })).toEqual([
      { path: 'sessions/0/start', message: 'Enter the start time as HH:MM on the 24-hour clock, like 09:00' },
      {
        path: 'sessions/0/slots/1/offsetMinutes',
        message:
          'This slot (minutes 15 to 45 of the session) overlaps the slot from minutes 0 to 30 of the session: slots in a session may not overlap (give one slot a capacity above 1 to see patients in parallel)',
      },
    ]);
  });

  it('refuses overlapping sessions on the same weekday but not on different weekdays', () => {
    const t = orthopaedicClinic();
    const s = t.sessions[0]!;
    const slot = [{ offsetMinutes: 0, durationMinutes: 30, slotType: 'new' as const, capacity: 1 }];
    const sessions = [
      s,
      { weekday: 1, start: '12:30', end: '17:00', slots: slot },
      { weekday: 2, start: '12:30', end: '17:00', slots: slot },
      { weekday: 1, start: '10:00', end: '11:00', slots: slot },
    ];
    expect(errorsOf({ ...t, sessions })).toEqual([
      {
        path: 'sessions/3/start',
        message: 'This session (Monday 10:00 to 11:00) overlaps another Monday session (09:00 to 13:00)',
      },
      {
        path: 'sessions/1/start',
        message: 'This session (Monday 12:30 to 17:00) overlaps another Monday session (09:00 to 13:00)',
      },
    ]);
  });
});

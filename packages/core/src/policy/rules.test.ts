import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_ACCESS_POLICY, type AccessPolicySettings } from './settings';
import {
  POLICY_SETTING_LIMITS,
  classifyProviderMove,
  declinedOfferActions,
  dnaActions,
  followUpStatus,
  operationRebookBreached,
  operationRebookBy,
  partialBookingDates,
  patientCancellationActions,
  pifuAfterRequest,
  pifuEnd,
  pifuMonthsProblem,
  policyJobInstant,
  policyInForce,
  settingsOverDefaults,
  validatePolicySettings,
} from './rules';
import { addDays, parsePlainDate } from '../time';

const P = DEFAULT_ACCESS_POLICY;
const withPolicy = (patch: (p: AccessPolicySettings) => void): AccessPolicySettings => {
  const copy = JSON.parse(JSON.stringify(P)) as AccessPolicySettings;
  patch(copy);
  return copy;
};

const dayArb = fc
  .integer({ min: 0, max: 3650 })
  .map((n) => addDays(parsePlainDate('2024-01-01'), n).toString());

describe('validatePolicySettings', () => {
  it('accepts the defaults and an empty object (which is the base)', () => {
    expect(validatePolicySettings(P)).toEqual({ ok: true, settings: P });
    expect(validatePolicySettings({})).toEqual({ ok: true, settings: P });
  });

  it('merges a partial object over the base without changing either', () => {
    const base = withPolicy((p) => (p.partialBooking.inviteWeeksBeforeDue = 4));
    const before = JSON.stringify(base);
    const input = { partialBooking: { replyWindowDays: 21 } };
    const r = validatePolicySettings(input, base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings.partialBooking).toEqual({ ...base.partialBooking, replyWindowDays: 21 });
    expect(r.settings.booking).toEqual(base.booking);
    expect(JSON.stringify(base)).toBe(before);
    expect(input).toEqual({ partialBooking: { replyWindowDays: 21 } });
  });

  it('lists every problem with its path: unknown keys, wrong types, out of range, looser than official', () => {
    const r = validatePolicySettings({
      partialBooking: { replyWindowDays: 7, reminders: 1.5, colour: 'red' },
      hospitalCancellation: { operationRebookWithinDays: 35 },
      patientCancellation: { secondOfferWithinWeeks: 8 },
      booking: { reasonableNoticeDays: 14 },
      dna: { notifyGpForSafeguarding: 'yes' },
      wards: {},
      pifu: 3,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path).sort()).toEqual(
      [
        '/partialBooking/replyWindowDays',
        '/partialBooking/reminders',
        '/partialBooking/colour',
        '/hospitalCancellation/operationRebookWithinDays',
        '/patientCancellation/secondOfferWithinWeeks',
        '/booking/reasonableNoticeDays',
        '/dna/notifyGpForSafeguarding',
        '/wards',
        '/pifu',
      ].sort(),
    );
    const reply = r.problems.find((p) => p.path === '/partialBooking/replyWindowDays');
    expect(reply?.message).toMatch(/14/);
  });

  it('refuses a non-object', () => {
    for (const bad of [null, 3, 'x', []]) {
      expect(validatePolicySettings(bad)).toEqual({
        ok: false,
        problems: [{ path: '', message: 'must be an object' }],
      });
    }
  });

  it('checks the reminder-day list item by item: whole, 1–28, distinct; returns it largest first', () => {
    const bad = validatePolicySettings({ communications: { reminderDaysBefore: [7, 7, 0, 2.5] } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => p.path)).toEqual([
        '/communications/reminderDaysBefore/1',
        '/communications/reminderDaysBefore/2',
        '/communications/reminderDaysBefore/3',
      ]);
    }
    const good = validatePolicySettings({ communications: { reminderDaysBefore: [1, 14, 3] } });
    expect(good.ok && good.settings.communications.reminderDaysBefore).toEqual([14, 3, 1]);
  });

  it('allows stricter official values and refuses PIFU min above max', () => {
    const strict = validatePolicySettings({
      hospitalCancellation: { operationRebookWithinDays: 21, postponementWithinHours: 12 },
      patientCancellation: { secondOfferWithinWeeks: 4, delayReviewOverWeeks: 4 },
      booking: { reasonableNoticeDays: 28 },
    });
    expect(strict.ok).toBe(true);
    const pifu = validatePolicySettings({ pifu: { minMonths: 12, maxMonths: 6 } });
    expect(pifu).toEqual({
      ok: false,
      problems: [{ path: '/pifu/minMonths', message: 'must not be more than maxMonths' }],
    });
  });

  it('property: any in-range whole number for an int setting is accepted, and one past either end is refused', () => {
    const intFields = Object.entries(POLICY_SETTING_LIMITS).flatMap(([section, fields]) =>
      Object.entries(fields)
        .filter(([, l]) => l.kind === 'int')
        .map(([field, l]) => ({ section, field, limit: l as { min: number; max: number } })),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...intFields),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ section, field, limit }, t) => {
          if (section === 'pifu') return; // min ≤ max is checked across the two
          const value = Math.round(limit.min + t * (limit.max - limit.min));
          expect(validatePolicySettings({ [section]: { [field]: value } }).ok).toBe(true);
          expect(validatePolicySettings({ [section]: { [field]: limit.min - 1 } }).ok).toBe(false);
          expect(validatePolicySettings({ [section]: { [field]: limit.max + 1 } }).ok).toBe(false);
        },
      ),
    );
  });
});

describe('settingsOverDefaults', () => {
  it('fills fields an old stored version lacks, and drops unknown or invalid ones', () => {
    const stored = { partialBooking: { replyWindowDays: 21, gone: 1 }, booking: { reasonableNoticeDays: 3 } };
    const s = settingsOverDefaults(stored);
    expect(s.partialBooking.replyWindowDays).toBe(21);
    expect(s.partialBooking.inviteWeeksBeforeDue).toBe(P.partialBooking.inviteWeeksBeforeDue);
    expect(s.booking.reasonableNoticeDays).toBe(21);
    expect(s.pifu).toEqual(P.pifu);
    expect(settingsOverDefaults(null)).toEqual(P);
  });
});

describe('policyInForce', () => {
  const v = (effectiveFrom: string, weeks: number) => ({
    effectiveFrom,
    settings: withPolicy((p) => (p.partialBooking.inviteWeeksBeforeDue = weeks)),
  });
  const versions = [v('2026-06-01', 5), v('2026-01-01', 4), v('2027-01-01', 3)];

  it('takes the latest version effective on or before the day; defaults before any', () => {
    expect(policyInForce(versions, '2025-12-31')).toBe(P);
    expect(policyInForce(versions, '2026-01-01').partialBooking.inviteWeeksBeforeDue).toBe(4);
    expect(policyInForce(versions, '2026-05-31').partialBooking.inviteWeeksBeforeDue).toBe(4);
    expect(policyInForce(versions, '2026-06-01').partialBooking.inviteWeeksBeforeDue).toBe(5);
    expect(policyInForce(versions, '2030-01-01').partialBooking.inviteWeeksBeforeDue).toBe(3);
    expect(policyInForce([], '2030-01-01')).toBe(P);
    expect(versions.map((x) => x.effectiveFrom)).toEqual(['2026-06-01', '2026-01-01', '2027-01-01']);
  });

  it('property: the answer does not depend on the order of the versions', () => {
    fc.assert(
      fc.property(fc.uniqueArray(dayArb, { maxLength: 6 }), dayArb, (days, date) => {
        const vs = days.map((d, i) => v(d, i + 1));
        const reversed = [...vs].reverse();
        expect(policyInForce(vs, date)).toBe(policyInForce(reversed, date));
      }),
    );
  });
});

describe('dnaActions (§2.2)', () => {
  const adult = {
    firstAppointment: true,
    communicated: true,
    ageYearsOnDay: 40,
    vulnerable: false,
    twoWeekWait: false,
  };

  it('first DNA, routine, communication evidenced: nullify (33) and a clinician decides discharge or rebook', () => {
    expect(dnaActions(adult, P)).toEqual({
      recordNullification: true,
      tasks: ['dna-decision'],
      notifyGp: false,
      mayDischargeAutomatically: false,
      rule: 'ACC-2.2-first-dna',
    });
  });

  it('first DNA without evidence it was communicated: no nullification, clinical review', () => {
    const r = dnaActions({ ...adult, communicated: false }, P);
    expect(r.recordNullification).toBe(false);
    expect(r.tasks).toEqual(['clinical-review']);
  });

  it('a later DNA: the clock continues; clinical review, never automatic discharge', () => {
    const r = dnaActions({ ...adult, firstAppointment: false }, P);
    expect(r).toMatchObject({
      recordNullification: false,
      tasks: ['clinical-review'],
      rule: 'ACC-2.2-later-dna',
    });
  });

  it('Two Week Wait first DNA: no nullification; clinical review', () => {
    const r = dnaActions({ ...adult, twoWeekWait: true }, P);
    expect(r).toMatchObject({
      recordNullification: false,
      tasks: ['clinical-review'],
      rule: 'ACC-2.2-2ww-dna',
    });
  });

  it('EX-ACC-04 outpatient first DNA, patient aged 9: status 33 allowed, discharge needs clinician + safeguarding review, no auto-discharge', () => {
    const r = dnaActions({ ...adult, ageYearsOnDay: 9 }, P);
    expect(r).toEqual({
      recordNullification: true,
      tasks: ['safeguarding-review'],
      notifyGp: true,
      mayDischargeAutomatically: false,
      rule: 'ACC-2.2-first-dna-safeguarding',
    });
  });

  it('a vulnerable adult, and a 17-year-old, get a safeguarding review; an 18-year-old does not', () => {
    expect(dnaActions({ ...adult, vulnerable: true, firstAppointment: false }, P).tasks).toEqual([
      'safeguarding-review',
    ]);
    expect(dnaActions({ ...adult, ageYearsOnDay: 17 }, P).tasks).toEqual(['safeguarding-review']);
    expect(dnaActions({ ...adult, ageYearsOnDay: 18 }, P).tasks).toEqual(['dna-decision']);
    const noGp = withPolicy((p) => (p.dna.notifyGpForSafeguarding = false));
    expect(dnaActions({ ...adult, ageYearsOnDay: 9 }, noGp).notifyGp).toBe(false);
  });

  it('property: never automatic discharge, always exactly one task, safeguarding for every child', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 110 }),
        fc.boolean(),
        fc.boolean(),
        (f, c, age, v, w) => {
          const r = dnaActions(
            { firstAppointment: f, communicated: c, ageYearsOnDay: age, vulnerable: v, twoWeekWait: w },
            P,
          );
          expect(r.mayDischargeAutomatically).toBe(false);
          expect(r.tasks).toHaveLength(1);
          if (age < 18 || v) expect(r.tasks).toEqual(['safeguarding-review']);
          if (r.recordNullification) expect(f && c && !w).toBe(true);
        },
      ),
    );
  });
});

describe('patientCancellationActions (§2.3)', () => {
  it('one cancellation, no long delay: no task; second offer within 6 weeks of the cancelled date', () => {
    expect(patientCancellationActions({ cancellationsSoFar: 1, cancelledDate: '2026-03-02' }, P)).toEqual({
      tasks: [],
      secondOfferBy: '2026-04-13',
      rule: 'ACC-2.3-cancellation',
    });
  });

  it('a delay over 6 weeks (43 days) goes to clinical review; exactly 6 weeks does not', () => {
    const d = (days: number) =>
      patientCancellationActions(
        { cancellationsSoFar: 1, requestedDelayDays: days, cancelledDate: '2026-03-02' },
        P,
      );
    expect(d(42).tasks).toEqual([]);
    expect(d(43)).toMatchObject({ tasks: ['clinical-review'], rule: 'ACC-2.3-delay-over-6-weeks' });
  });

  it('repeated cancellations (the policy’s count) go to clinical review', () => {
    expect(
      patientCancellationActions({ cancellationsSoFar: 2, cancelledDate: '2026-03-02' }, P),
    ).toMatchObject({
      tasks: ['clinical-review'],
      rule: 'ACC-2.3-repeated-cancellations',
    });
  });
});

describe('declinedOfferActions', () => {
  it('EX-ACC-03 patient declines first TCI 2025-06-02: second offer dated ≤ 2025-07-14 and ≥ 21 days after it is made', () => {
    const r = declinedOfferActions({ declinedReasonable: 1, firstDeclinedFor: '2025-06-02' }, P);
    expect(r.secondOfferBy).toBe('2025-07-14');
    expect(r.minNoticeDate('2025-06-03')).toBe('2025-06-24');
    expect(r.tasks).toEqual([]);
  });

  it('after 2 declined reasonable offers: an active-monitoring decision for a clinician', () => {
    const r = declinedOfferActions({ declinedReasonable: 2, firstDeclinedFor: '2025-06-02' }, P);
    expect(r.tasks).toEqual(['active-monitoring-decision']);
    expect(r.rule).toBe('ACC-2.3-declined-offers-active-monitoring');
  });
});

describe('hospital cancellations (§2.4)', () => {
  it('EX-ACC-01 operation cancelled on the day 2025-03-10 (bed shortage): rebook by 2025-04-07; breach if not treated by then', () => {
    expect(operationRebookBy('2025-03-10', P)).toBe('2025-04-07');
    expect(operationRebookBreached('2025-03-10', null, '2025-04-07', P)).toBe(false);
    expect(operationRebookBreached('2025-03-10', null, '2025-04-08', P)).toBe(true);
    expect(operationRebookBreached('2025-03-10', '2025-04-07', '2025-05-01', P)).toBe(false);
    expect(operationRebookBreached('2025-03-10', '2025-04-08', '2025-05-01', P)).toBe(true);
  });

  it('EX-ACC-02 moved from 2025-03-10 09:00 to 2025-03-11 08:00, first move: postponement; a second move: cancellation', () => {
    const original = new Date('2025-03-10T09:00:00Z');
    const moved = new Date('2025-03-11T08:00:00Z');
    expect(
      classifyProviderMove({ originalStartsAt: original, newStartsAt: moved, earlierPostponements: 0 }, P),
    ).toBe('postponement');
    expect(
      classifyProviderMove(
        { originalStartsAt: moved, newStartsAt: new Date('2025-03-11T10:00:00Z'), earlierPostponements: 1 },
        P,
      ),
    ).toBe('cancellation');
  });

  it('a move of more than 24 hours is a cancellation; exactly 24 hours is a postponement', () => {
    const original = new Date('2025-03-10T09:00:00Z');
    const move = (h: number) =>
      classifyProviderMove(
        {
          originalStartsAt: original,
          newStartsAt: new Date(original.getTime() + h * 3_600_000),
          earlierPostponements: 0,
        },
        P,
      );
    expect(move(24)).toBe('postponement');
    expect(move(24.01)).toBe('cancellation');
    expect(move(-2)).toBe('postponement');
  });
});

describe('partialBookingDates (§2.1)', () => {
  it('invites 6 weeks before the due date, reply in 14 days, follow-up 7 days after the reminder', () => {
    const d = partialBookingDates({ dueDate: '2027-03-01', addedOn: '2026-11-23' }, P);
    expect(d.inviteOn).toBe('2027-01-18');
    expect(d.replyBy('2027-01-18')).toBe('2027-02-01');
    expect(d.followUpOn('2027-02-01')).toBe('2027-02-08');
  });

  it('never invites before the day the patient was added', () => {
    expect(partialBookingDates({ dueDate: '2026-12-01', addedOn: '2026-11-23' }, P).inviteOn).toBe(
      '2026-11-23',
    );
  });

  it('property: the invitation is on or after the day added and on or before the due date when that is later', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 400 }), (added, ahead) => {
        const due = addDays(parsePlainDate(added), ahead).toString();
        const { inviteOn } = partialBookingDates({ dueDate: due, addedOn: added }, P);
        expect(inviteOn >= added).toBe(true);
        expect(inviteOn <= due).toBe(true);
      }),
    );
  });
});

describe('followUpStatus (§2.8)', () => {
  it('overdue is today after the LCAD; pastLatest likewise', () => {
    const s = (today: string) =>
      followUpStatus({ dueDate: '2026-11-01', latestDate: '2026-11-20' }, today, P);
    expect(s('2026-11-20')).toEqual({ overdue: false, daysOverdue: 0, pastLatest: false });
    expect(s('2026-11-23')).toEqual({ overdue: true, daysOverdue: 3, pastLatest: true });
  });

  it('with no LCAD, overdue is today after the due date (plus the policy’s allowance)', () => {
    const s = (today: string, p = P) => followUpStatus({ dueDate: '2026-11-01', latestDate: null }, today, p);
    expect(s('2026-11-01')).toEqual({ overdue: false, daysOverdue: 0, pastLatest: false });
    expect(s('2026-11-03')).toEqual({ overdue: true, daysOverdue: 2, pastLatest: false });
    const lenient = withPolicy((p) => (p.followUp.overdueAfterDueDays = 7));
    expect(s('2026-11-08', lenient).overdue).toBe(false);
    expect(s('2026-11-09', lenient)).toEqual({ overdue: true, daysOverdue: 1, pastLatest: false });
  });
});

describe('PIFU (§2.8)', () => {
  it('EX-PIFU-01 time-limited, 6 months, from 2025-01-15; no contact: auto-discharge on 2025-07-15', () => {
    expect(pifuEnd({ kind: 'time-limited', startsOn: '2025-01-15', months: 6 })).toBe('2025-07-15');
  });

  it('open-ended PIFU never ends by itself; month ends are clamped', () => {
    expect(pifuEnd({ kind: 'open-ended', startsOn: '2025-01-15', months: null })).toBeNull();
    expect(pifuEnd({ kind: 'time-limited', startsOn: '2025-08-31', months: 6 })).toBe('2026-02-28');
    expect(() => pifuEnd({ kind: 'time-limited', startsOn: '2025-08-31', months: null })).toThrow(RangeError);
  });

  it('EX-PIFU-02 same plan, patient calls 2025-04-02 with a flare: the window continues or restarts per clinician outcome', () => {
    const plan = { kind: 'time-limited' as const, startsOn: '2025-01-15', months: 6, endsOn: '2025-07-15' };
    expect(pifuAfterRequest({ outcome: 'continue', requestOn: '2025-04-02', plan })).toEqual({
      status: 'active',
      startsOn: '2025-01-15',
      endsOn: '2025-07-15',
      rescheduleEnd: false,
    });
    expect(pifuAfterRequest({ outcome: 'restart', requestOn: '2025-04-02', plan })).toEqual({
      status: 'active',
      startsOn: '2025-04-02',
      endsOn: '2025-10-02',
      rescheduleEnd: true,
    });
    expect(pifuAfterRequest({ outcome: 'end', requestOn: '2025-04-02', plan }).status).toBe('ended');
  });

  it('months must be in the policy range for time-limited PIFU and absent for open-ended', () => {
    expect(pifuMonthsProblem('time-limited', 6, P)).toBeNull();
    expect(pifuMonthsProblem('time-limited', 2, P)).toMatch(/3 to 24/);
    expect(pifuMonthsProblem('time-limited', 25, P)).toMatch(/3 to 24/);
    expect(pifuMonthsProblem('time-limited', null, P)).toMatch(/required/);
    expect(pifuMonthsProblem('open-ended', null, P)).toBeNull();
    expect(pifuMonthsProblem('open-ended', 6, P)).toMatch(/left out/);
  });
});

describe('policyJobInstant', () => {
  it('is 09:00 London: 09:00Z in winter, 08:00Z in summer', () => {
    expect(new Date(policyJobInstant('2026-12-01')).toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(new Date(policyJobInstant('2027-07-15')).toISOString()).toBe('2027-07-15T08:00:00.000Z');
  });
});

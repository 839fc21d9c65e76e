import { describe, expect, it } from 'vitest';
import {
  allocationSlotTypes,
  clinicianMatches,
  compareInTurn,
  eligibleForSlot,
  isEligibleForSlot,
  isOutOfTurn,
} from './turn';
import type { FreeSlot, WaitingPatient } from './types';

const today = '2025-07-01';

function patient(id: string, extra: Partial<WaitingPatient> = {}): WaitingPatient {
  return {
    pathwayId: id,
    priority: 'routine',
    clockStart: '2025-03-01',
    referralReceived: '2025-03-01',
    specialtyCode: '110',
    clinicianId: null,
    ...extra,
  };
}

function slot(extra: Partial<FreeSlot> = {}): FreeSlot {
  return {
    slotId: 'S1',
    date: '2025-07-22',
    startsAt: '2025-07-22T09:00:00Z',
    slotType: 'new',
    specialtyCode: '110',
    clinicianId: null,
    capacity: 1,
    ...extra,
  };
}

const ids = (ps: WaitingPatient[]) => ps.map((p) => p.pathwayId);

describe('slot types a patient accepts', () => {
  it('derives them from priority and the appointment needed', () => {
    expect(allocationSlotTypes('routine')).toEqual(['new']);
    expect(allocationSlotTypes('urgent')).toEqual(['urgent-new', 'new']);
    expect(allocationSlotTypes('two-week-wait')).toEqual(['two-week-wait', 'urgent-new']);
    expect(allocationSlotTypes('urgent', 'follow-up')).toEqual(['follow-up', 'procedure']);
  });
});

describe('the in-turn order', () => {
  it('is priority, then the earliest 18-week breach date, then the earliest referral, then pathway id', () => {
    const list = [
      patient('R-late', { clockStart: '2025-04-01', referralReceived: '2025-04-01' }),
      patient('R-early-ref-late', { clockStart: '2025-02-01', referralReceived: '2025-02-01' }),
      patient('R-early-ref-early', { clockStart: '2025-02-01', referralReceived: '2025-01-20' }),
      patient('U', { priority: 'urgent', clockStart: '2025-06-20', referralReceived: '2025-06-20' }),
      patient('W', { priority: 'two-week-wait', clockStart: '2025-06-28', referralReceived: '2025-06-28' }),
      patient('R-tie-b', { clockStart: '2025-02-01', referralReceived: '2025-02-01' }),
    ];
    expect(ids([...list].sort(compareInTurn))).toEqual([
      'W',
      'U',
      'R-early-ref-early',
      'R-early-ref-late',
      'R-tie-b',
      'R-late',
    ]);
  });

  it('lists the eligible patients for a slot in turn', () => {
    const list = [
      patient('B', { clockStart: '2025-01-10', referralReceived: '2025-01-10' }),
      patient('A', { clockStart: '2024-12-01', referralReceived: '2024-12-01' }),
      patient('C', { priority: 'urgent', clockStart: '2025-06-01', referralReceived: '2025-06-01' }),
    ];
    expect(ids(eligibleForSlot(slot(), list, { today }))).toEqual(['C', 'A', 'B']);
  });
});

describe('eligibility filters', () => {
  it('needs the same specialty', () => {
    const list = [patient('A'), patient('B', { specialtyCode: '130' })];
    expect(ids(eligibleForSlot(slot(), list, { today }))).toEqual(['A']);
  });

  it('matches clinicians: a named slot takes its own and untied patients; a pooled slot anyone', () => {
    const list = [
      patient('own', { clinicianId: 'X' }),
      patient('other', { clinicianId: 'Y' }),
      patient('any'),
    ];
    expect(ids(eligibleForSlot(slot({ clinicianId: 'X' }), list, { today }))).toEqual(['any', 'own']);
    expect(ids(eligibleForSlot(slot({ clinicianId: null }), list, { today })).sort()).toEqual([
      'any',
      'other',
      'own',
    ]);
    expect(clinicianMatches('X', 'Y')).toBe(false);
    expect(clinicianMatches('X', null)).toBe(true);
    expect(clinicianMatches(null, 'Y')).toBe(true);
  });

  it('needs a slot type the patient accepts', () => {
    const list = [
      patient('routine'),
      patient('urgent', { priority: 'urgent' }),
      patient('2ww', { priority: 'two-week-wait' }),
      patient('fu', { appointment: 'follow-up' }),
      patient('proc', { slotTypes: ['procedure'] }),
    ];
    const at = (slotType: FreeSlot['slotType']) =>
      ids(eligibleForSlot(slot({ slotType }), list, { today })).sort();
    expect(at('new')).toEqual(['routine', 'urgent']);
    expect(at('urgent-new')).toEqual(['2ww', 'urgent']);
    expect(at('two-week-wait')).toEqual(['2ww']);
    expect(at('follow-up')).toEqual(['fu']);
    expect(at('procedure')).toEqual(['fu', 'proc']);
  });

  it('leaves out patients unavailable on the slot date (both ends inclusive)', () => {
    const away = (from: string, to: string) => patient(`${from}..${to}`, { unavailable: [{ from, to }] });
    const list = [
      away('2025-07-22', '2025-07-30'),
      away('2025-07-10', '2025-07-22'),
      away('2025-07-23', '2025-08-01'),
      away('2025-07-01', '2025-07-21'),
    ];
    expect(ids(eligibleForSlot(slot(), list, { today })).sort()).toEqual([
      '2025-07-01..2025-07-21',
      '2025-07-23..2025-08-01',
    ]);
  });

  it('needs at least the minimum notice', () => {
    const list = [patient('A')];
    expect(ids(eligibleForSlot(slot({ date: '2025-07-08' }), list, { today, minNoticeDays: 7 }))).toEqual([
      'A',
    ]);
    expect(ids(eligibleForSlot(slot({ date: '2025-07-07' }), list, { today, minNoticeDays: 7 }))).toEqual([]);
    expect(ids(eligibleForSlot(slot({ date: '2025-06-30' }), list, { today }))).toEqual([]);
    expect(ids(eligibleForSlot(slot({ date: today }), list, { today }))).toEqual(['A']);
  });

  it('refuses bad input', () => {
    expect(() => isEligibleForSlot(slot({ date: '2025-13-01' }), patient('A'), { today })).toThrow(
      RangeError,
    );
    expect(() => isEligibleForSlot(slot(), patient('A'), { today, minNoticeDays: -1 })).toThrow(RangeError);
    expect(() =>
      isEligibleForSlot(slot(), patient('A', { unavailable: [{ from: '2025-07-23', to: '2025-07-22' }] }), {
        today,
      }),
    ).toThrow(RangeError);
  });
});

describe('out of turn', () => {
  const list = [
    patient('first', { clockStart: '2024-10-01', referralReceived: '2024-10-01' }),
    patient('second', { clockStart: '2024-11-01', referralReceived: '2024-11-01' }),
    patient('away', {
      clockStart: '2024-09-01',
      referralReceived: '2024-09-01',
      unavailable: [{ from: '2025-07-20', to: '2025-07-25' }],
    }),
    patient('other-specialty', {
      clockStart: '2024-01-01',
      referralReceived: '2024-01-01',
      specialtyCode: '130',
    }),
  ];

  it('is false for the first eligible patient, true for anyone after them', () => {
    expect(isOutOfTurn(slot(), 'first', list, { today })).toBe(false);
    expect(isOutOfTurn(slot(), 'second', list, { today })).toBe(true);
  });

  it('ignores patients ahead who are not eligible (unavailable, another specialty)', () => {
    // 'away' and 'other-specialty' wait longer but cannot take this slot.
    expect(isOutOfTurn(slot(), 'first', list, { today })).toBe(false);
    // On a day 'away' can attend, booking 'first' skips them.
    expect(isOutOfTurn(slot({ date: '2025-07-28' }), 'first', list, { today })).toBe(true);
  });

  it('throws for a pathway not on the list', () => {
    expect(() => isOutOfTurn(slot(), 'nobody', list, { today })).toThrow(RangeError);
  });
});

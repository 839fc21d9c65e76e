import { describe, expect, it } from 'vitest';
import {
  appointmentActivity,
  checkExportRange,
  labelFor,
  rttStatusDescription,
  CLINIC_OUTCOME_LABELS,
} from './exports';

describe('export rules', () => {
  it('takes a range of up to 366 days, both ends included', () => {
    expect(checkExportRange('2026-01-01', '2026-01-01')).toEqual([]);
    expect(checkExportRange('2024-01-01', '2024-12-31')).toEqual([]);
    expect(checkExportRange('2025-11-23', '2026-11-23')).toEqual([]);
    expect(checkExportRange('2025-11-22', '2026-11-23')).toEqual([
      {
        field: 'to',
        message: 'The dates cover 367 days: an export covers 366 days at most, so choose a shorter range',
      },
    ]);
    expect(checkExportRange('2026-11-02', '2026-11-01')).toEqual([
      { field: 'to', message: 'The end date must be the same as or after the start date' },
    ]);
    expect(checkExportRange('2026-02-30', 'soon').map((p) => p.field)).toEqual(['from', 'to']);
  });

  it('says what each appointment counts as', () => {
    const at = (status: string, cancelledBy: string | null = null, date = '2026-11-20') =>
      appointmentActivity({ status, cancelledBy, date }, '2026-11-23');
    expect(at('attended')).toBe('attended');
    expect(at('dna')).toBe('did-not-attend');
    expect(at('cancelled', 'patient')).toBe('cancelled-by-patient');
    expect(at('rescheduled', 'hospital')).toBe('cancelled-by-hospital');
    expect(at('cancelled-on-day', 'patient')).toBe('cancelled-by-patient');
    expect(at('cancelled-on-day')).toBe('cancelled-by-hospital');
    expect(at('displaced')).toBe('cancelled-by-hospital');
    expect(at('booked')).toBe('attendance-not-recorded');
    expect(at('arrived', null, '2026-11-23')).toBeNull();
    expect(at('booked', null, '2026-12-01')).toBeNull();
    expect(at('something-new')).toBeNull();
  });

  it('names outcomes and RTT statuses', () => {
    expect(labelFor(CLINIC_OUTCOME_LABELS, 'follow-up')).toBe('Follow-up');
    expect(labelFor(CLINIC_OUTCOME_LABELS, 'new-outcome')).toBe('new-outcome');
    expect(labelFor(CLINIC_OUTCOME_LABELS, null)).toBe('');
    expect(rttStatusDescription('30')).toMatch(/treatment/i);
    expect(rttStatusDescription('77')).toBe('77');
  });
});

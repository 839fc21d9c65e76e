import { describe, expect, it } from 'vitest';
import { CLINIC_OUTCOMES, outcomeRttCode, surgicalDueBy } from './clinic-outcome';

describe('clinic outcomes and the RTT status they record', () => {
  it.each([
    ['follow-up', '20'],
    ['add-to-admitted-list', '20'],
    ['treatment-started', '30'],
    ['discharge', '34'],
  ] as const)('%s with a clock running records %s', (outcome, code) => {
    expect(outcomeRttCode({ outcome, clockRunning: true })).toBe(code);
  });

  it('records active monitoring as 31 when the patient starts it and 32 when the clinician does', () => {
    expect(
      outcomeRttCode({ outcome: 'active-monitoring', clockRunning: true, activeMonitoringBy: 'patient' }),
    ).toBe('31');
    expect(
      outcomeRttCode({ outcome: 'active-monitoring', clockRunning: true, activeMonitoringBy: 'clinician' }),
    ).toBe('32');
    expect(outcomeRttCode({ outcome: 'active-monitoring', clockRunning: true })).toBe('32');
  });

  it('records nothing once the clock has stopped (follow-ups after treatment are outside RTT)', () => {
    for (const outcome of CLINIC_OUTCOMES)
      expect(outcomeRttCode({ outcome, clockRunning: false })).toBeNull();
  });
});

describe('surgical priority targets (§2.7)', () => {
  it.each([
    ['P1a', '2026-11-24'],
    ['P1b', '2026-11-26'],
    ['P2', '2026-12-21'],
    ['P3', '2027-02-22'],
    ['P4', null],
  ] as const)('%s decided on 23 November 2026 is due by %s', (priority, due) => {
    expect(surgicalDueBy('2026-11-23', priority)).toBe(due);
  });
});

import { describe, it, expect } from 'vitest';
import { newRttClockEvent, newRttClockStart, rttClockStart } from './clock-start';
import type { RttClockStart, RttNewClockReason, RttNewClockStart, RttReferralSource } from './clock-start';

describe('first clock start (§1.3, S1–S10)', () => {
  it.each<{ id: string; source: RttReferralSource; expected: RttClockStart }>([
    {
      id: 'EX-RTT-01 (S1) paper GP referral: date received',
      source: { route: 'consultant-led', receivedOn: '2025-01-06' },
      expected: { start: '2025-01-06', rule: 'S1' },
    },
    {
      id: 'EX-RTT-02 (S3) e-RS: the UBRN conversion date, not its creation',
      source: { route: 'e-rs', createdOn: '2025-01-02', ubrnConvertedOn: '2025-01-10' },
      expected: { start: '2025-01-10', rule: 'S3' },
    },
    {
      id: 'EX-RTT-03 (S3) e-RS, no slots: the ASI worklist date, not the provider booking date',
      source: {
        route: 'e-rs',
        ubrnConvertedOn: '2025-03-03',
        asiWorklistOn: '2025-03-03',
        bookedByProviderOn: '2025-03-20',
      },
      expected: { start: '2025-03-03', rule: 'S3' },
    },
    {
      id: 'S3 e-RS: an earlier activity on the UBRN (booking into a CAS) gives the earlier date',
      source: { route: 'e-rs', ubrnConvertedOn: '2025-03-10', earlierActivityOn: '2025-03-04' },
      expected: { start: '2025-03-04', rule: 'S3' },
    },
    {
      id: 'EX-RTT-04 (S2) interface service: its receipt of the GP referral, not the onward receipt',
      source: {
        route: 'interface-service',
        interfaceReceivedOn: '2025-01-02',
        onwardReceivedOn: '2025-01-28',
      },
      expected: { start: '2025-01-02', rule: 'S2' },
    },
    {
      id: 'S5 paper referral to an interface service, sent on by e-RS: UBRN conversion is not the start',
      source: {
        route: 'interface-service',
        interfaceReceivedOn: '2025-01-02',
        onwardUbrnConvertedOn: '2025-02-01',
      },
      expected: { start: '2025-01-02', rule: 'S5' },
    },
    {
      id: 'S4 two UBRNs on one period: the first conversion date',
      source: {
        route: 'e-rs-two-ubrns',
        firstUbrnConvertedOn: '2025-01-07',
        secondUbrnConvertedOn: '2025-02-11',
      },
      expected: { start: '2025-01-07', rule: 'S4' },
    },
    {
      id: 'EX-RTT-05 (S7) inter-provider transfer: the original start from the IPTAMDS',
      source: { route: 'inter-provider-transfer', originalStart: '2025-01-02', receivedOn: '2025-01-28' },
      expected: { start: '2025-01-02', rule: 'S7' },
    },
    {
      id: 'S6 self-referral: date received',
      source: { route: 'self-referral', receivedOn: '2025-02-17' },
      expected: { start: '2025-02-17', rule: 'S6' },
    },
    {
      id: 'S8 referred elsewhere for a diagnostic or opinion only: no new clock',
      source: { route: 'diagnostic-or-opinion-only' },
      expected: { start: null, rule: 'S8' },
    },
    {
      id: 'EX-RTT-30 (S9) patient moves from Scotland: the English receipt date, never backdated',
      source: {
        route: 'cross-border',
        originalReferralOn: '2025-05-01',
        englishProviderReceivedOn: '2025-08-04',
      },
      expected: { start: '2025-08-04', rule: 'S9' },
    },
    {
      id: 'S10 phone then letter: the letter date',
      source: { route: 'phone', phoneOn: '2025-03-03', letterReceivedOn: '2025-03-06' },
      expected: { start: '2025-03-06', rule: 'S10' },
    },
    {
      id: 'S10 phone and no letter: the phone date',
      source: { route: 'phone', phoneOn: '2025-03-03' },
      expected: { start: '2025-03-03', rule: 'S10' },
    },
  ])('$id', ({ source, expected }) => {
    expect(rttClockStart(source)).toEqual(expected);
  });

  it('an e-RS start with no usable date is a RangeError', () => {
    expect(() => rttClockStart({ route: 'e-rs', createdOn: '2025-01-02' })).toThrow(RangeError);
  });

  it('a malformed date is a RangeError naming the field', () => {
    expect(() => rttClockStart({ route: 'consultant-led', receivedOn: '2025-02-30' })).toThrow(/receivedOn/);
  });
});

describe('new clock after a completed period (rule 3, N1–N5)', () => {
  it.each<{ id: string; reason: RttNewClockReason; expected: RttNewClockStart }>([
    {
      id: 'EX-RTT-19 (N1) second cataract: the date the patient is fit and ready',
      reason: { rule: 'N1', clinicallyReadyOn: '2025-04-14', patientAvailableOn: '2025-04-01' },
      expected: { start: '2025-04-14', rule: 'N1', code: '10' },
    },
    {
      id: 'N1 fit and ready needs both: a patient available later than clinically ready starts later',
      reason: { rule: 'N1', clinicallyReadyOn: '2025-04-14', patientAvailableOn: '2025-05-05' },
      expected: { start: '2025-05-05', rule: 'N1', code: '10' },
    },
    {
      id: 'EX-RTT-20 (N2) decision to refer for IVF after IUI: the decision date',
      reason: { rule: 'N2', decisionCommunicatedOn: '2025-06-10' },
      expected: { start: '2025-06-10', rule: 'N2', code: '10' },
    },
    {
      id: 'N2 referred for diagnostics with a view to treatment: the onward-referral date',
      reason: {
        rule: 'N2',
        decisionCommunicatedOn: '2025-06-10',
        referredForDiagnosticsOrOpinionOn: '2025-06-12',
      },
      expected: { start: '2025-06-12', rule: 'N2', code: '10' },
    },
    {
      id: 'N2 referred to a different provider: the date it receives the referral',
      reason: { rule: 'N2', decisionCommunicatedOn: '2025-06-10', otherProviderReceivedOn: '2025-06-16' },
      expected: { start: '2025-06-16', rule: 'N2', code: '10' },
    },
    {
      id: 'N3 re-referred: receipt of the new referral',
      reason: { rule: 'N3', newReferralReceivedOn: '2025-09-01' },
      expected: { start: '2025-09-01', rule: 'N3', code: '10' },
    },
    {
      id: 'EX-RTT-16 (N4) decision to operate after watchful waiting: decision date, status 11',
      reason: { rule: 'N4', decisionCommunicatedOn: '2025-09-01' },
      expected: { start: '2025-09-01', rule: 'N4', code: '11' },
    },
    {
      id: 'N4 earlier referral for diagnostics with a view to treatment',
      reason: { rule: 'N4', decisionCommunicatedOn: '2025-09-01', referredForDiagnosticsOn: '2025-08-11' },
      expected: { start: '2025-08-11', rule: 'N4', code: '11' },
    },
    {
      id: 'EX-RTT-06 (N5) patient phones to rebook after a nullified DNA',
      reason: { rule: 'N5', patientContactedOn: '2025-03-10' },
      expected: { start: '2025-03-10', rule: 'N5', code: '10' },
    },
    {
      id: 'EX-RTT-07 (N5) clinician decides to offer another first appointment before the patient calls',
      reason: { rule: 'N5', clinicianDecidedOn: '2025-03-05', patientContactedOn: '2025-03-10' },
      expected: { start: '2025-03-05', rule: 'N5', code: '10' },
    },
  ])('$id', ({ reason, expected }) => {
    expect(newRttClockStart(reason)).toEqual(expected);
    expect(newRttClockEvent(reason)).toEqual({ date: expected.start, code: expected.code });
  });

  it('N5 with neither date is a RangeError', () => {
    expect(() => newRttClockStart({ rule: 'N5' })).toThrow(RangeError);
  });
});

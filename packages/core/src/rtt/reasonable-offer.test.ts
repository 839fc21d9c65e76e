import { describe, it, expect } from 'vitest';
import {
  activeMonitoringForDelay,
  isReasonableOffer,
  isSecondOfferWithinSixWeeks,
  offerNoticeDays,
  secondOfferLatestDate,
} from './reasonable-offer';
import type { DeclinedOffer } from './reasonable-offer';

describe('reasonable offer (§1.5)', () => {
  it.each([
    { id: 'EX-RTT-18', madeOn: '2025-05-01', offeredFor: '2025-05-22', days: 21, reasonable: true },
    { id: 'EX-RTT-18', madeOn: '2025-05-01', offeredFor: '2025-05-21', days: 20, reasonable: false },
    { id: 'EX-RTT-17 offer A', madeOn: '2025-05-01', offeredFor: '2025-06-02', days: 32, reasonable: true },
    { id: 'EX-RTT-17 offer B', madeOn: '2025-05-12', offeredFor: '2025-06-23', days: 42, reasonable: true },
  ])(
    '$id: made $madeOn for $offeredFor → $days days, reasonable: $reasonable',
    ({ madeOn, offeredFor, days, reasonable }) => {
      expect(offerNoticeDays({ madeOn, offeredFor })).toBe(days);
      expect(isReasonableOffer({ madeOn, offeredFor })).toBe(reasonable);
    },
  );
});

describe('patient-initiated delay → active monitoring (§1.4)', () => {
  const offerA: DeclinedOffer = {
    madeOn: '2025-05-01',
    offeredFor: '2025-06-02',
    declinedOn: '2025-05-02',
    reason: 'holiday',
  };
  const offerB: DeclinedOffer = { madeOn: '2025-05-12', offeredFor: '2025-06-23', declinedOn: '2025-05-13' };
  const shortNotice: DeclinedOffer = {
    madeOn: '2025-05-01',
    offeredFor: '2025-05-21',
    declinedOn: '2025-05-02',
  };

  it('EX-RTT-17: offer B (2025-06-23) is within 6 weeks of declined offer A (2025-06-02)', () => {
    expect(isSecondOfferWithinSixWeeks(offerA.offeredFor, offerB.offeredFor)).toBe(true);
    expect(secondOfferLatestDate(offerA.offeredFor)).toBe('2025-07-14');
    expect(isSecondOfferWithinSixWeeks('2025-06-02', '2025-07-15')).toBe(false);
  });

  it('EX-RTT-17: two declined reasonable offers, a clinical conversation and agreement → active monitoring (32) allowed', () => {
    expect(
      activeMonitoringForDelay({
        declinedOffers: [offerA, offerB],
        clinicalConversationHeld: true,
        patientAgrees: true,
      }),
    ).toEqual({ allowed: true, reasonableDeclined: 2, reasons: [] });
  });

  it('EX-RTT-18: a 20-day offer cannot count towards the two declined reasonable offers', () => {
    const result = activeMonitoringForDelay({
      declinedOffers: [offerA, shortNotice],
      clinicalConversationHeld: true,
      patientAgrees: true,
    });
    expect(result).toMatchObject({ allowed: false, reasonableDeclined: 1 });
    expect(result.reasons[0]).toMatch(/two are needed/);
  });

  it('never automatic: without the conversation and the patient’s agreement it is not allowed', () => {
    const result = activeMonitoringForDelay({
      declinedOffers: [offerA, offerB],
      clinicalConversationHeld: false,
      patientAgrees: false,
    });
    expect(result.allowed).toBe(false);
    expect(result.reasons).toHaveLength(2);
  });
});

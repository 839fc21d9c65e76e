import { describe, it, expect } from 'vitest';
import {
  activeMonitoringReviewDue,
  cancellationsNeedClinicalReview,
  patientDelayNeedsClinicalReview,
  thinkingTimeStatus,
} from './patient-delay';

describe('patient delays and reviews (§1.4)', () => {
  it.each([
    {
      id: 'EX-RTT-26 next steps agreed by phone on day 5',
      agreed: '2025-06-06',
      asOf: '2025-06-20',
      due: false,
    },
    { id: 'EX-RTT-26 nothing agreed, day 14 (2025-06-15)', agreed: null, asOf: '2025-06-15', due: false },
    {
      id: 'EX-RTT-26 nothing agreed, day 15: discuss with patient',
      agreed: null,
      asOf: '2025-06-16',
      due: true,
    },
    {
      id: 'EX-RTT-26 agreement recorded for a later day does not count yet',
      agreed: '2025-06-20',
      asOf: '2025-06-16',
      due: true,
    },
  ])('$id → discussion due: $due', ({ agreed, asOf, due }) => {
    expect(thinkingTimeStatus({ offeredOn: '2025-06-01', nextStepsAgreedOn: agreed, asOf })).toEqual({
      agreeBy: '2025-06-15',
      discussionDue: due,
    });
  });

  it.each([
    { id: 'EX-RTT-27 defer by 10 weeks', days: 70, review: true },
    { id: 'EX-RTT-27 exactly 6 weeks is not more than 6 weeks', days: 42, review: false },
    { id: 'EX-RTT-27 6 weeks and a day', days: 43, review: true },
  ])('$id → clinical review: $review', ({ days, review }) => {
    expect(patientDelayNeedsClinicalReview(days)).toBe(review);
  });

  it.each([
    {
      id: 'EX-RTT-13 three cancellations (local threshold 2) → clinical review',
      count: 3,
      threshold: undefined,
      review: true,
    },
    { id: 'EX-RTT-13 one cancellation → no review', count: 1, threshold: undefined, review: false },
    {
      id: 'EX-RTT-13 local threshold 4, three cancellations → no review yet',
      count: 3,
      threshold: 4,
      review: false,
    },
  ])('$id', ({ count, threshold, review }) => {
    expect(cancellationsNeedClinicalReview(count, threshold)).toBe(review);
  });

  it('EX-RTT-17: active monitoring from 2025-05-20 → clinical review due by 2025-08-12, then every 12 weeks', () => {
    expect(activeMonitoringReviewDue('2025-05-20')).toBe('2025-08-12');
    expect(activeMonitoringReviewDue('2025-05-20', '2025-08-11')).toBe('2025-11-03');
  });

  it('a negative or fractional delay is a RangeError', () => {
    expect(() => patientDelayNeedsClinicalReview(-1)).toThrow(RangeError);
    expect(() => patientDelayNeedsClinicalReview(2.5)).toThrow(RangeError);
  });
});

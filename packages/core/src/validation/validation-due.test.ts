import { describe, it, expect } from 'vitest';
import { validationBatch, validationDue } from './validation-due';
import type { ValidationDue, ValidationDueInput } from './validation-due';

// Worked examples from the domain spec §2.6, plus the cadence rules stated there.
describe('waiting-list validation due (spec §2.6)', () => {
  it.each<{ id: string; input: ValidationDueInput; expected: ValidationDue }>([
    {
      id: 'EX-VAL-01 [spec text says "not yet due" but its own arithmetic gives due from 2025-03-31; implemented: due, include in batch]',
      input: { clockStart: '2025-01-06', lastValidatedOn: null, lastContactOn: null, asOf: '2025-04-01' },
      expected: { due: true, dueOn: '2025-03-31', reasons: ['milestone-12-weeks', 'contact-every-12-weeks'] },
    },
    {
      id: 'EX-VAL-01 on 2025-03-31 (day 84, 12 weeks reached): due',
      input: { clockStart: '2025-01-06', lastValidatedOn: null, lastContactOn: null, asOf: '2025-03-31' },
      expected: { due: true, dueOn: '2025-03-31', reasons: ['milestone-12-weeks', 'contact-every-12-weeks'] },
    },
    {
      id: 'EX-VAL-01 on 2025-03-30 (day 83): not yet due, falls due 2025-03-31',
      input: { clockStart: '2025-01-06', lastValidatedOn: null, lastContactOn: null, asOf: '2025-03-30' },
      expected: {
        due: false,
        dueOn: '2025-03-31',
        reasons: ['milestone-12-weeks', 'contact-every-12-weeks'],
      },
    },
    {
      id: '12-week validation and contact on 2025-04-01: next due is the 12-weekly contact 2025-06-24, before the 26-week point',
      input: {
        clockStart: '2025-01-06',
        lastValidatedOn: '2025-04-01',
        lastContactOn: '2025-04-01',
        asOf: '2025-05-01',
      },
      expected: { due: false, dueOn: '2025-06-24', reasons: ['contact-every-12-weeks'] },
    },
    {
      id: '26-week milestone reached: due even though a contact was recent',
      input: {
        clockStart: '2025-01-06',
        lastValidatedOn: '2025-04-01',
        lastContactOn: '2025-06-30',
        asOf: '2025-07-07',
      },
      expected: { due: true, dueOn: '2025-07-07', reasons: ['milestone-26-weeks'] },
    },
    {
      id: 'a validation before the 12-week point does not count as the 12-week validation',
      input: {
        clockStart: '2025-01-06',
        lastValidatedOn: '2025-03-01',
        lastContactOn: '2025-03-01',
        asOf: '2025-04-01',
      },
      expected: { due: true, dueOn: '2025-03-31', reasons: ['milestone-12-weeks'] },
    },
    {
      id: '52-week milestone (2026-01-05)',
      input: {
        clockStart: '2025-01-06',
        lastValidatedOn: '2025-07-07',
        lastContactOn: '2025-12-01',
        asOf: '2026-01-05',
      },
      expected: { due: true, dueOn: '2026-01-05', reasons: ['milestone-52-weeks'] },
    },
    {
      id: 'after 52 weeks: every 12 weeks since the last contact',
      input: {
        clockStart: '2025-01-06',
        lastValidatedOn: '2026-01-05',
        lastContactOn: '2026-01-05',
        asOf: '2026-03-30',
      },
      expected: { due: true, dueOn: '2026-03-30', reasons: ['contact-every-12-weeks'] },
    },
  ])('$id', ({ input, expected }) => {
    expect(validationDue(input)).toEqual(expected);
  });

  it('validationBatch: the due pathways, longest waiters first, without reordering the input', () => {
    const pathways = [
      { id: 'b', clockStart: '2025-01-06', lastValidatedOn: null, lastContactOn: null },
      { id: 'not-due', clockStart: '2025-03-03', lastValidatedOn: null, lastContactOn: null },
      { id: 'a', clockStart: '2024-12-02', lastValidatedOn: null, lastContactOn: null },
    ];
    const copy = structuredClone(pathways);
    expect(validationBatch(pathways, '2025-04-01').map((p) => p.id)).toEqual(['a', 'b']);
    expect(pathways).toEqual(copy);
  });
});

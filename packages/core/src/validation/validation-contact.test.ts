import { describe, it, expect } from 'vitest';
import { evaluateRtt } from '../rtt/engine';
import {
  validationContactStatus,
  validationRemovalEvent,
  validationResponseOutcome,
} from './validation-contact';

describe('validation contacts and replies (spec §2.6)', () => {
  it.each([
    {
      id: 'EX-VAL-02 no reply by 2025-04-15: send a reminder / another channel, stay on the list',
      asOf: '2025-04-15',
      repliedOn: null,
      action: 'send-reminder',
    },
    {
      id: 'EX-VAL-02 on 2025-04-14 the 14-day reply window is still open',
      asOf: '2025-04-14',
      repliedOn: null,
      action: 'wait-for-reply',
    },
    {
      id: 'EX-VAL-02 a reply arrived: process it',
      asOf: '2025-04-15',
      repliedOn: '2025-04-09',
      action: 'process-reply',
    },
  ] as const)('$id', ({ asOf, repliedOn, action }) => {
    expect(validationContactStatus({ sentOn: '2025-04-01', repliedOn, asOf })).toEqual({
      action,
      reminderFrom: '2025-04-15',
      remainsOnList: true,
    });
  });

  it('EX-VAL-02 no clock change: the RTT clock runs on regardless of the validation contact', () => {
    const result = evaluateRtt({
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [],
      asOf: '2025-04-15',
    });
    expect(result.current).toMatchObject({ running: true, start: '2025-01-06', daysWaited: 99 });
  });

  it('a local reply window shorter than 14 days is refused', () => {
    expect(() =>
      validationContactStatus({
        sentOn: '2025-04-01',
        repliedOn: null,
        asOf: '2025-04-10',
        replyWindowDays: 7,
      }),
    ).toThrow(RangeError);
  });

  it('EX-VAL-03 "treated privately": task to confirm; stop 34 (local mapping) on the confirmation date; letters to patient and GP', () => {
    expect(validationResponseOutcome('treated-elsewhere')).toEqual({
      keepOnList: true,
      task: 'confirm-removal',
      stopCodeOnConfirmation: '34',
      lettersTo: ['patient', 'gp'],
    });
    const stop = validationRemovalEvent({
      response: 'treated-elsewhere',
      confirmedOn: '2025-04-22',
      clinicianConfirmed: true,
    });
    expect(stop).toEqual({ date: '2025-04-22', code: '34', clinicianDecision: true });
    const result = evaluateRtt({
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [{ date: '2025-02-03', code: '10' }, stop],
      asOf: '2025-04-30',
    });
    expect(result.periods).toEqual([
      { start: '2025-01-06', end: '2025-04-22', endCode: '34', nullified: false },
    ]);
  });

  it('EX-VAL-03 with a local mapping of "treated elsewhere" to 35', () => {
    const mapping = {
      'treated-elsewhere': '35',
      'no-longer-needs-care': '34',
      'declines-treatment': '35',
    } as const;
    expect(validationResponseOutcome('treated-elsewhere', mapping).stopCodeOnConfirmation).toBe('35');
  });

  it('no removal without a clinical decision', () => {
    expect(() =>
      validationRemovalEvent({
        response: 'declines-treatment',
        confirmedOn: '2025-04-22',
        clinicianConfirmed: false,
      }),
    ).toThrow(/clinical decision/);
  });

  it.each([
    ['still-needs-care', 'none'],
    ['postpone', 'record-patient-delay'],
    ['no-reply', 'follow-up-non-responder'],
  ] as const)('%s keeps the patient on the list (task: %s) and never stops the clock', (response, task) => {
    expect(validationResponseOutcome(response)).toMatchObject({
      keepOnList: true,
      task,
      stopCodeOnConfirmation: null,
    });
  });
});

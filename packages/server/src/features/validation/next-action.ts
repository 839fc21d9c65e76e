/**
 * What to do next with a validation contact, from where it has got to and core's rules: wait at least 14 days
 * for a reply before a reminder or another channel (`validationContactStatus`, EX-VAL-02), and what a reply
 * leads to (`validationResponseOutcome`, EX-VAL-03). Nobody leaves the list for not replying, and a removal
 * waits for a clinician's decision.
 */
import {
  validationContactStatus,
  validationResponseOutcome,
  type ValidationResponse,
  type ValidationResponseOutcome,
} from '@pathflow/core';
import type { ContactOutcome, ContactStatus, NextActionKind } from './schemas';

export interface ContactState {
  status: ContactStatus;
  sentOn: string | null;
  reminderSentOn: string | null;
  response: ValidationResponse | null;
  outcome: ContactOutcome | null;
}

export interface NextAction {
  action: NextActionKind;
  label: string;
  from: string | null;
}

export const POSTPONE_ADVICE =
  'Record the delay the patient asked for on their pathway: a delay of more than 6 weeks needs a clinical review.';

export const isRemovalResponse = (
  r: ValidationResponse | null,
): r is 'treated-elsewhere' | 'no-longer-needs-care' | 'declines-treatment' =>
  r === 'treated-elsewhere' || r === 'no-longer-needs-care' || r === 'declines-treatment';

/** The task core gives for the contact's reply, if it has one. */
export const taskOf = (c: ContactState): ValidationResponseOutcome['task'] | null =>
  c.response === null ? null : validationResponseOutcome(c.response).task;

export function nextActionOf(c: ContactState, today: string): NextAction {
  switch (c.status) {
    case 'to-contact':
      return {
        action: 'send-contact',
        label: 'Contact the patient to ask whether they still need their treatment',
        from: null,
      };
    case 'awaiting-reply': {
      const last = c.reminderSentOn ?? c.sentOn;
      if (last === null) throw new Error('A contact awaiting a reply has a sent date');
      const s = validationContactStatus({ sentOn: last, repliedOn: null, asOf: today });
      if (s.action === 'wait-for-reply') {
        return {
          action: 'wait-for-reply',
          label:
            c.reminderSentOn === null
              ? `Wait for a reply. From ${s.reminderFrom} send a reminder or try another way of contacting the patient.`
              : `Reminder sent. Wait for a reply until ${s.reminderFrom}.`,
          from: s.reminderFrom,
        };
      }
      return c.reminderSentOn === null
        ? {
            action: 'send-reminder',
            label:
              'No reply within 14 days: send a reminder or try another way of contacting the patient. They stay on the waiting list.',
            from: s.reminderFrom,
          }
        : {
            action: 'follow-up-non-responder',
            label:
              'No reply to the reminder: follow it up (for example by phone) or record that the patient has not replied. They stay on the waiting list.',
            from: s.reminderFrom,
          };
    }
    case 'replied':
      if (isRemovalResponse(c.response)) {
        return {
          action: 'confirm-removal',
          label:
            'The patient asked to come off the list. A clinician must decide and the decision be confirmed with the patient; until then they stay on the waiting list.',
          from: null,
        };
      }
      return {
        action: 'follow-up-non-responder',
        label:
          'The patient has not replied: follow up by another route. They stay on the waiting list; nobody is removed for not replying.',
        from: null,
      };
    case 'closed':
      return {
        action: 'none',
        label: c.outcome === 'postponed' ? `Validation finished. ${POSTPONE_ADVICE}` : 'Validation finished',
        from: null,
      };
  }
}

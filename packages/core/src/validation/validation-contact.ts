/**
 * Administrative validation contacts and replies (spec §2.6): wait at least 14 days for a reply before a
 * reminder or another channel; non-responders stay on the list; removal needs a clinical decision and the
 * patient's agreement, and is recorded as a clock stop on the confirmation date.
 */
import { addDays, daysBetween, parsePlainDate } from '../time/plain-date';
import type { RttEvent } from '../rtt/engine';

/** At least 14 days for a reply before a reminder or phone follow-up (national default [INFERRED]; local). */
export const VALIDATION_REPLY_WINDOW_DAYS = 14;

export interface ValidationContactInput {
  sentOn: string;
  repliedOn: string | null;
  asOf: string;
  /** Local reply window; at least 14 days. */
  replyWindowDays?: number;
}

export interface ValidationContactStatus {
  action: 'wait-for-reply' | 'send-reminder' | 'process-reply';
  /** First day a reminder or another channel may be used (sentOn + reply window). */
  reminderFrom: string;
  /** Always true: no one is removed from the list for not replying. */
  remainsOnList: boolean;
}

/** What to do next with a validation contact (EX-VAL-02). The RTT clock is never affected. */
export function validationContactStatus(input: ValidationContactInput): ValidationContactStatus {
  const window = input.replyWindowDays ?? VALIDATION_REPLY_WINDOW_DAYS;
  if (!Number.isInteger(window) || window < VALIDATION_REPLY_WINDOW_DAYS) {
    throw new RangeError(
      `The reply window must be at least ${VALIDATION_REPLY_WINDOW_DAYS} whole days; got ${window}`,
    );
  }
  const sent = parsePlainDate(input.sentOn);
  const asOf = parsePlainDate(input.asOf);
  const replied = input.repliedOn !== null && daysBetween(parsePlainDate(input.repliedOn), asOf) >= 0;
  const reminderFrom = addDays(sent, window);
  const action = replied
    ? 'process-reply'
    : daysBetween(reminderFrom, asOf) >= 0
      ? 'send-reminder'
      : 'wait-for-reply';
  return { action, reminderFrom: reminderFrom.toString(), remainsOnList: true };
}

export const VALIDATION_RESPONSES = [
  'still-needs-care',
  'postpone',
  'treated-elsewhere',
  'no-longer-needs-care',
  'declines-treatment',
  'no-reply',
] as const;
export type ValidationResponse = (typeof VALIDATION_RESPONSES)[number];

export type RemovalResponse = 'treated-elsewhere' | 'no-longer-needs-care' | 'declines-treatment';

/**
 * Which RTT stop code records a confirmed removal. The spec says "34/35 as appropriate" [INFERRED mapping],
 * so this is local configuration: by default treated elsewhere and no longer needing care are 34 (no
 * further contact required; discharged to the GP), declining treatment is 35.
 */
export const DEFAULT_REMOVAL_STOP_CODES = {
  'treated-elsewhere': '34',
  'no-longer-needs-care': '34',
  'declines-treatment': '35',
} as const satisfies Record<RemovalResponse, '34' | '35'>;
export type RemovalStopCodes = Record<RemovalResponse, '34' | '35'>;

export interface ValidationResponseOutcome {
  /** Stays on the waiting list (for removals: until a clinician or administrator confirms). */
  keepOnList: boolean;
  task: 'none' | 'confirm-removal' | 'record-patient-delay' | 'follow-up-non-responder';
  /** The stop code to record on confirmation, or null when the clock carries on. */
  stopCodeOnConfirmation: '34' | '35' | null;
  /** Letters on confirmation. */
  lettersTo: ('patient' | 'gp')[];
}

/**
 * What a patient's validation reply leads to (EX-VAL-03). Nothing is removed or stopped automatically:
 * removals create a task to confirm, and the clock stops only on the confirmation date.
 */
export function validationResponseOutcome(
  response: ValidationResponse,
  stopCodes: RemovalStopCodes = DEFAULT_REMOVAL_STOP_CODES,
): ValidationResponseOutcome {
  switch (response) {
    case 'still-needs-care':
      return { keepOnList: true, task: 'none', stopCodeOnConfirmation: null, lettersTo: [] };
    case 'postpone':
      // The clock keeps running; a delay of more than 6 weeks needs a clinical review (§1.4).
      return { keepOnList: true, task: 'record-patient-delay', stopCodeOnConfirmation: null, lettersTo: [] };
    case 'no-reply':
      return {
        keepOnList: true,
        task: 'follow-up-non-responder',
        stopCodeOnConfirmation: null,
        lettersTo: [],
      };
    case 'treated-elsewhere':
    case 'no-longer-needs-care':
    case 'declines-treatment':
      return {
        keepOnList: true,
        task: 'confirm-removal',
        stopCodeOnConfirmation: stopCodes[response],
        lettersTo: ['patient', 'gp'],
      };
  }
}

export interface ConfirmedRemoval {
  response: RemovalResponse;
  /** The date the removal was confirmed with the patient: the clock stop date. */
  confirmedOn: string;
  /** A clinician decided the removal (required: no removal without a clinical decision). */
  clinicianConfirmed: boolean;
}

/**
 * The RTT event that records a confirmed removal, for appending to the pathway's events. Throws a
 * RangeError when no clinician confirmed it.
 */
export function validationRemovalEvent(
  removal: ConfirmedRemoval,
  stopCodes: RemovalStopCodes = DEFAULT_REMOVAL_STOP_CODES,
): RttEvent {
  if (!removal.clinicianConfirmed) {
    throw new RangeError('A patient cannot be removed from the waiting list without a clinical decision');
  }
  return {
    date: parsePlainDate(removal.confirmedOn).toString(),
    code: stopCodes[removal.response],
    clinicianDecision: true,
  };
}

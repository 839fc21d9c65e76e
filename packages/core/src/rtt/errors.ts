/**
 * The rules the RTT engine enforces on an event history, each with a stable id. Ids starting with `§` cite
 * the domain spec (shared/spec/nhs-domain.md); `input.*` ids are about the shape of the input itself.
 * The §1.6 sequence rules are the spec's [INFERRED] sequence-validation suggestions.
 */
export const RTT_RULES = {
  'input.date': 'Dates must be ISO calendar dates written YYYY-MM-DD.',
  'input.priority': "Priority must be 'routine', 'urgent' or 'two-week-wait'.",
  'input.events': 'Events must be a list of { date, code } records.',
  'input.event-order': 'Events must be listed in date order.',
  'input.before-referral':
    'An RTT event cannot be dated before the referral that started the clock (§1.3); only 92, 98 and 99 may be.',
  'input.dna-date':
    'The missed appointment behind a discharge must fall inside the running clock period and not after the discharge.',
  '§1.6/unknown-code':
    'Only the 17 RTT period status codes (10–12, 20–21, 30–36, 90–92, 98, 99) are recognised.',
  '§1.6/no-running-clock':
    'A stop code ends its period; activity (20, 21) and further stop codes need a running clock, which only a new clock start (10, 11) provides.',
  '§1.6/after-treatment':
    'After first definitive treatment (30) only 90 is valid for the condition until a new clock starts (10, 11).',
  '§1.6/active-monitoring':
    '11 (decision to treat after active monitoring) and 91 (activity during active monitoring) need a prior start of active monitoring (31 or 32).',
  '§1.6/first-activity':
    '10 marks the first activity of a period; a period cannot have two first activities.',
  '§1.6/new-pathway':
    '12 starts a period on a new pathway (new PPID) for a separate condition; on an existing pathway it can only be the first activity.',
  '§1.6/dna-first-activity':
    '33 can only be recorded for the first care activity of a period (§1.4 rule 5e).',
  '§1.6/admin-stop-open-period':
    'An administrative stop such as 36 applies only to an open period and cannot close or backdate a completed one (Annex E).',
  '§1.4/clinical-decision':
    'Starting active monitoring (31, 32) and deciding not to treat or to discharge (34) are clinical decisions (rule 5b, 5d).',
  '§1.4/dna-discharge':
    'Discharge after a missed appointment needs a clearly communicated appointment and a clinician’s decision under the published DNA policy; no automatic "two strikes" rule (rule 5f).',
  '§1.4/died': 'No RTT activity can follow the patient’s death (36).',
} as const;

export type RttRuleId = keyof typeof RTT_RULES;

/**
 * Thrown by the RTT engine when the input breaks a rule. `eventIndex` is the position of the offending event
 * in `events`, or null when the problem is in `referralReceived`, `asOf` or `priority`. The message is plain
 * English, suitable for showing to the member of staff who recorded the events.
 */
export class RttRuleError extends Error {
  override readonly name = 'RttRuleError';
  readonly eventIndex: number | null;
  readonly rule: RttRuleId;

  constructor(rule: RttRuleId, eventIndex: number | null, message: string) {
    super(message);
    this.rule = rule;
    this.eventIndex = eventIndex;
  }

  toJSON(): { eventIndex: number | null; rule: RttRuleId; message: string } {
    return { eventIndex: this.eventIndex, rule: this.rule, message: this.message };
  }
}

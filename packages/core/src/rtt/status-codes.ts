/**
 * RTT period status codes (DSCN 18/2006; NHS Data Dictionary REFERRAL TO TREATMENT PERIOD STATUS), as
 * listed in the domain spec §1.6 (RTT recording guidance Annex D and Annex E).
 */

/**
 * What a code does to the clock:
 * - `first-activity` (10): first care activity in a period; the period itself started at the referral.
 *   After a completed period, a 10 starts a new clock (rule 3: N1, N2, N3, N5).
 * - `new-period` (11, 12): first activity of a new period (11 after active monitoring; 12 on a new pathway).
 * - `running` (20, 21): the clock keeps running.
 * - `stop` (30–36): the clock stops; 33 also nullifies the period when its conditions hold (§1.4 rule 5e).
 * - `outside` (90–99): not part of an RTT period; no effect on a clock.
 */
export const RTT_CODE_EFFECTS = ['first-activity', 'new-period', 'running', 'stop', 'outside'] as const;
export type RttCodeEffect = (typeof RTT_CODE_EFFECTS)[number];

export interface RttStatusInfo {
  code: string;
  description: string;
  effect: RttCodeEffect;
  /** For stop codes: a treatment stop (rule 4) or a non-treatment stop (rule 5); otherwise null. */
  stopKind: 'treatment' | 'non-treatment' | null;
  /**
   * True when the code may be recorded as an administrative (no-contact) clock stop in Outpatient CDS,
   * First Attendance code 5 (Annex E): 31, 32, 34, 35, 36. Only on an open period; never backdated.
   */
  administrativeStop: boolean;
}

export const RTT_STATUS = {
  '10': {
    code: '10',
    description: 'First activity in a referral to treatment period',
    effect: 'first-activity',
    stopKind: null,
    administrativeStop: false,
  },
  '11': {
    code: '11',
    description: 'First activity of a new period after active monitoring ends (decision to treat)',
    effect: 'new-period',
    stopKind: null,
    administrativeStop: false,
  },
  '12': {
    code: '12',
    description:
      'First activity of a new period after a decision to refer direct to a consultant for a separate condition (new pathway identifier)',
    effect: 'new-period',
    stopKind: null,
    administrativeStop: false,
  },
  '20': {
    code: '20',
    description: 'Subsequent activity, further activity expected',
    effect: 'running',
    stopKind: null,
    administrativeStop: false,
  },
  '21': {
    code: '21',
    description: 'Transfer to another health care provider',
    effect: 'running',
    stopKind: null,
    administrativeStop: false,
  },
  '30': {
    code: '30',
    description: 'Start of first definitive treatment',
    effect: 'stop',
    stopKind: 'treatment',
    administrativeStop: false,
  },
  '31': {
    code: '31',
    description: 'Start of active monitoring initiated by the patient',
    effect: 'stop',
    stopKind: 'non-treatment',
    administrativeStop: true,
  },
  '32': {
    code: '32',
    description: 'Start of active monitoring initiated by the care professional',
    effect: 'stop',
    stopKind: 'non-treatment',
    administrativeStop: true,
  },
  '33': {
    code: '33',
    description: 'Patient did not attend the first care activity after the referral',
    effect: 'stop',
    stopKind: 'non-treatment',
    administrativeStop: false,
  },
  '34': {
    code: '34',
    description: 'Decision not to treat, or no further contact required',
    effect: 'stop',
    stopKind: 'non-treatment',
    administrativeStop: true,
  },
  '35': {
    code: '35',
    description: 'Patient declined offered treatment',
    effect: 'stop',
    stopKind: 'non-treatment',
    administrativeStop: true,
  },
  '36': {
    code: '36',
    description: 'Patient died before treatment',
    effect: 'stop',
    stopKind: 'non-treatment',
    administrativeStop: true,
  },
  '90': {
    code: '90',
    description: 'After first treatment (not part of a referral to treatment period)',
    effect: 'outside',
    stopKind: null,
    administrativeStop: false,
  },
  '91': {
    code: '91',
    description: 'Activity during active monitoring',
    effect: 'outside',
    stopKind: null,
    administrativeStop: false,
  },
  '92': {
    code: '92',
    description: 'Not yet referred for treatment (for example, diagnostics before referral)',
    effect: 'outside',
    stopKind: null,
    administrativeStop: false,
  },
  '98': {
    code: '98',
    description: 'Not applicable to referral to treatment (for example, not consultant-led)',
    effect: 'outside',
    stopKind: null,
    administrativeStop: false,
  },
  '99': {
    code: '99',
    description: 'Not yet known',
    effect: 'outside',
    stopKind: null,
    administrativeStop: false,
  },
} as const satisfies Record<string, RttStatusInfo>;

export type RttStatusCode = keyof typeof RTT_STATUS;
export const RTT_STATUS_CODES = Object.keys(RTT_STATUS) as RttStatusCode[];

/** Codes that stop a clock (30–36). */
export const RTT_STOP_CODES = [
  '30',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
] as const satisfies readonly RttStatusCode[];
export type RttStopCode = (typeof RTT_STOP_CODES)[number];

export function isRttStatusCode(code: string): code is RttStatusCode {
  return Object.prototype.hasOwnProperty.call(RTT_STATUS, code);
}

/**
 * Referral priority (Data Dictionary PRIORITY TYPE: 1 Routine, 2 Urgent, 3 Two Week Wait, now "Urgent
 * Suspected Cancer or Breast Symptomatic"). A local "soon" maps to urgent (§2.7).
 */
export const RTT_PRIORITIES = ['routine', 'urgent', 'two-week-wait'] as const;
export type RttPriority = (typeof RTT_PRIORITIES)[number];

/**
 * The cancer clocks of one pathway, derived from its cancer waiting-times events (spec §3.1), and the rules a
 * sequence of those events must keep. A separate set of timers from the pathway's RTT clock (§8.1): nothing
 * here reads or changes it.
 *
 * - 28-day Faster Diagnosis Standard: from the referral (on a route that has it) to the diagnosis, or that
 *   cancer is ruled out, being communicated.
 * - 62-day: from the referral (on a route that has it) or from a consultant upgrade, to the first treatment.
 * - 31-day: one clock for each decision to treat, to the next treatment start (first or subsequent) on or
 *   after it.
 *
 * A waiting-time adjustment is recorded on the event that stops a clock (the diagnosis communicated or the
 * treatment start, as the Cancer Waiting Times data set records adjustments with the treatment) and is taken
 * off every clock that event stops. The spec does not define adjustments: the days are the caller's, applied
 * under the national guidance.
 */
import { CANCER_ROUTES, cancerStandardsForRoute, decisionToTreatClock } from './cancer-clocks';
import { fasterDiagnosisClock, referralToTreatmentClock } from './cancer-clocks';
import type { CancerClock, CancerRoute } from './cancer-clocks';
import { parsePlainDate } from '../time/plain-date';

export const CANCER_EVENT_KINDS = [
  'referral',
  'consultant-upgrade',
  'diagnosis-communicated',
  'decision-to-treat',
  'treatment-start',
] as const;
export type CancerEventKind = (typeof CANCER_EVENT_KINDS)[number];

export const CANCER_TREATMENTS = ['first', 'subsequent'] as const;
export type CancerTreatment = (typeof CANCER_TREATMENTS)[number];

/**
 * The rules a pathway's cancer events must keep, each with a stable id. Ids starting with `§3.1` are about
 * the cancer waiting-times standards; `input.*` ids are about the shape of the input itself.
 */
export const CANCER_RULES = {
  'input.event':
    'A cancer event is a referral, consultant upgrade, diagnosis communicated, decision to treat or treatment start, dated YYYY-MM-DD, with an adjustment of zero or more whole days.',
  '§3.1/referral-route':
    'A cancer referral records its route (urgent suspected cancer, breast symptomatic, urgent screening, consultant upgrade or other); no other event has a route.',
  '§3.1/treatment-kind':
    'A treatment start records whether it is the first or a subsequent treatment; no other event does.',
  '§3.1/one-referral': 'A pathway has at most one cancer referral.',
  '§3.1/before-clock-start':
    'No cancer event can be dated before the referral, and the first treatment cannot be before a consultant upgrade.',
  '§3.1/upgrade-route':
    'A consultant upgrade starts a 62-day clock: it is not recorded on a route that already has one (urgent suspected cancer, urgent screening), and at most once.',
  '§3.1/diagnosis-route':
    'The diagnosis communicated stops the 28-day Faster Diagnosis Standard clock: it needs a referral on a route that has one (urgent suspected cancer, breast symptomatic, urgent screening), and is recorded once.',
  '§3.1/first-treatment': 'A pathway has one first treatment, and no subsequent treatment starts before it.',
  '§3.1/treatment-without-decision':
    'Every treatment start ends a 31-day clock: it needs a decision to treat on or before it, after any earlier treatment.',
  '§3.1/adjustment-on-stop':
    'A waiting-time adjustment is recorded on the event that stops a clock: the diagnosis communicated or a treatment start.',
} as const;
export type CancerRuleId = keyof typeof CANCER_RULES;

/** The part of an event a rule points at. */
export type CancerEventField = 'kind' | 'date' | 'route' | 'treatment' | 'adjustmentDays';

/**
 * Thrown when a pathway's cancer events break a rule. `eventIndex` is the position of the offending event in
 * the input and `field` the part of it at fault; the message is plain English, for the member of staff who
 * recorded the event.
 */
export class CancerRuleError extends Error {
  override readonly name = 'CancerRuleError';
  readonly rule: CancerRuleId;
  readonly eventIndex: number;
  readonly field: CancerEventField;

  constructor(rule: CancerRuleId, eventIndex: number, field: CancerEventField, message: string) {
    super(message);
    this.rule = rule;
    this.eventIndex = eventIndex;
    this.field = field;
  }
}

export interface CancerEvent {
  kind: CancerEventKind;
  date: string;
  /** For a referral only: how the patient came onto the cancer pathway. */
  route?: CancerRoute | null | undefined;
  /** For a treatment start only. */
  treatment?: CancerTreatment | null | undefined;
  /** Days taken off the clocks this event stops (0 when none). */
  adjustmentDays?: number | undefined;
}

/** A referral taken as read when the pathway has no referral event (the caller says when this applies). */
export interface AssumedCancerReferral {
  date: string;
  route: CancerRoute;
}

export interface CancerPathwayInput {
  /**
   * The pathway's cancer events in the order they were recorded. Their order does not change the clocks;
   * when two events conflict, the one recorded later is the one refused.
   */
  events: readonly CancerEvent[];
  /** Used only when `events` has no referral. */
  assumedReferral?: AssumedCancerReferral | null | undefined;
  /** The day the clocks are read. Events dated after it have not happened yet. */
  asOf: string;
}

export interface CancerPathwayClocks {
  /**
   * How the patient came onto the cancer pathway: the referral's route (or the assumed referral's),
   * `consultant-upgrade` for an upgrade with no referral, or null when neither is recorded.
   */
  route: CancerRoute | null;
  /** True when the route comes from `assumedReferral`, not from a referral event. */
  referralAssumed: boolean;
  /** The 28-day, then the 62-day, then each 31-day clock in order of the decision to treat. */
  clocks: CancerClock[];
}

/** Events of one day are taken in pathway order: a start before the stop it may meet the same day. */
const KIND_ORDER: Record<CancerEventKind, number> = {
  referral: 0,
  'consultant-upgrade': 1,
  'diagnosis-communicated': 2,
  'decision-to-treat': 3,
  'treatment-start': 4,
};

interface Indexed {
  event: CancerEvent;
  index: number;
}

const ROUTE_NAMES: Record<CancerRoute, string> = {
  'urgent-suspected-cancer': 'an urgent suspected cancer referral',
  'breast-symptomatic': 'a breast symptomatic referral',
  'urgent-screening': 'an urgent screening referral',
  'consultant-upgrade': 'a consultant upgrade',
  other: 'this referral route',
};

const KIND_NAMES: Record<CancerEventKind, string> = {
  referral: 'The referral',
  'consultant-upgrade': 'The consultant upgrade',
  'diagnosis-communicated': 'The diagnosis communicated',
  'decision-to-treat': 'The decision to treat',
  'treatment-start': 'The treatment start',
};

function inDateOrder(events: readonly CancerEvent[]): Indexed[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) =>
      a.event.date !== b.event.date
        ? a.event.date < b.event.date
          ? -1
          : 1
        : KIND_ORDER[a.event.kind] - KIND_ORDER[b.event.kind] || a.index - b.index,
    );
}

/** The later recorded of two conflicting events is the one refused. */
const later = (a: Indexed, b: Indexed): Indexed => (a.index > b.index ? a : b);

function checkShape(event: CancerEvent, index: number): void {
  const bad = (field: CancerEventField, message: string) =>
    new CancerRuleError('input.event', index, field, message);
  if (!(CANCER_EVENT_KINDS as readonly string[]).includes(event.kind)) {
    throw bad('kind', `"${String(event.kind)}" is not a kind of cancer event`);
  }
  try {
    parsePlainDate(event.date);
  } catch {
    throw bad('date', `${JSON.stringify(event.date)} is not a date written YYYY-MM-DD`);
  }
  const adjustment = event.adjustmentDays ?? 0;
  if (!Number.isInteger(adjustment) || adjustment < 0) {
    throw bad('adjustmentDays', 'The adjustment must be a whole number of days, zero or more');
  }
  const route = event.route ?? null;
  if (route !== null && !(CANCER_ROUTES as readonly string[]).includes(route)) {
    throw bad('route', `"${String(route)}" is not a cancer referral route`);
  }
  const treatment = event.treatment ?? null;
  if (treatment !== null && !(CANCER_TREATMENTS as readonly string[]).includes(treatment)) {
    throw bad('treatment', 'The treatment must be first or subsequent');
  }
  if (event.kind === 'referral' && route === null) {
    throw new CancerRuleError(
      '§3.1/referral-route',
      index,
      'route',
      'Record the route of the cancer referral',
    );
  }
  if (event.kind !== 'referral' && route !== null) {
    throw new CancerRuleError(
      '§3.1/referral-route',
      index,
      'route',
      'Only a cancer referral has a route: leave it out for this event',
    );
  }
  if (event.kind === 'treatment-start' && treatment === null) {
    throw new CancerRuleError(
      '§3.1/treatment-kind',
      index,
      'treatment',
      'Record whether this is the first or a subsequent treatment',
    );
  }
  if (event.kind !== 'treatment-start' && treatment !== null) {
    throw new CancerRuleError(
      '§3.1/treatment-kind',
      index,
      'treatment',
      'Only a treatment start is first or subsequent: leave it out for this event',
    );
  }
  if (adjustment > 0 && event.kind !== 'diagnosis-communicated' && event.kind !== 'treatment-start') {
    throw new CancerRuleError(
      '§3.1/adjustment-on-stop',
      index,
      'adjustmentDays',
      'Record a waiting-time adjustment on the diagnosis communicated or the treatment start it applies to',
    );
  }
}

/** Each decision to treat paired with the next treatment start on or after it (null while none). */
function decisionPairs(ordered: readonly Indexed[]): { decision: Indexed; treatment: Indexed | null }[] {
  const pairs: { decision: Indexed; treatment: Indexed | null }[] = [];
  ordered.forEach((d, i) => {
    if (d.event.kind !== 'decision-to-treat') return;
    const treatment = ordered.slice(i + 1).find((e) => e.event.kind === 'treatment-start') ?? null;
    pairs.push({ decision: d, treatment });
  });
  return pairs;
}

/**
 * Checks a pathway's cancer events against the rules, throwing a CancerRuleError for the first one broken
 * (the later recorded of two conflicting events is the one named).
 */
export function checkCancerEvents(
  events: readonly CancerEvent[],
  assumedReferral: AssumedCancerReferral | null = null,
): void {
  events.forEach(checkShape);
  const ordered = inDateOrder(events);
  const of = (kind: CancerEventKind) => ordered.filter((e) => e.event.kind === kind);

  const referrals = of('referral');
  const [referral, secondReferral] = referrals;
  if (referral && secondReferral) {
    const refused = later(referral, secondReferral);
    throw new CancerRuleError(
      '§3.1/one-referral',
      refused.index,
      'kind',
      `This pathway already has a cancer referral (${refused === secondReferral ? referral.event.date : secondReferral.event.date}); a pathway has only one`,
    );
  }
  const route = referral?.event.route ?? (referral ? null : (assumedReferral?.route ?? null));
  const referralDate = referral?.event.date ?? (referral ? null : (assumedReferral?.date ?? null));

  if (referralDate !== null) {
    const early = ordered.find((e) => e.event.kind !== 'referral' && e.event.date < referralDate);
    if (early) {
      const refused = referral ? later(early, referral) : early;
      throw new CancerRuleError(
        '§3.1/before-clock-start',
        refused.index,
        'date',
        refused === early
          ? `${KIND_NAMES[early.event.kind]} cannot be before the referral was received (${referralDate})`
          : `The referral cannot be received after an event already on the pathway (${early.event.date})`,
      );
    }
  }

  const upgrades = of('consultant-upgrade');
  const [upgrade, secondUpgrade] = upgrades;
  if (upgrade && secondUpgrade) {
    throw new CancerRuleError(
      '§3.1/upgrade-route',
      later(upgrade, secondUpgrade).index,
      'kind',
      'This pathway has already been upgraded; a pathway is upgraded once',
    );
  }
  if (upgrade && route !== null && cancerStandardsForRoute(route).includes('rtt-62')) {
    const refused = referral ? later(upgrade, referral) : upgrade;
    throw new CancerRuleError(
      '§3.1/upgrade-route',
      refused.index,
      refused === upgrade ? 'kind' : 'route',
      refused === upgrade
        ? `On ${ROUTE_NAMES[route]} the 62-day clock already runs from the referral: a consultant upgrade does not apply`
        : `The pathway has a consultant upgrade, and ${ROUTE_NAMES[route]} has its own 62-day clock: choose the route the patient was referred on`,
    );
  }

  const diagnoses = of('diagnosis-communicated');
  const [diagnosis, secondDiagnosis] = diagnoses;
  if (diagnosis && secondDiagnosis) {
    throw new CancerRuleError(
      '§3.1/diagnosis-route',
      later(diagnosis, secondDiagnosis).index,
      'kind',
      `The diagnosis was already communicated (${diagnosis.event.date}); it is recorded once`,
    );
  }
  if (diagnosis && (route === null || !cancerStandardsForRoute(route).includes('fds-28'))) {
    const refused = referral ? later(diagnosis, referral) : diagnosis;
    throw new CancerRuleError(
      '§3.1/diagnosis-route',
      refused.index,
      refused === diagnosis ? 'kind' : 'route',
      route === null
        ? 'The diagnosis communicated stops the Faster Diagnosis Standard clock: record the urgent suspected cancer, breast symptomatic or urgent screening referral first'
        : refused === diagnosis
          ? `The Faster Diagnosis Standard does not apply to ${ROUTE_NAMES[route]}, so there is no clock for the diagnosis communicated to stop`
          : `The pathway has a diagnosis communicated, which needs a route with a Faster Diagnosis Standard clock`,
    );
  }

  const treatments = of('treatment-start');
  const firsts = treatments.filter((t) => t.event.treatment === 'first');
  const [first, secondFirst] = firsts;
  if (first && secondFirst) {
    throw new CancerRuleError(
      '§3.1/first-treatment',
      later(first, secondFirst).index,
      'treatment',
      `The first treatment is already recorded (${first.event.date}): record this one as subsequent`,
    );
  }
  const subsequent = treatments.find((t) => t.event.treatment === 'subsequent');
  if (subsequent && (!first || ordered.indexOf(subsequent) < ordered.indexOf(first))) {
    const refused = first ? later(subsequent, first) : subsequent;
    throw new CancerRuleError(
      '§3.1/first-treatment',
      refused.index,
      refused === subsequent ? 'treatment' : 'date',
      first === undefined
        ? 'A subsequent treatment needs the first treatment recorded before it'
        : refused === subsequent
          ? `A subsequent treatment cannot start before the first treatment (${first.event.date})`
          : `The first treatment cannot start after a subsequent treatment already on the pathway (${subsequent.event.date})`,
    );
  }
  if (upgrade && first && ordered.indexOf(first) < ordered.indexOf(upgrade)) {
    const refused = later(upgrade, first);
    throw new CancerRuleError(
      '§3.1/before-clock-start',
      refused.index,
      'date',
      refused === upgrade
        ? `A consultant upgrade cannot be after the first treatment (${first.event.date})`
        : `The first treatment cannot be before the consultant upgrade (${upgrade.event.date})`,
    );
  }

  const answered = new Set(
    decisionPairs(ordered)
      .map((p) => p.treatment)
      .filter((t) => t !== null),
  );
  const unanswered = treatments.find((t) => !answered.has(t));
  if (unanswered) {
    throw new CancerRuleError(
      '§3.1/treatment-without-decision',
      unanswered.index,
      'kind',
      'Record the decision to treat before this treatment start: each treatment ends a 31-day clock from a decision to treat made on or before it, after any earlier treatment',
    );
  }
}

/**
 * The cancer clocks of a pathway on `asOf`. Events dated after `asOf` have not happened yet. Derivation does
 * not check the rules (see `checkCancerEvents`): it reads what is there, so that a pathway recorded under
 * other rules still shows its clocks. A stop only meets a clock that started on or before it.
 */
export function cancerPathwayClocks(input: CancerPathwayInput): CancerPathwayClocks {
  input.events.forEach((e, i) => {
    try {
      parsePlainDate(e.date);
    } catch {
      throw new CancerRuleError('input.event', i, 'date', `${JSON.stringify(e.date)} is not a date`);
    }
  });
  parsePlainDate(input.asOf);
  const ordered = inDateOrder(input.events);
  const referralEvent = ordered.find((e) => e.event.kind === 'referral');
  const referral: AssumedCancerReferral | null = referralEvent
    ? referralEvent.event.route
      ? { date: referralEvent.event.date, route: referralEvent.event.route }
      : null
    : (input.assumedReferral ?? null);
  const upgrade = ordered.find((e) => e.event.kind === 'consultant-upgrade');
  const route: CancerRoute | null = referral?.route ?? (upgrade ? 'consultant-upgrade' : null);
  const result: CancerPathwayClocks = {
    route,
    referralAssumed: referralEvent === undefined && referral !== null,
    clocks: [],
  };

  const happened = ordered.filter((e) => e.event.date <= input.asOf);
  const firstOnOrAfter = (date: string, test: (e: CancerEvent) => boolean) =>
    happened.find((e) => e.event.date >= date && test(e.event))?.event ?? null;
  const standards = referral ? cancerStandardsForRoute(referral.route) : [];

  if (referral && standards.includes('fds-28') && referral.date <= input.asOf) {
    const stop = firstOnOrAfter(referral.date, (e) => e.kind === 'diagnosis-communicated');
    result.clocks.push(
      fasterDiagnosisClock({
        route: referral.route,
        referralReceived: referral.date,
        diagnosisCommunicated: stop?.date ?? null,
        asOf: input.asOf,
        adjustmentDays: stop?.adjustmentDays ?? 0,
      }),
    );
  }

  const start62 =
    referral && standards.includes('rtt-62')
      ? { route: referral.route, date: referral.date }
      : upgrade
        ? { route: 'consultant-upgrade' as const, date: upgrade.event.date }
        : null;
  if (start62 && start62.date <= input.asOf) {
    const stop = firstOnOrAfter(start62.date, (e) => e.kind === 'treatment-start' && e.treatment === 'first');
    result.clocks.push(
      referralToTreatmentClock({
        route: start62.route,
        start: start62.date,
        firstTreatment: stop?.date ?? null,
        asOf: input.asOf,
        adjustmentDays: stop?.adjustmentDays ?? 0,
      }),
    );
  }

  for (const { decision, treatment } of decisionPairs(happened)) {
    const earlierFirst = happened.some(
      (e) =>
        e.event.kind === 'treatment-start' &&
        e.event.treatment === 'first' &&
        happened.indexOf(e) < happened.indexOf(decision),
    );
    result.clocks.push(
      decisionToTreatClock({
        decisionToTreat: decision.event.date,
        treatmentStart: treatment?.event.date ?? null,
        treatment: treatment?.event.treatment ?? (earlierFirst ? 'subsequent' : 'first'),
        asOf: input.asOf,
        adjustmentDays: treatment?.event.adjustmentDays ?? 0,
      }),
    );
  }
  return result;
}

/**
 * The week's escalations: what in a specialty's figures a service manager must act on, read from the pack.
 *
 * - `forecast-52-weeks`: at least one patient is expected to pass 52 weeks within the forecast.
 * - `no-capacity`: potential breaches with no clinic of the right slot type ahead (the list cannot book them).
 * - `demand-exceeds-capacity`: more referrals join than patients leave each week (load over 1): the list grows.
 *   Only when at least `MIN_LEAVERS` patients left the list over the weeks counted: a load measured from one
 *   or two leavers says more about missing history than about the service (the pack still shows it).
 * - `long-waits-rising`: more patients over 52 weeks than in last week's pack.
 *
 * Each escalated specialty becomes an `escalate-capacity` task on its management team's queue, and each of that
 * team's service managers gets one message for the week listing their specialties (`./jobs.ts`).
 */
import type { EscalationFigures, EscalationReason } from '@pathflow/core';
import type { WeeklyPack } from './data';

export { ESCALATION_REASONS, escalationText, type EscalationReason } from '@pathflow/core';

/** Patients who must have left the list in the weeks counted for the load to be escalated. */
export const MIN_LEAVERS = 10;

/** Expected patients (a mean over runs) from which a forecast counts as "at least one". */
const AT_LEAST_ONE = 0.5;

export interface Escalation {
  code: string;
  name: string;
  reasons: EscalationReason[];
  /** urgent when patients are expected to pass 65 or 78 weeks, otherwise high. */
  priority: 'urgent' | 'high';
  figures: EscalationFigures;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function weeklyEscalations(pack: WeeklyPack): Escalation[] {
  const change = new Map((pack.changeSinceLastWeek?.specialties ?? []).map((c) => [c.code, c]));
  const out: Escalation[] = [];
  for (const s of pack.specialties) {
    const reasons: EscalationReason[] = [];
    if (s.expectedBreaches['52'] >= AT_LEAST_ONE) reasons.push('forecast-52-weeks');
    if (s.breachReasons['no-capacity'] > 0) reasons.push('no-capacity');
    const load = s.capacity.load;
    const leavers = (s.capacity.capacity ?? 0) * (s.capacity.weeksCounted ?? 0);
    if (load !== null && load > 1 && leavers >= MIN_LEAVERS - 1e-9) reasons.push('demand-exceeds-capacity');
    const over52Change = change.get(s.code)?.over52 ?? null;
    if (over52Change !== null && over52Change > 0) reasons.push('long-waits-rising');
    if (reasons.length === 0) continue;
    const expected65 = s.expectedBreaches['65'];
    const expected78 = s.expectedBreaches['78'];
    out.push({
      code: s.code,
      name: s.name,
      reasons,
      priority: expected65 >= AT_LEAST_ONE || expected78 >= AT_LEAST_ONE ? 'urgent' : 'high',
      figures: {
        expected52: Math.round(s.expectedBreaches['52']),
        expected65: Math.round(expected65),
        expected78: Math.round(expected78),
        noCapacity: s.breachReasons['no-capacity'],
        load: load === null ? null : round2(load),
        over52: s.over52,
        over52Change,
      },
    });
  }
  return out;
}

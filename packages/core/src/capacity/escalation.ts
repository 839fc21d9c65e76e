/**
 * The weekly pack's escalation reasons and their plain words, shared by the server (the pack and the message to
 * service managers) and the web app (an escalation task's page), which reads the same figures from the task.
 */
export const ESCALATION_REASONS = [
  'forecast-52-weeks',
  'no-capacity',
  'demand-exceeds-capacity',
  'long-waits-rising',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** The figures behind an escalation's reasons (whole patients, load to two places). */
export interface EscalationFigures {
  expected52: number;
  expected65: number;
  expected78: number;
  noCapacity: number;
  load: number | null;
  over52: number;
  over52Change: number | null;
}

const patients = (n: number) => `${n} ${n === 1 ? 'patient' : 'patients'}`;

/** One reason in plain words, with its figure, starting in lower case ("about 3 patients expected to …"). */
export function escalationText(reason: EscalationReason, f: EscalationFigures): string {
  switch (reason) {
    case 'forecast-52-weeks':
      return `about ${patients(Math.max(1, f.expected52))} expected to pass 52 weeks`;
    case 'no-capacity':
      return `${patients(f.noCapacity)} at risk with no clinic of the right type booked ahead`;
    case 'demand-exceeds-capacity':
      return `more referrals than patients seen each week (load ${f.load?.toFixed(2) ?? 'unknown'})`;
    case 'long-waits-rising': {
      const n = f.over52Change ?? 0;
      return `${n} more ${n === 1 ? 'patient' : 'patients'} waiting over 52 weeks than last week`;
    }
  }
}

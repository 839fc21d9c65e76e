/** Words and figures for the breach forecast page, in the NHS's plain style. */
import type { PotentialBreachReason, SlotType } from '../../api/forecast';

export const LOADING_TEXT = 'Working out the forecast. This can take up to a minute on a large waiting list.';

export const THRESHOLDS = ['18', '52', '65', '78'] as const;

export const REASON_LABELS: Record<PotentialBreachReason, string> = {
  'no-capacity': 'No clinic of the right type in the next 26 weeks',
  unbooked: 'Not booked and unlikely to be seen in time',
  'patient-delay': 'Patient unavailable',
  'booked-after-breach': 'Booked after the breach date',
  'rebooking-risk': 'Likely to need rebooking',
};

export const SLOT_TYPE_LABELS: Record<SlotType, string> = {
  new: 'New',
  'follow-up': 'Follow-up',
  'urgent-new': 'Urgent new',
  'two-week-wait': 'Two-week wait',
  procedure: 'Procedure',
};

const expected = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** An expected number (a mean over the runs), to one decimal place: 12.34 → "12.3", 1234 → "1,234". */
export function formatExpected(n: number): string {
  const text = expected.format(Math.round(n * 10) / 10);
  return text === '-0' ? '0' : text;
}

/** A change: "+1.5", "−2" (a minus sign, not a hyphen), or "No change". */
export function formatChange(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  if (rounded === 0) return 'No change';
  return rounded > 0 ? `+${formatExpected(rounded)}` : `−${formatExpected(-rounded)}`;
}

/** Days to the breach date: "in 12 days", "tomorrow", "today" or "breached". */
export function formatLead(days: number): string {
  if (days < 0) return 'breached';
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}

/** A probability as a whole percentage: 0.834 → "83%". */
export function formatChance(p: number): string {
  return `${Math.round(p * 100)}%`;
}

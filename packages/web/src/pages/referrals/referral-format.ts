/** Words for referral values on screen, in the NHS's sentence case. */
import type { ClinicType, ReferralPriority, ReferralSource, TriageKind } from '@pathflow/core';
import { formatDate } from '../../format';

export const SOURCE_LABELS: Record<ReferralSource, string> = {
  'gp-paper': 'GP paper referral',
  'e-rs': 'e-RS',
  'consultant-to-consultant': 'Consultant to consultant',
  'self-referral': 'Self-referral',
  'inter-provider-transfer': 'Inter-provider transfer',
  'other-professional': 'Other care professional',
  'interface-service': 'Interface service',
};

export const PRIORITY_LABELS: Record<ReferralPriority, string> = {
  routine: 'Routine',
  urgent: 'Urgent',
  'two-week-wait': 'Two-week wait',
};

export const PRIORITY_TAGS: Record<ReferralPriority, string> = {
  'two-week-wait': 'nhsuk-tag nhsuk-tag--red',
  urgent: 'nhsuk-tag nhsuk-tag--orange',
  routine: 'nhsuk-tag nhsuk-tag--grey',
};

export const CLINIC_TYPE_LABELS: Record<ClinicType, string> = {
  new: 'New patient clinic',
  'urgent-new': 'Urgent new patient clinic',
  'two-week-wait': 'Two-week wait clinic',
  procedure: 'Procedure or straight to test',
};

export const TRIAGE_LABELS: Record<TriageKind, string> = {
  pending: 'Waiting for triage',
  accepted: 'Accepted',
  rejected: 'Rejected',
  'advice-and-guidance': 'Advice and guidance',
};

export const TRIAGE_TAGS: Record<TriageKind, string> = {
  pending: 'nhsuk-tag nhsuk-tag--blue',
  accepted: 'nhsuk-tag nhsuk-tag--green',
  rejected: 'nhsuk-tag nhsuk-tag--grey',
  'advice-and-guidance': 'nhsuk-tag nhsuk-tag--grey',
};

/** The label for a value the server sent, or the value itself if this version of the app does not know it. */
export function labelOf<T extends string>(labels: Record<T, string>, value: string): string {
  return (labels as Record<string, string>)[value] ?? value;
}

/** "2026-11-03" → "3 November 2026". */
export function formatLongDate(iso: string): string {
  const date = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(date.getTime()) ? iso : formatDate(date);
}

/** "1 referral", "2 referrals". */
export function referralCount(n: number): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? 'referral' : 'referrals'}`;
}

/**
 * Which slots suit a pathway, and the order patients are booked in: clinical priority (two-week wait, urgent,
 * routine), then the earliest 18-week breach date (the earliest clock start), then the earliest referral.
 * New patients go into new slots; urgent patients into urgent new or new slots; two-week-wait patients into
 * two-week-wait or urgent new slots; a referral triaged to a procedure clinic into procedure slots; once a
 * patient has been seen, into follow-up (or procedure) slots.
 */
import type { RttPriority } from '../rtt/status-codes';
import type { SlotType } from '../clinics/types';

export type AppointmentStage = 'first' | 'follow-up';

export const PRIORITY_RANK: Record<RttPriority, number> = { 'two-week-wait': 0, urgent: 1, routine: 2 };

export function acceptedSlotTypes(pathway: {
  priority: RttPriority;
  clinicType: string | null;
  stage: AppointmentStage;
}): SlotType[] {
  if (pathway.stage === 'follow-up') return ['follow-up', 'procedure'];
  if (pathway.clinicType === 'procedure') return ['procedure'];
  switch (pathway.priority) {
    case 'two-week-wait':
      return ['two-week-wait', 'urgent-new'];
    case 'urgent':
      return ['urgent-new', 'new'];
    case 'routine':
      return ['new'];
  }
}

/**
 * For a first appointment: which waiting pathways a slot type suits, as (priority, clinic type) pairs, for
 * the "who is next in turn" query. Null clinic type means not triaged to a procedure clinic.
 */
export function firstAppointmentCandidates(
  slotType: SlotType,
): { priorities: RttPriority[]; procedureOnly: boolean } | null {
  switch (slotType) {
    case 'new':
      return { priorities: ['urgent', 'routine'], procedureOnly: false };
    case 'urgent-new':
      return { priorities: ['two-week-wait', 'urgent'], procedureOnly: false };
    case 'two-week-wait':
      return { priorities: ['two-week-wait'], procedureOnly: false };
    case 'procedure':
      return { priorities: ['two-week-wait', 'urgent', 'routine'], procedureOnly: true };
    case 'follow-up':
      return null;
  }
}

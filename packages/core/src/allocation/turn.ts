/**
 * Booking in turn (spec §2.1, §2.7): patients are booked in clinical priority order (two-week wait, urgent,
 * routine), then by the earliest 18-week breach date (the longest waiters first), then by the earliest
 * referral date, then by pathway id so the order is total. A slot offers itself to the patients eligible for
 * it, in that order; booking anyone but the first eligible patient is out of turn and needs a reason.
 *
 * Eligibility of a patient for a slot:
 * - the same specialty;
 * - clinician: a slot run by a named clinician takes patients tied to that clinician and patients tied to no
 *   one; a pooled slot (no clinician) takes any patient of the specialty, tied or not. Only a patient tied to
 *   one clinician and a slot run by another never match;
 * - the slot type is one the patient accepts (`allocationSlotTypes`, or the patient's own `slotTypes`);
 * - the patient is not unavailable on the slot date (periods inclusive of both ends);
 * - the slot date is on or after `today + minNoticeDays`.
 */
import { isoToEpochDay } from '../rtt/epoch-day';
import type { RttPriority } from '../rtt/status-codes';
import { DEFAULT_MIN_NOTICE_DAYS, PRIORITY_RANK } from './cost';
import type {
  AppointmentNeed,
  EligibilityOptions,
  FreeSlot,
  SlotType,
  UnavailablePeriod,
  WaitingPatient,
} from './types';
import { SLOT_TYPES } from '../clinics/types';

const NEW_ROUTINE: readonly SlotType[] = Object.freeze(['new']);
const NEW_URGENT: readonly SlotType[] = Object.freeze(['urgent-new', 'new']);
const NEW_2WW: readonly SlotType[] = Object.freeze(['two-week-wait', 'urgent-new']);
const FOLLOW_UP: readonly SlotType[] = Object.freeze(['follow-up', 'procedure']);

/**
 * Slot types a patient may be booked into by default (the booking module's rule): a first appointment into
 * new slots when routine, urgent-new or new slots when urgent, two-week-wait or urgent-new slots when a
 * two-week wait; a follow-up into follow-up or procedure slots. A referral triaged to a procedure clinic sets
 * `slotTypes: ['procedure']` on the patient.
 */
export function allocationSlotTypes(
  priority: RttPriority,
  appointment: AppointmentNeed = 'new',
): readonly SlotType[] {
  if (appointment === 'follow-up') return FOLLOW_UP;
  switch (priority) {
    case 'routine':
      return NEW_ROUTINE;
    case 'urgent':
      return NEW_URGENT;
    case 'two-week-wait':
      return NEW_2WW;
  }
}

/** The slot types a patient accepts: their own `slotTypes` when given, else the default for their need. */
export function patientSlotTypes(patient: WaitingPatient): readonly SlotType[] {
  return patient.slotTypes ?? allocationSlotTypes(patient.priority, patient.appointment ?? 'new');
}

function cmpString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The in-turn order: negative when `a` comes before `b`. Priority, then 18-week breach date (the clock start
 * plus 127 days, so the earlier clock start), then referral date, then pathway id.
 */
export function compareInTurn(a: WaitingPatient, b: WaitingPatient): number {
  const pa = PRIORITY_RANK[a.priority];
  const pb = PRIORITY_RANK[b.priority];
  if (pa !== pb) return pa - pb;
  // ISO dates compare as strings in date order.
  return (
    cmpString(a.clockStart, b.clockStart) ||
    cmpString(a.referralReceived, b.referralReceived) ||
    cmpString(a.pathwayId, b.pathwayId)
  );
}

function day(iso: string, what: string): number {
  const d = isoToEpochDay(iso);
  if (Number.isNaN(d)) throw new RangeError(`Invalid ${what} ${JSON.stringify(iso)}: expected YYYY-MM-DD`);
  return d;
}

export function minNoticeOf(options: { minNoticeDays?: number }): number {
  const n = options.minNoticeDays ?? DEFAULT_MIN_NOTICE_DAYS;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`minNoticeDays must be a whole number ≥ 0; got ${n}`);
  return n;
}

/** Whether a tied/pooled clinician pair matches (see the module comment). */
export function clinicianMatches(slotClinician: string | null, patientClinician: string | null): boolean {
  return slotClinician === null || patientClinician === null || slotClinician === patientClinician;
}

function unavailableOn(periods: readonly UnavailablePeriod[] | undefined, d: number): boolean {
  if (periods === undefined) return false;
  for (const p of periods) {
    const from = day(p.from, 'unavailable from');
    const to = day(p.to, 'unavailable to');
    if (to < from) throw new RangeError(`Unavailable period ends (${p.to}) before it starts (${p.from})`);
    if (d >= from && d <= to) return true;
  }
  return false;
}

function checkSlotType(t: string): void {
  if (!(SLOT_TYPES as readonly string[]).includes(t))
    throw new RangeError(`Unknown slot type ${JSON.stringify(t)}`);
}

/** Whether `patient` may be booked into `slot` (all the filters above). */
export function isEligibleForSlot(
  slot: FreeSlot,
  patient: WaitingPatient,
  options: EligibilityOptions,
): boolean {
  checkSlotType(slot.slotType);
  const slotDay = day(slot.date, 'slot date');
  if (slotDay < day(options.today, 'today') + minNoticeOf(options)) return false;
  return (
    patient.specialtyCode === slot.specialtyCode &&
    clinicianMatches(slot.clinicianId, patient.clinicianId) &&
    patientSlotTypes(patient).includes(slot.slotType) &&
    !unavailableOn(patient.unavailable, slotDay)
  );
}

/** The patients eligible for `slot`, in turn (the first is the one to book). */
export function eligibleForSlot(
  slot: FreeSlot,
  patients: readonly WaitingPatient[],
  options: EligibilityOptions,
): WaitingPatient[] {
  return patients.filter((p) => isEligibleForSlot(slot, p, options)).sort(compareInTurn);
}

/**
 * Whether booking `chosenPathwayId` into `slot` skips someone: true when a patient eligible for the slot comes
 * before the chosen one in turn. The caller then requires a recorded reason. Whether the chosen patient is
 * eligible is `isEligibleForSlot`'s question, not this one's. Throws a RangeError when the chosen pathway is
 * not among `patients`.
 */
export function isOutOfTurn(
  slot: FreeSlot,
  chosenPathwayId: string,
  patients: readonly WaitingPatient[],
  options: EligibilityOptions,
): boolean {
  const chosen = patients.find((p) => p.pathwayId === chosenPathwayId);
  if (chosen === undefined) throw new RangeError(`Pathway ${chosenPathwayId} is not on the list`);
  return patients.some(
    (p) => p !== chosen && compareInTurn(p, chosen) < 0 && isEligibleForSlot(slot, p, options),
  );
}

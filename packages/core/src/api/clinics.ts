/**
 * Clinics over the REST API (`/api/v1/clinics`, `/api/v1/clinic-change-requests`): the views of a template
 * version, of a booked slot a new version displaced, of a change request awaiting (or past) a service manager's
 * decision, and of an escalated patient.
 */
import type { Recurrence, TemplateSession } from '../clinics/types';
import type { DisplacementReason } from '../clinics/regenerate-slots';

/** One version of a clinic's template. */
export interface ClinicVersion {
  version: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  recurrence: Recurrence;
  sessions: TemplateSession[];
  /** active, pending-approval, rejected or superseded. */
  status: string;
  createdBy: string;
  createdAt: string;
}

/** A booked slot that a new version removed, and why. */
export interface ClinicDisplacedSlot {
  slotId: string;
  startsAt: string;
  reason: DisplacementReason;
  appointments: number;
  message: string;
}

/** A change to a clinic that needs a service manager's approval. */
export interface ClinicChangeRequest {
  id: string;
  templateId: string;
  clinicName: string;
  /** new-version or cancel-session. */
  kind: string;
  version: number | null;
  sessionDate: string | null;
  firstAffectedDate: string;
  reason: string;
  /** requested, approved or rejected. */
  status: string;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
}

/** A patient a clinic's change could not rebook by their breach date, escalated to the service manager. */
export interface ClinicEscalation {
  appointmentId: string;
  pathwayId: string;
  patientId: string | null;
  reason: string;
  breachDate: string | null;
  /** session-cancelled or version-change. */
  cause: string;
  escalatedAt: string;
  /** The pathway has an appointment booked now (rebooked since, by hand). */
  bookedSince: boolean;
}

/** A displaced or cancelled appointment rebooked into the earliest suitable slot. */
export interface ClinicRebooked {
  /** The new appointment. */
  appointmentId: string;
  /** The cancelled or displaced appointment it replaces. */
  replacesId: string;
  pathwayId: string;
  from: string;
  to: string;
  breachDate: string | null;
  letter: 'rebooking-confirmation';
  /** The 'appointment-moved' letter queued for the patient. */
  communicationId: string;
}

/** A displaced or cancelled appointment not rebooked by its breach date (or at all): escalated. */
export interface ClinicEscalated {
  appointmentId: string;
  pathwayId: string;
  reason: string;
  breachDate: string | null;
  /** The 'appointment-cancelled' letter queued for the patient. */
  communicationId: string;
}

/** What became of the patients a clinic change displaced. */
export interface ClinicRebooking {
  /** Displaced patients rebooked, in rebooking order. */
  rebooked: ClinicRebooked[];
  /** Displaced patients who could not be rebooked by their breach date: escalated to the service manager. */
  escalated: ClinicEscalated[];
}

/** A new version applied: the slots it created, removed and kept, and the bookings it displaced. */
export interface ClinicVersionApplied extends ClinicRebooking {
  version: number;
  created: number;
  removed: number;
  kept: number;
  displaced: ClinicDisplacedSlot[];
  displacedAppointments: number;
}

/** A session cancelled (or reduced to its first slots), and its patients rebooked or escalated. */
export interface ClinicCancellation extends ClinicRebooking {
  sessionDate: string;
  sessionIndex: number | null;
  cancelledSlots: number;
  keptSlots: number;
  cancelledAppointments: number;
}

/** A new version: applied now (six weeks' notice or more), or waiting for a service manager's approval. */
export type ClinicVersionOutcome =
  | ({ status: 'active' } & ClinicVersionApplied)
  | { status: 'pending-approval'; version: number; requestId: string; firstAffectedDate: string };

/** A session cancellation: applied now, or waiting for a service manager's approval. */
export type ClinicCancelOutcome =
  | ({ status: 'applied' } & ClinicCancellation)
  | { status: 'pending-approval'; requestId: string; firstAffectedDate: string };

/** A service manager's decision on a change request, and what approving it applied. */
export interface ClinicDecision {
  request: ClinicChangeRequest;
  applied: ClinicVersionApplied | null;
  cancellation: ClinicCancellation | null;
}

/**
 * The patient record's own reads over the REST API, beside `GET /api/v1/patients/:id`: the patient's pathways
 * with their RTT clocks today (`GET /api/v1/patients/:id/pathways`) and their appointments
 * (`GET /api/v1/patients/:id/appointments`). Both are audited as reads of the patient's record.
 */
import type { RttPriority } from '../rtt';

export interface NamedRef {
  id: string;
  name: string;
}

export interface PatientPathway {
  id: string;
  ppid: string;
  specialty: { code: string; name: string };
  clinician: NamedRef | null;
  priority: RttPriority;
  /** The pathway's clock start (the referral's). */
  clockStart: string;
  /** open or closed. */
  status: string;
  /** An RTT clock is running today, by the engine over the pathway's events. */
  clockRunning: boolean;
  /** The wait today, while the pathway is open and its clock runs; otherwise null. */
  waiting: {
    /** Start of the running clock period. */
    since: string;
    daysWaited: number;
    weeksWaited: number;
    weekBand: number;
    /** The first day the wait is over 18 weeks. */
    breachDate: string;
    over18Weeks: boolean;
  } | null;
  /** The booked appointment on the pathway (the earliest, should there be more than one). */
  bookedAppointment: { id: string; startsAt: string; clinic: string } | null;
}

/** `GET /patients/:id/pathways`: open pathways first, then the newest, each read on `asOf` (London). */
export interface PatientPathways {
  asOf: string;
  pathways: PatientPathway[];
}

export interface PatientAppointmentSupport {
  id: string;
  /** interpreter or transport. */
  kind: string;
  language: string | null;
  /** needed, booked or cancelled. */
  status: string;
  /** The supplier's booking reference. */
  reference: string | null;
}

export interface PatientAppointment {
  id: string;
  pathwayId: string;
  specialty: { code: string; name: string };
  startsAt: string;
  endsAt: string;
  clinic: NamedRef;
  clinician: NamedRef | null;
  /** The named service running the clinic, when it is not a clinician's. */
  serviceName: string | null;
  location: { id: string; name: string; site: string; addressLine: string; postcode: string };
  slotType: string;
  /** booked, cancelled, arrived, attended, dna, cancelled-on-day, displaced. */
  status: string;
  /** The clinic outcome, once recorded. */
  outcome: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  bookedAt: string;
  /** Interpreter and transport requested for the appointment. */
  support: PatientAppointmentSupport[];
}

/** `GET /patients/:id/appointments`: newest first, at most 200. */
export interface PatientAppointments {
  appointments: PatientAppointment[];
}

/**
 * Reception over the REST API: `GET /api/v1/reception` (a day's clinic sessions by site), the desk's actions on
 * one patient, `POST /api/v1/reception/appointments/:id/{check-in,seen,did-not-attend}` (each answers with the
 * patient's row as the desk now sees it), and `POST /api/v1/reception/sessions/did-not-attend` (the rest of an
 * ended session as did not attend).
 */

/** How reception sees an appointment: seen is attended; cancelled covers cancelled in advance or on the day. */
export const RECEPTION_STATUSES = ['booked', 'arrived', 'seen', 'dna', 'cancelled'] as const;
export type ReceptionStatus = (typeof RECEPTION_STATUSES)[number];

/** The desk's actions on one patient: check in (arrived), seen (attended) or did not attend. */
export type DeskAction = 'check-in' | 'seen' | 'did-not-attend';

export interface ReceptionQuery {
  /** A London date, YYYY-MM-DD; today by default. */
  date?: string | undefined;
  /** A site code, e.g. RXX01; every site by default. */
  site?: string | undefined;
}

export interface ReceptionAppointment {
  id: string;
  startsAt: string;
  endsAt: string;
  slotType: string;
  status: ReceptionStatus;
  /** The appointment's own status (booked, arrived, attended, dna, cancelled, cancelled-on-day, displaced). */
  appointmentStatus: string;
  patient: { id: string; name: string; nhsNumber: string };
  needs: {
    /** The language an interpreter is needed for, from the appointment's request or the patient's record. */
    interpreter: string | null;
    /** Transport is booked or requested for the appointment, or the patient is eligible for it. */
    transport: boolean;
    /** Accessible Information Standard needs held on the patient's record (large-print, bsl, …). */
    communication: string[];
  };
  /** A booking, move or reminder message reached the patient (sent or delivered). */
  communicated: boolean;
}

export interface ReceptionSession {
  index: number;
  startsAt: string;
  endsAt: string;
  /** The session's last slot has ended. */
  ended: boolean;
  /** Every slot of the session was cancelled (the clinic was cancelled). */
  cancelled: boolean;
  appointments: ReceptionAppointment[];
}

export interface ReceptionClinic {
  id: string;
  name: string;
  /** The clinician, or the service running the clinic. */
  clinician: string | null;
  location: string;
  specialtyCode: string;
  sessions: ReceptionSession[];
}

export interface ReceptionSite {
  code: string;
  name: string;
  clinics: ReceptionClinic[];
}

export interface ReceptionDay {
  date: string;
  today: string;
  /** The site asked for, or null for every site. */
  site: string | null;
  /** Every site of the organisation, to choose from. */
  sites: { code: string; name: string }[];
  /** The day's sessions, by site, then clinic, then session. */
  groups: ReceptionSite[];
}

/** The body of `POST /reception/sessions/did-not-attend`: one clinic session on one day. */
export interface SessionDnaInput {
  clinicId: string;
  date: string;
  sessionIndex: number;
}

export interface SessionDnaResult {
  clinicId: string;
  date: string;
  sessionIndex: number;
  /** The appointments marked as did not attend now, each as the desk now sees it. */
  marked: ReceptionAppointment[];
}

/**
 * Typed calls to the clinic and booking endpoints: `/api/v1/clinics` (templates, versions, cancellations,
 * escalations), `/clinic-change-requests`, `/clinicians`, `/locations`, `/slots/:id/in-turn`, `/appointments`
 * and `/utilisation`. The shapes follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type {
  ClinicCancelOutcome as CancelOutcome,
  ClinicCancellation as Cancellation,
  ClinicChangeRequest as ChangeRequest,
  ClinicDecision as Decision,
  ClinicDisplacedSlot as Displaced,
  ClinicEscalation as Escalation,
  ClinicVersion,
  ClinicVersionApplied as ApplyResult,
  ClinicVersionOutcome as NewVersionOutcome,
  Patient,
  Recurrence,
  ReferralPriority,
  SlotType,
} from '@pathflow/core';
import { api, ApiError } from './client';

/** The views the server answers with, shared with it through core's API contract. */
export type {
  ApplyResult,
  CancelOutcome,
  Cancellation,
  ChangeRequest,
  ClinicVersion,
  Decision,
  Displaced,
  Escalation,
  NewVersionOutcome,
};

const BASE = '/api/v1';
const id = (value: string) => encodeURIComponent(value);

export interface ClinicSummary {
  id: string;
  name: string;
  clinicianId: string | null;
  serviceName: string | null;
  locationId: string;
  specialtyCode: string;
  /** Open slots starting after now, and of those the ones with a place free. */
  openSlots: number;
  freeSlots: number;
}

export interface Clinic {
  id: string;
  name: string;
  clinicianId: string | null;
  serviceName: string | null;
  locationId: string;
  specialtyCode: string;
  versions: ClinicVersion[];
  pendingRequests: ChangeRequest[];
}

/** A template version as sent: the fields of `POST /clinics` and `POST /clinics/:id/versions` they share. */
export interface VersionFields {
  effectiveFrom: string;
  effectiveTo: string | null;
  recurrence: Recurrence;
  sessions: { weekday: number; start: string; end: string; slots: SlotLayout[] }[];
}

export interface SlotLayout {
  offsetMinutes: number;
  durationMinutes: number;
  slotType: SlotType;
  capacity: number;
}

export interface NewClinic extends VersionFields {
  name: string;
  clinicianId: string | null;
  serviceName: string | null;
  locationId: string;
  specialtyCode: string;
}

export interface Clinician {
  id: string;
  name: string;
  specialtyCode: string;
  grade: string;
}

export interface Location {
  id: string;
  name: string;
  site: string;
  siteCode: string;
}

export interface Slot {
  id: string;
  sessionDate: string;
  sessionIndex: number;
  startsAt: string;
  endsAt: string;
  slotType: string;
  capacity: number;
  booked: number;
  held: number;
  /** open, cancelled or removed. */
  status: string;
  /** Appointments in the slot attended, and not attended (DNA), once the clinic is held. */
  attended: number;
  dna: number;
}

/** What a clinic change would do to one booked patient (`…/preview`): nothing is changed to find out. */
export interface PreviewPatient {
  appointmentId: string;
  pathwayId: string;
  patientId: string;
  title: string | null;
  givenName: string;
  familyName: string;
  nhsNumber: string;
  current: { startsAt: string; endsAt: string; clinicName: string };
  breachDate: string | null;
  /** rebooked into `proposed`, escalated (not rebooked by the breach date), or already booked elsewhere. */
  outcome: 'rebooked' | 'escalated' | 'already-booked';
  proposed: {
    slotId: string;
    startsAt: string;
    endsAt: string;
    sessionDate: string;
    clinicId: string;
    clinicName: string;
    clinician: string | null;
    serviceName: string | null;
    location: string;
  } | null;
  escalationReason: string | null;
  letter: 'appointment-moved' | 'appointment-cancelled' | null;
}

/** The counts of a session cancellation, previewed or applied. */
export interface CancellationCounts {
  sessionDate: string;
  sessionIndex: number | null;
  cancelledSlots: number;
  keptSlots: number;
  cancelledAppointments: number;
}

/** `POST /clinics/:id/sessions/cancel/preview`. */
export interface CancelPreview extends CancellationCounts {
  /** Less than 6 weeks' notice: applying sends it to a service manager. */
  needsApproval: boolean;
  patients: PreviewPatient[];
}

/** `GET /clinic-change-requests/:id/preview`: what approving the request now would do. */
export interface RequestPreview {
  request: ChangeRequest;
  cancellation: CancellationCounts | null;
  version: {
    version: number;
    created: number;
    removed: number;
    kept: number;
    displacedAppointments: number;
  } | null;
  patients: PreviewPatient[];
}

/** The body of a session cancellation or reduction, and of its preview. */
export interface CancelBody {
  date: string;
  sessionIndex?: number;
  keepSlots?: number;
  reason: string;
}

export interface InTurnPatient {
  pathwayId: string;
  patientId: string;
  nhsNumber: string;
  name: string;
  priority: ReferralPriority;
  clockStart: string;
  /** The 18-week breach date. */
  breachDate: string;
  referralReceived: string;
}

export interface Appointment {
  id: string;
  slotId: string;
  pathwayId: string;
  startsAt: string;
  endsAt: string;
  status: string;
  offeredOn: string;
  noticeDays: number;
  reasonableOffer: boolean;
  outOfTurnReason: string | null;
}

/** One row of `GET /utilisation`: counts only. */
export interface UtilisationRow {
  key: string;
  clinic: { id: string; name: string; clinician: string | null; serviceName: string | null } | null;
  places: number;
  booked: number;
  /** Open slots, places still free, appointments not attended and cancelled places (counts only). */
  slots?: number;
  unbooked?: number;
  dna?: number;
  cancelled?: number;
  percentBooked: number | null;
  underBooked: boolean;
  overBooked: boolean;
}

export const getClinics = (signal?: AbortSignal) =>
  api.get<{ clinics: ClinicSummary[] }>(`${BASE}/clinics`, { signal }).then((a) => a.clinics);

export const getClinic = (clinicId: string, signal?: AbortSignal) =>
  api.get<Clinic>(`${BASE}/clinics/${id(clinicId)}`, { signal });

/**
 * "No end date" is sent by leaving `effectiveTo` out: the server coerces types, and turns a JSON null for this
 * string-or-null field into "", which it then refuses as a date.
 */
function withoutNullEnd<T extends { effectiveTo: string | null }>(body: T) {
  const { effectiveTo, ...rest } = body;
  return effectiveTo === null ? rest : body;
}

export const createClinic = (body: NewClinic) =>
  api.post<{ id: string; name: string; version: number; slotsCreated: number }>(
    `${BASE}/clinics`,
    withoutNullEnd(body),
  );

export const addClinicVersion = (clinicId: string, body: VersionFields & { reason: string }) =>
  api.post<NewVersionOutcome>(`${BASE}/clinics/${id(clinicId)}/versions`, withoutNullEnd(body));

export const cancelClinicSession = (clinicId: string, body: CancelBody) =>
  api.post<CancelOutcome>(`${BASE}/clinics/${id(clinicId)}/sessions/cancel`, body);

/** What cancelling or reducing the session would do, without changing anything. */
export const previewClinicCancellation = (clinicId: string, body: CancelBody) =>
  api.post<CancelPreview>(`${BASE}/clinics/${id(clinicId)}/sessions/cancel/preview`, body);

/** What approving a change request now would do, without changing anything (service managers). */
export const getChangeRequestPreview = (requestId: string, signal?: AbortSignal) =>
  api.get<RequestPreview>(`${BASE}/clinic-change-requests/${id(requestId)}/preview`, { signal });

export const getChangeRequests = (status: 'requested' | 'approved' | 'rejected', signal?: AbortSignal) =>
  api
    .get<{ requests: ChangeRequest[] }>(`${BASE}/clinic-change-requests?status=${status}`, { signal })
    .then((a) => a.requests);

export const decideChangeRequest = (requestId: string, body: { approve: boolean; reason: string }) =>
  api.post<Decision>(`${BASE}/clinic-change-requests/${id(requestId)}/decision`, body);

export const getEscalations = (clinicId: string, signal?: AbortSignal) =>
  api
    .get<{ escalations: Escalation[] }>(`${BASE}/clinics/${id(clinicId)}/escalations`, { signal })
    .then((a) => a.escalations);

/** One patient's details (the read is audited by the server). */
export const getPatient = (patientId: string, signal?: AbortSignal) =>
  api.get<Patient>(`${BASE}/patients/${id(patientId)}`, { signal });

export const getClinicians = (specialty?: string, signal?: AbortSignal) =>
  api
    .get<{
      clinicians: Clinician[];
    }>(`${BASE}/clinicians${specialty ? `?specialty=${encodeURIComponent(specialty)}` : ''}`, { signal })
    .then((a) => a.clinicians);

export const getLocations = (signal?: AbortSignal) =>
  api.get<{ locations: Location[] }>(`${BASE}/locations`, { signal }).then((a) => a.locations);

export const getClinicSlots = (clinicId: string, from: string, to: string, signal?: AbortSignal) =>
  api
    .get<{ slots: Slot[] }>(`${BASE}/clinics/${id(clinicId)}/slots?from=${from}&to=${to}`, { signal })
    .then((a) => a.slots);

export const getInTurn = (slotId: string, limit: number, signal?: AbortSignal) =>
  api
    .get<{ patients: InTurnPatient[] }>(`${BASE}/slots/${id(slotId)}/in-turn?limit=${limit}`, { signal })
    .then((a) => a.patients);

/**
 * What to tell the clerk when booking fails for a reason other than a full slot or a missing out-of-turn reason.
 * With no answer at all the booking may or may not have been made, so they are told to press the button again:
 * the same Idempotency-Key makes the second press answer with the first booking rather than book twice.
 */
export function bookingFailedText(err: unknown): string {
  if (err instanceof ApiError && err.code === 'network_error') {
    return 'We could not confirm the booking because Pathflow could not be reached. Check your connection and select Confirm booking again: the patient will only be booked once.';
  }
  const detail = err instanceof ApiError ? err.detail || err.title : '';
  return `The appointment has not been booked. ${detail || 'There is a problem with the service.'}`;
}

/** Books; `idempotencyKey` (from `idempotencyKeys()`) makes a retry of the same booking book once. */
export const bookAppointment = (
  body: { slotId: string; pathwayId: string; outOfTurnReason?: string },
  idempotencyKey: string,
) => api.post<Appointment>(`${BASE}/appointments`, body, { headers: { 'idempotency-key': idempotencyKey } });

/** One clinic's utilisation over London dates `from` to `to` (null when it has no slots then). */
export const getOneClinicUtilisation = (clinicId: string, from: string, to: string, signal?: AbortSignal) =>
  api
    .get<{
      rows: UtilisationRow[];
    }>(`${BASE}/utilisation?groupBy=clinic&clinicId=${id(clinicId)}&from=${from}&to=${to}`, { signal })
    .then((a) => a.rows.find((r) => r.clinic?.id === clinicId) ?? null);

/** Utilisation per clinic over the two weeks from today (the under-booking look-ahead). */
export const getClinicUtilisation = (from: string, to: string, signal?: AbortSignal) =>
  api
    .get<{ rows: UtilisationRow[] }>(`${BASE}/utilisation?groupBy=clinic&from=${from}&to=${to}`, { signal })
    .then((a) => a.rows);

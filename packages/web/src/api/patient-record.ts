/**
 * Typed calls for the patient record and pathway pages: the patient (`/api/v1/patients/:id`), their pathways
 * and appointments (`/patients/:id/pathways`, `/patients/:id/appointments`), one pathway with its RTT events and
 * clock periods (`/pathways/:id`), and the record's audit trail (`/audit?patientId=`). The shapes follow the
 * server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type { AuditRecord, Patient, RttPriority, RttResult } from '@pathflow/core';
import { api } from './client';

export type { AuditRecord, Patient };

const BASE = '/api/v1';
const id = (value: string) => encodeURIComponent(value);

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
  clockStart: string;
  /** open or closed. */
  status: string;
  clockRunning: boolean;
  /** The wait today while the pathway is open and its clock runs. */
  waiting: {
    since: string;
    daysWaited: number;
    weeksWaited: number;
    weekBand: number;
    breachDate: string;
    over18Weeks: boolean;
  } | null;
  bookedAppointment: { id: string; startsAt: string; clinic: string } | null;
}

export interface PatientPathways {
  asOf: string;
  pathways: PatientPathway[];
}

export interface PatientAppointment {
  id: string;
  pathwayId: string;
  specialty: { code: string; name: string };
  startsAt: string;
  endsAt: string;
  clinic: NamedRef;
  clinician: NamedRef | null;
  serviceName: string | null;
  location: { id: string; name: string; site: string; addressLine: string; postcode: string };
  slotType: string;
  status: string;
  outcome: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  bookedAt: string;
  support: {
    id: string;
    kind: string;
    language: string | null;
    status: string;
    reference: string | null;
  }[];
}

export interface RttEventRecord {
  id: string;
  date: string;
  code: string;
  appointmentCommunicated: boolean | null;
  clinicianDecision: boolean | null;
  dnaDate: string | null;
  origin: string;
  recordedBy: string;
  recordedAt: string;
  note: string | null;
}

export interface PathwayDetail {
  id: string;
  ppid: string;
  ppidIssuer: string;
  patientId: string;
  specialtyCode: string;
  clinicianId: string | null;
  priority: RttPriority;
  clockStart: string;
  status: string;
  events: RttEventRecord[];
  rtt: RttResult;
}

export interface AuditPage {
  records: AuditRecord[];
  next: string | null;
}

export const getPatient = (patientId: string, signal?: AbortSignal) =>
  api.get<Patient>(`${BASE}/patients/${id(patientId)}`, { signal });

export const getPatientPathways = (patientId: string, signal?: AbortSignal) =>
  api.get<PatientPathways>(`${BASE}/patients/${id(patientId)}/pathways`, { signal });

export const getPatientAppointments = (patientId: string, signal?: AbortSignal) =>
  api
    .get<{ appointments: PatientAppointment[] }>(`${BASE}/patients/${id(patientId)}/appointments`, { signal })
    .then((answer) => answer.appointments);

export const getPathway = (pathwayId: string, signal?: AbortSignal) =>
  api.get<PathwayDetail>(`${BASE}/pathways/${id(pathwayId)}`, { signal });

/** The latest entries of the audit trail about one patient's record, newest first. */
export const getPatientAudit = (patientId: string, limit: number, signal?: AbortSignal) =>
  api.get<AuditPage>(`${BASE}/audit?${new URLSearchParams({ patientId, limit: String(limit) }).toString()}`, {
    signal,
  });

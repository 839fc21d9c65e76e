/**
 * Typed calls for the patient record and pathway pages: the patient (`/api/v1/patients/:id`), their pathways
 * and appointments (`/patients/:id/pathways`, `/patients/:id/appointments`), one pathway with its RTT events and
 * clock periods (`/pathways/:id`), and the record's audit trail (`/audit?patientId=`). The patient's pathways
 * and appointments are core's API contract (`@pathflow/core`'s `PatientPathways`, `PatientAppointments`); the
 * other shapes follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type {
  AuditRecord,
  Patient,
  PatientAppointments,
  PatientPathways,
  RttPriority,
  RttResult,
} from '@pathflow/core';
import { api } from './client';

export type {
  AuditRecord,
  NamedRef,
  Patient,
  PatientAppointment,
  PatientAppointmentSupport,
  PatientAppointments,
  PatientPathway,
  PatientPathways,
} from '@pathflow/core';

const BASE = '/api/v1';
const id = (value: string) => encodeURIComponent(value);

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
    .get<PatientAppointments>(`${BASE}/patients/${id(patientId)}/appointments`, { signal })
    .then((answer) => answer.appointments);

export const getPathway = (pathwayId: string, signal?: AbortSignal) =>
  api.get<PathwayDetail>(`${BASE}/pathways/${id(pathwayId)}`, { signal });

/** The latest entries of the audit trail about one patient's record, newest first. */
export const getPatientAudit = (patientId: string, limit: number, signal?: AbortSignal) =>
  api.get<AuditPage>(`${BASE}/audit?${new URLSearchParams({ patientId, limit: String(limit) }).toString()}`, {
    signal,
  });

/**
 * Typed calls to the clinic and booking endpoints: `/api/v1/clinics`, `/slots/:id/in-turn`, `/appointments`
 * and `/utilisation`. The shapes follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type { ReferralPriority } from '@pathflow/core';
import { api } from './client';

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
  versions: { version: number; effectiveFrom: string; effectiveTo: string | null; status: string }[];
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
  percentBooked: number | null;
  underBooked: boolean;
  overBooked: boolean;
}

export const getClinics = (signal?: AbortSignal) =>
  api.get<{ clinics: ClinicSummary[] }>(`${BASE}/clinics`, { signal }).then((a) => a.clinics);

export const getClinic = (clinicId: string, signal?: AbortSignal) =>
  api.get<Clinic>(`${BASE}/clinics/${id(clinicId)}`, { signal });

export const getClinicSlots = (clinicId: string, from: string, to: string, signal?: AbortSignal) =>
  api
    .get<{ slots: Slot[] }>(`${BASE}/clinics/${id(clinicId)}/slots?from=${from}&to=${to}`, { signal })
    .then((a) => a.slots);

export const getInTurn = (slotId: string, limit: number, signal?: AbortSignal) =>
  api
    .get<{ patients: InTurnPatient[] }>(`${BASE}/slots/${id(slotId)}/in-turn?limit=${limit}`, { signal })
    .then((a) => a.patients);

export const bookAppointment = (body: { slotId: string; pathwayId: string; outOfTurnReason?: string }) =>
  api.post<Appointment>(`${BASE}/appointments`, body);

/** Utilisation per clinic over the two weeks from today (the under-booking look-ahead). */
export const getClinicUtilisation = (from: string, to: string, signal?: AbortSignal) =>
  api
    .get<{ rows: UtilisationRow[] }>(`${BASE}/utilisation?groupBy=clinic&from=${from}&to=${to}`, { signal })
    .then((a) => a.rows);

/**
 * Typed calls to the reception endpoints, `/api/v1/reception`: the day's clinic sessions by site, and the desk's
 * actions (check in, seen, did not attend, and the rest of an ended session as did not attend).
 */
import { api } from './client';

export type ReceptionStatus = 'booked' | 'arrived' | 'seen' | 'dna' | 'cancelled';

export interface ReceptionAppointment {
  id: string;
  startsAt: string;
  endsAt: string;
  slotType: string;
  status: ReceptionStatus;
  appointmentStatus: string;
  patient: { id: string; name: string; nhsNumber: string };
  needs: { interpreter: string | null; transport: boolean; communication: string[] };
  communicated: boolean;
}

export interface ReceptionSession {
  index: number;
  startsAt: string;
  endsAt: string;
  ended: boolean;
  cancelled: boolean;
  appointments: ReceptionAppointment[];
}

export interface ReceptionClinic {
  id: string;
  name: string;
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
  site: string | null;
  sites: { code: string; name: string }[];
  groups: ReceptionSite[];
}

export type DeskAction = 'check-in' | 'seen' | 'did-not-attend';

export interface SessionDnaResult {
  clinicId: string;
  date: string;
  sessionIndex: number;
  marked: ReceptionAppointment[];
}

const BASE = '/api/v1/reception';

export function getReceptionDay(query: { date?: string; site?: string }, signal?: AbortSignal) {
  const params = new URLSearchParams();
  if (query.date) params.set('date', query.date);
  if (query.site) params.set('site', query.site);
  const search = params.toString();
  return api.get<ReceptionDay>(search ? `${BASE}?${search}` : BASE, { signal });
}

export const recordAtDesk = (appointmentId: string, action: DeskAction) =>
  api.post<ReceptionAppointment>(`${BASE}/appointments/${encodeURIComponent(appointmentId)}/${action}`);

export const markSessionDidNotAttend = (body: { clinicId: string; date: string; sessionIndex: number }) =>
  api.post<SessionDnaResult>(`${BASE}/sessions/did-not-attend`, body);

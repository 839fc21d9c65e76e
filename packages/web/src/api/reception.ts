/**
 * Typed calls to the reception endpoints, `/api/v1/reception`: the day's clinic sessions by site, and the desk's
 * actions (check in, seen, did not attend, and the rest of an ended session as did not attend). The shapes are
 * core's API contract (`@pathflow/core`'s `ReceptionDay`, `ReceptionAppointment`, `SessionDnaResult`).
 */
import type {
  DeskAction,
  ReceptionAppointment,
  ReceptionDay,
  ReceptionQuery,
  SessionDnaInput,
  SessionDnaResult,
} from '@pathflow/core';
import { api } from './client';

export type {
  DeskAction,
  ReceptionAppointment,
  ReceptionClinic,
  ReceptionDay,
  ReceptionQuery,
  ReceptionSession,
  ReceptionSite,
  ReceptionStatus,
  SessionDnaInput,
  SessionDnaResult,
} from '@pathflow/core';

const BASE = '/api/v1/reception';

export function getReceptionDay(query: ReceptionQuery, signal?: AbortSignal) {
  const params = new URLSearchParams();
  if (query.date) params.set('date', query.date);
  if (query.site) params.set('site', query.site);
  const search = params.toString();
  return api.get<ReceptionDay>(search ? `${BASE}?${search}` : BASE, { signal });
}

export const recordAtDesk = (appointmentId: string, action: DeskAction) =>
  api.post<ReceptionAppointment>(`${BASE}/appointments/${encodeURIComponent(appointmentId)}/${action}`);

export const markSessionDidNotAttend = (body: SessionDnaInput) =>
  api.post<SessionDnaResult>(`${BASE}/sessions/did-not-attend`, body);

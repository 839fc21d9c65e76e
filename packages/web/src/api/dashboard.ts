/**
 * Typed calls for the dashboards and the home page's alerts: `/api/v1/dashboard/*` (the waiting list by weeks
 * band, the 18-week breach forecast) and utilisation by week and the under-booked sessions from
 * `/api/v1/utilisation`. The dashboards' shapes are core's API contract (`@pathflow/core`'s `WaitingListByBand`,
 * `BreachForecast`); utilisation's follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type { BreachForecast, WaitingListByBand } from '@pathflow/core';
import { api } from './client';

export { WAIT_BAND_KEYS } from '@pathflow/core';
export type { BandCounts, BreachForecast, BreachWeek, WaitBandKey, WaitingListByBand } from '@pathflow/core';

const BASE = '/api/v1';

export interface WeekUtilisation {
  weekStart: string | null;
  places: number;
  booked: number;
  percentBooked: number | null;
}

export interface UnderBookedSession {
  clinic: { id: string; name: string } | null;
  session: { date: string; index: number; startsAt: string } | null;
  ahead: { places: number; booked: number; percentBooked: number | null };
}

export const getWaitingListByBand = (signal?: AbortSignal) =>
  api.get<WaitingListByBand>(`${BASE}/dashboard/waiting-list`, { signal });

export const getBreachForecast = (weeks: number, signal?: AbortSignal) =>
  api.get<BreachForecast>(`${BASE}/dashboard/breach-forecast?weeks=${weeks}`, { signal });

/** Utilisation per week (Monday to Sunday) of the London dates `from` to `to`; weeks with no slots are left out. */
export const getUtilisationByWeek = (from: string, to: string, signal?: AbortSignal) =>
  api.get<{
    today: string;
    threshold: number;
    rows: WeekUtilisation[];
  }>(`${BASE}/utilisation?groupBy=week&from=${from}&to=${to}`, { signal });

/** Clinic sessions from today to 2 weeks ahead with fewer than 85% of their places booked, soonest first. */
export const getUnderBookedSessions = (signal?: AbortSignal) =>
  api.get<{ from: string; to: string; days: number; threshold: number; sessions: UnderBookedSession[] }>(
    `${BASE}/utilisation/flags`,
    { signal },
  );

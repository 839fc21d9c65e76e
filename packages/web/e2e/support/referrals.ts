/**
 * Helpers for the referral pages' browser tests: dates relative to the server's real clock, CSV files, and
 * calls to the API as the signed-in member of staff (the browser context's cookies, with the CSRF header).
 */
import { expect } from 'vitest';
import { nhsNumberFromStem } from '@pathflow/core';
import type { TestPage } from './harness';

const DAY_MS = 86_400_000;

const londonDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The date `days` before today in the UK, YYYY-MM-DD. */
export function daysAgo(days: number): string {
  return londonDay.format(new Date(Date.now() - days * DAY_MS));
}

/** "2026-11-03" → "03/11/2026", as people type dates into a spreadsheet. */
export function ukDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** "2026-11-03" → "3 Nov 2026", as the worklist shows it. */
export function shortDate(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  })
    .format(new Date(`${iso}T00:00:00Z`))
    .replace('Sept', 'Sep');
}

/** The usual headings, as core's REFERRAL_FIELD_LABELS has them. */
export const HEADER = [
  'NHS number',
  'Referral source',
  'Received date',
  'Specialty code',
  'Priority',
  'Referrer',
];

/** A CSV file of the rows under `header`, quoting cells that need it. */
export function csv(rows: string[][], header = HEADER): Buffer {
  const lines = [header, ...rows].map((r) =>
    r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','),
  );
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

/** "999 000 0018". */
export function spaced(nhsNumber: string): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}

/** Test-range NHS numbers that no fixture patient has: each call gives the next valid one. */
let nextStem = 999_000_100;
export function newNhsNumber(): string {
  for (;;) {
    const number = nhsNumberFromStem(String(nextStem++));
    if (number) return number;
  }
}

/** The API as the member of staff signed in on this page. */
export interface StaffApi {
  get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }>;
  post<T = Record<string, unknown>>(path: string, body: object): Promise<{ status: number; body: T }>;
  /** Registers a patient with a new NHS number and returns it. */
  registerPatient(givenName: string, familyName: string): Promise<string>;
  /** Enters one referral (confirmed as not a duplicate) and returns it. */
  createReferral(body: object): Promise<{ id: string; nhsNumber: string; patientName: string }>;
}

export async function staffApi(t: TestPage, baseUrl: string): Promise<StaffApi> {
  const { request } = t.context;
  const session = await request.get(`${baseUrl}/api/v1/auth/session`);
  expect(session.status()).toBe(200);
  const csrfToken = ((await session.json()) as { csrfToken: string }).csrfToken;
  const api: StaffApi = {
    get: async <T>(path: string) => {
      const res = await request.get(`${baseUrl}/api/v1${path}`);
      return { status: res.status(), body: (await res.json()) as T };
    },
    post: async <T>(path: string, body: object) => {
      const res = await request.post(`${baseUrl}/api/v1${path}`, {
        data: body,
        headers: { 'x-csrf-token': csrfToken },
      });
      return { status: res.status(), body: (await res.json()) as T };
    },
    registerPatient: async (givenName, familyName) => {
      const nhsNumber = newNhsNumber();
      const res = await api.post('/patients', {
        nhsNumber,
        givenName,
        familyName,
        dateOfBirth: '1980-05-17',
        sex: 'female',
        address: { line1: '2 Test Street', town: 'Leeds', postcode: 'LS1 4AP' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return nhsNumber;
    },
    createReferral: async (body) => {
      const res = await api.post<{ id: string; nhsNumber: string; patientName: string }>('/referrals', {
        source: 'gp-paper',
        priority: 'routine',
        referrerName: 'Dr A Practitioner',
        referrerOrgCode: 'B86001',
        confirmedNotDuplicate: true,
        ...body,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
  };
  return api;
}

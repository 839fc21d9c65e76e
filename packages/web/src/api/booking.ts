/**
 * Typed calls for booking a pathway into a slot: the free slots it could have (with their notice), a cheap
 * re-check of whether slots are still free (for the live update), the letter booking would send, and the
 * letter a booking queued. The shapes follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import { api } from './client';

const BASE = '/api/v1';
const id = (value: string) => encodeURIComponent(value);

export interface SlotOffer {
  id: string;
  startsAt: string;
  endsAt: string;
  sessionDate: string;
  slotType: string;
  capacity: number;
  free: number;
  clinic: { id: string; name: string; serviceName: string | null };
  clinician: { id: string; name: string } | null;
  location: { id: string; name: string; site: string };
  /** Days from today to the slot's date (London): what booking it now records. */
  noticeDays: number;
  /** 21 days' notice or more: a reasonable offer. */
  reasonable: boolean;
}

export interface PathwayForBooking {
  id: string;
  patientId: string;
  patientName: string;
  nhsNumber: string;
  priority: string;
  status: string;
  specialty: { code: string; name: string | null };
  clockStart: string | null;
  breachDate: string | null;
  stage: string;
  acceptedSlotTypes: string[];
  bookedAppointment: { id: string; startsAt: string } | null;
}

export interface SlotOffers {
  pathway: PathwayForBooking;
  unavailability: { from: string; to: string }[];
  clinics: { id: string; name: string }[];
  clinicians: { id: string; name: string }[];
  from: string;
  to: string;
  today: string;
  limit: number;
  more: boolean;
  slots: SlotOffer[];
}

export interface SlotFilters {
  clinicId?: string;
  clinicianId?: string;
  slotType?: string;
  from?: string;
  to?: string;
}

export interface SlotAvailability {
  id: string;
  free: number;
  bookable: boolean;
}

export interface LetterContent {
  trust: { name: string; department: string; addressLines: string[]; phone: string; website: string };
  recipient: { name: string; addressLines: string[] };
  date: string;
  references: { label: string; value: string }[];
  heading: string;
  paragraphs: string[];
  appointment?: { label: string; value: string }[];
  preparation?: string[];
  changeOrCancel?: string;
  format: string;
}

export interface PreviewMessage {
  channel: 'letter' | 'sms' | 'email';
  format: string;
  to: string | null;
  subject: string | null;
  body: string | null;
  missingFields: string[];
}

export interface LetterPreview {
  pathwayId: string;
  slotId: string;
  kind: string;
  noticeDays: number;
  reasonable: boolean;
  recipient: { name: string; addressLines: string[] };
  letter: LetterContent | null;
  messages: PreviewMessage[];
  notSent: { channel: 'letter' | 'sms' | 'email'; reason: string }[];
}

function query(filters: SlotFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters) as [string, string | undefined][]) {
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const getSlotOffers = (pathwayId: string, filters: SlotFilters, signal?: AbortSignal) =>
  api.get<SlotOffers>(`${BASE}/pathways/${id(pathwayId)}/slot-offers${query(filters)}`, { signal });

export const getSlotAvailability = (slotIds: readonly string[], signal?: AbortSignal) =>
  api
    .get<{
      slots: SlotAvailability[];
    }>(`${BASE}/slots/availability?ids=${slotIds.map(id).join(',')}`, { signal })
    .then((a) => a.slots);

export const previewLetter = (body: { pathwayId: string; slotId: string }, signal?: AbortSignal) =>
  api.post<LetterPreview>(`${BASE}/appointments/letter-preview`, body, { signal });

/** The confirmation letter a booking queued (for a link to it), or null when there is none to see. */
export const getBookingLetter = (appointmentId: string, signal?: AbortSignal) =>
  api
    .get<{
      messages: { id: string }[];
    }>(
      `${BASE}/communications?appointmentId=${id(appointmentId)}&kind=appointment-booked&channel=letter&limit=1`,
      { signal },
    )
    .then((a) => a.messages[0]?.id ?? null);

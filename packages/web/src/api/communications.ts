/**
 * Typed calls to the messages endpoints, `/api/v1/communications`: the outbox of letters, text messages and
 * emails, and what each said. The shapes follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import { api } from './client';

const BASE = '/api/v1/communications';

export type MessageChannel = 'letter' | 'sms' | 'email';

/** One message as listed. */
export interface MessageSummary {
  id: string;
  patient: { id: string; nhsNumber: string; name: string };
  pathwayId: string | null;
  appointmentId: string | null;
  kind: string;
  channel: string;
  /** standard, large-print, easy-read or braille. */
  format: string;
  /** patient or gp. */
  recipient: string;
  status: string;
  sendAfter: string | null;
  sentAt: string | null;
  statusAt: string | null;
  createdAt: string;
  attempts: number;
  provider: string | null;
  templateVersion: number | null;
  lastError: string | null;
  /** A PDF of the letter is kept: `letterPdfUrl(id)`. */
  hasLetter: boolean;
}

/** One message with what it said, as rendered when it was sent. */
export interface MessageDetail extends MessageSummary {
  templateId: string | null;
  renderedSubject: string | null;
  renderedBody: string | null;
  providerRef: string | null;
  printBatchId: string | null;
  detail: unknown;
}

export interface MessageList {
  total: number;
  limit: number;
  offset: number;
  messages: MessageSummary[];
}

export interface MessageQuery {
  status?: string;
  channel?: MessageChannel;
  patientId?: string;
  limit?: number;
  offset?: number;
}

function messageSearch(query: MessageQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, string | number | undefined][]) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

export const getMessages = (query: MessageQuery, signal?: AbortSignal) =>
  api.get<MessageList>(`${BASE}?${messageSearch(query)}`, { signal });

export const getMessage = (messageId: string, signal?: AbortSignal) =>
  api.get<MessageDetail>(`${BASE}/${encodeURIComponent(messageId)}`, { signal });

/** The letter's PDF: a plain link, sent with the session cookie like any page of the app. */
export const letterPdfUrl = (messageId: string) => `${BASE}/${encodeURIComponent(messageId)}/letter.pdf`;

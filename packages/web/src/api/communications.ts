/**
 * Typed calls to the messages endpoints, `/api/v1/communications`: the outbox of letters, text messages and
 * emails, and what each said. The shapes follow the server's OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type { MessageDetail, MessageSummary } from '@pathflow/core';
import { api } from './client';

const BASE = '/api/v1/communications';

export type MessageChannel = 'letter' | 'sms' | 'email';

export type { MessageDetail, MessageSummary };

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

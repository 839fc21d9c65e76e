/**
 * Typed calls for the weekly waiting-list pack (`/api/v1/reports/…`) and the signed-in person's own messages
 * (`/api/v1/me/messages`). The shapes are core's API contract.
 */
import type { StaffMessages, StoredWeeklyPack } from '@pathflow/core';
import { api } from './client';

export type { StaffMessage, StaffMessages, StoredWeeklyPack } from '@pathflow/core';

const id = (value: string) => encodeURIComponent(value);

export const getStoredWeeklyPacks = (signal?: AbortSignal) =>
  api
    .get<{ packs: StoredWeeklyPack[] }>('/api/v1/reports/weekly-packs', { signal })
    .then((answer) => answer.packs);

/** Plain links: the browser sends the session cookie, and the server answers with a download. */
export const thisWeeksPackUrl = (format: 'xlsx' | 'pdf') => `/api/v1/reports/weekly.${format}`;
export const storedPackUrl = (packId: string, format: 'xlsx' | 'pdf') =>
  `/api/v1/reports/weekly-packs/${id(packId)}.${format}`;

export const getMyMessages = (signal?: AbortSignal) =>
  api.get<StaffMessages>('/api/v1/me/messages', { signal });

/** Marks the messages read (all of them when no ids are given). */
export const markMessagesRead = (ids?: readonly string[]) =>
  api.post<{ marked: number; unread: number }>('/api/v1/me/messages/read', ids ? { ids } : {});

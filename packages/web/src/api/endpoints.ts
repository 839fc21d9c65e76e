/** Typed calls to the `/api/v1` endpoints the web app uses. Shapes come from `@pathflow/core`'s contract. */
import type { AuthProviders, SessionInfo, SignInRequest, SpecialtyWaitingList } from '@pathflow/core';
import { api } from './client';

const BASE = '/api/v1';

export const getAuthProviders = (signal?: AbortSignal) =>
  api.get<AuthProviders>(`${BASE}/auth/providers`, { signal });

export const signIn = (body: SignInRequest) =>
  api.post<SessionInfo>(`${BASE}/auth/sign-in`, body, { startsSession: true });

export const getSession = (signal?: AbortSignal) => api.get<SessionInfo>(`${BASE}/auth/session`, { signal });

export const signOut = () => api.post<undefined>(`${BASE}/auth/sign-out`);

export const getSpecialties = (signal?: AbortSignal) =>
  api.get<SpecialtyWaitingList>(`${BASE}/specialties`, { signal });

/**
 * Typed calls to the access policy endpoints, `/api/v1/access-policy`. The shapes are core's API contract
 * (`AccessPolicyView`, `NewAccessPolicyVersion`).
 */
import type {
  AccessPolicySettings,
  AccessPolicySettingsPatch,
  AccessPolicyVersionView,
  AccessPolicyView,
  NewAccessPolicyVersion,
} from '@pathflow/core';
import { api } from './client';

export type {
  AccessPolicySettings,
  AccessPolicySettingsPatch,
  AccessPolicyVersionView,
  AccessPolicyView,
  NewAccessPolicyVersion,
};

const BASE = '/api/v1/access-policy';

export const getAccessPolicy = (signal?: AbortSignal) => api.get<AccessPolicyView>(BASE, { signal });

export const addPolicyVersion = (body: NewAccessPolicyVersion) =>
  api.post<AccessPolicyVersionView>(`${BASE}/versions`, body);

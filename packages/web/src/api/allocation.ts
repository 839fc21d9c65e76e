/**
 * Typed calls to the automatic allocation endpoints, `/api/v1/allocation-plans`. The shapes follow the server's
 * OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type {
  AllocationPlanApplied as ApplyAnswer,
  AllocationPlanView as AllocationPlan,
  PlanAssignment,
  PlanBreaching,
  StillBreachingReason,
  UnassignedReason,
} from '@pathflow/core';
import { api } from './client';

/** The views the server answers with, shared with it through core's API contract. */
export type {
  AllocationPlan,
  ApplyAnswer,
  PlanAssignment,
  PlanBreaching,
  StillBreachingReason,
  UnassignedReason,
};

const BASE = '/api/v1/allocation-plans';
const id = (value: string) => encodeURIComponent(value);

export interface PlanRequest {
  specialtyCode: string;
  weeks: number;
  minNoticeDays: number;
}

export const makePlan = (body: PlanRequest) => api.post<AllocationPlan>(BASE, body);

/** One page of a plan: assignments from `offset`, patients who still breach from `breachingOffset`. */
export const getPlan = (
  planId: string,
  page: { offset: number; limit: number; breachingOffset: number; breachingLimit: number },
  signal?: AbortSignal,
) =>
  api.get<AllocationPlan>(
    `${BASE}/${id(planId)}?offset=${page.offset}&limit=${page.limit}&breachingOffset=${page.breachingOffset}&breachingLimit=${page.breachingLimit}`,
    signal ? { signal } : {},
  );

export const applyPlan = (planId: string) => api.post<ApplyAnswer>(`${BASE}/${id(planId)}/apply`);

export const discardPlan = (planId: string) => api.post<unknown>(`${BASE}/${id(planId)}/discard`);

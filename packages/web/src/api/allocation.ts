/**
 * Typed calls to the automatic allocation endpoints, `/api/v1/allocation-plans`. The shapes follow the server's
 * OpenAPI description (`GET /api/v1/openapi.json`).
 */
import type { BreachKind } from '@pathflow/core';
import { api } from './client';

const BASE = '/api/v1/allocation-plans';
const id = (value: string) => encodeURIComponent(value);

export type StillBreachingReason = 'already-breached' | 'no-eligible-slot-in-time' | 'capacity';
export type UnassignedReason = 'no-eligible-slot' | 'capacity';

export interface PlanAssignment {
  pathwayId: string;
  patient: { id: string; nhsNumber: string; name: string };
  priority: string;
  slot: { id: string; type: string; startsAt: string; endsAt: string; date: string };
  clinic: { id: string; name: string };
  noticeDays: number;
  reasonableOffer: boolean;
  outOfTurn: boolean;
  breachesAvoided: BreachKind[];
  breaches: BreachKind[];
}

export interface PlanBreaching {
  pathwayId: string;
  patient: { id: string; nhsNumber: string; name: string };
  priority: string;
  breaches: BreachKind[];
  booked: boolean;
  date: string | null;
  reason: StillBreachingReason;
  reasonText: string;
  unassignedReason: UnassignedReason | null;
  unassignedText: string | null;
}

interface Page<T> {
  offset: number;
  limit: number;
  total: number;
  items: T[];
}

export interface AllocationPlan {
  id: string;
  specialtyCode: string;
  status: 'proposed' | 'applied' | 'discarded' | 'superseded';
  fromDate: string;
  toDate: string;
  createdAt: string;
  summary: {
    today: string;
    weeks: number;
    minNoticeDays: number;
    counts: {
      patients: number;
      slots: number;
      places: number;
      booked: number;
      unassigned: number;
      reasonableOffers: number;
      outOfTurn: number;
    };
    breachesBefore: Record<BreachKind, number>;
    breachesAfter: Record<BreachKind, number>;
    stillBreaching: { reason: StillBreachingReason; text: string; count: number }[];
    unassigned: { reason: UnassignedReason; text: string; count: number }[];
  };
  assignments: Page<PlanAssignment>;
  stillBreaching: Page<PlanBreaching>;
}

export interface PlanRequest {
  specialtyCode: string;
  weeks: number;
  minNoticeDays: number;
}

export interface ApplyAnswer {
  id: string;
  status: 'applied';
  appointmentsBooked: number;
  lettersQueued: number;
  slotsUsed: number;
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

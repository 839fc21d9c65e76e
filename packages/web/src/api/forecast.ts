/**
 * Typed calls for the breach forecast (issue 7): the summary (`GET /api/v1/forecast`), a page of potential
 * breaches (`GET /api/v1/forecast/potential-breaches`) and what-if scenarios (`POST /api/v1/forecast/what-if`:
 * places per week for a specialty, or a clinic removed for some weeks or given one more session a week).
 * The shapes are core's API contract (`@pathflow/core`'s `ForecastView`, `PotentialBreachPage`, `WhatIfView`).
 */
import type {
  ForecastView,
  PotentialBreachPage,
  PotentialBreachReason,
  WhatIfBody,
  WhatIfView,
} from '@pathflow/core';
import { api } from './client';

export { CLINIC_CHANGES, POTENTIAL_BREACH_REASONS, SLOT_TYPES } from '@pathflow/core';
export type {
  ClinicChange,
  ClinicChangeKind,
  ClinicChangeView,
  DirectorateForecast,
  ForecastAdjustment,
  ForecastByThreshold,
  ForecastThresholdKey,
  ForecastTotals,
  ForecastView,
  ForecastWeek,
  PotentialBreachPage,
  PotentialBreachReason,
  PotentialBreachRow,
  SlotType,
  SpecialtyForecast,
  WhatIfBody,
  WhatIfView,
} from '@pathflow/core';

const BASE = '/api/v1/forecast';

const search = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
};

/** The summary for the organisation, or one specialty alone. */
export const getForecast = (specialty: string | undefined, signal?: AbortSignal) =>
  api.get<ForecastView>(`${BASE}${search({ specialty })}`, { signal });

export interface PotentialBreachFilter {
  specialty?: string | undefined;
  /** A directorate's exact name, e.g. Surgery. */
  directorate?: string | undefined;
  reason?: PotentialBreachReason | undefined;
  limit: number;
  offset: number;
}

/** One page of the pathways likely to pass their next threshold, soonest breach first. */
export const getPotentialBreaches = (filter: PotentialBreachFilter, signal?: AbortSignal) =>
  api.get<PotentialBreachPage>(`${BASE}/potential-breaches${search({ ...filter })}`, { signal });

/** The forecast before and after adding or removing places, or a clinic's: nothing is changed. */
export const runWhatIf = (body: WhatIfBody, signal?: AbortSignal) =>
  api.post<WhatIfView>(`${BASE}/what-if`, body, signal ? { signal } : undefined);

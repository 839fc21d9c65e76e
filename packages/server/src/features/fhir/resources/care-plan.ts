/**
 * CarePlan (base R4: UK Core's profile is still a draft): patient-initiated follow-up plans (`pifu_plans`,
 * nhs-domain.md §2.8), read and searched. Every plan returned is recorded in the audit log.
 *
 * The mapping:
 * - `status`: active → active; discharged (a time-limited window ran to its end and the patient went back
 *   to their GP) → completed; ended (a clinician ended the plan after a request, before any window's end)
 *   → revoked, FHIR's "terminated prior to reaching completion".
 * - `intent` 'plan'; `title` 'Patient-initiated follow-up'; `description` its kind and window in words;
 *   `category` its kind (https://pathflow.dev/CodeSystem/pifu-kind: time-limited, open-ended).
 * - `period`: from the day it starts to the last day of a time-limited window (open-ended: no end).
 * - `subject`: the patient; `created`: when it was agreed and recorded; `supportingInfo`: the referral
 *   (ServiceRequest) that opened the plan's pathway, when there is one.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { CarePlan } from 'fhir/r4';
import type { Database } from '../../../db/client';
import { pathways, pifuPlans } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { PROFILES, SYSTEMS, metaOf, ref } from '../resource';
import { checkIncludes } from '../search';
import { onePage, ourStatusesIn, readAudited, referenceFilter, searchAudited, statusFilter } from './shared';

type Row = typeof pifuPlans.$inferSelect;

const STATUS_TO_FHIR: Record<string, CarePlan['status']> = {
  active: 'active',
  discharged: 'completed',
  ended: 'revoked',
};
const CARE_PLAN_STATUSES = [
  'draft',
  'active',
  'on-hold',
  'revoked',
  'completed',
  'entered-in-error',
  'unknown',
];

const KIND_DISPLAY: Record<string, string> = {
  'time-limited': 'Time-limited patient-initiated follow-up',
  'open-ended': 'Open-ended patient-initiated follow-up',
};

interface Joined {
  /** The plan's id (what the audit names). */
  id: string;
  plan: Row;
  referralId: string | null;
}

function descriptionOf(plan: Row): string {
  if (plan.kind === 'open-ended') {
    return 'Open-ended patient-initiated follow-up: the patient asks to be seen when they need to, with no end date.';
  }
  const months = plan.months === null ? '' : ` of ${plan.months} month${plan.months === 1 ? '' : 's'}`;
  return `Time-limited patient-initiated follow-up: the patient asks to be seen when they need to, within a window${months}, and is discharged to their GP at its end.`;
}

export function carePlanResource({ plan, referralId }: Joined): CarePlan {
  const display = KIND_DISPLAY[plan.kind];
  const resource: CarePlan = {
    resourceType: 'CarePlan',
    id: plan.id,
    meta: metaOf('CarePlan', plan),
    status: STATUS_TO_FHIR[plan.status] ?? 'unknown',
    intent: 'plan',
    category: [{ coding: [{ system: SYSTEMS.pifuKind, code: plan.kind, ...(display ? { display } : {}) }] }],
    title: 'Patient-initiated follow-up',
    description: descriptionOf(plan),
    subject: ref('Patient', plan.patientId),
    period: { start: plan.startsOn, ...(plan.endsOn === null ? {} : { end: plan.endsOn }) },
    created: plan.createdAt.toISOString(),
  };
  if (referralId) resource.supportingInfo = [ref('ServiceRequest', referralId)];
  return resource;
}

/** The organisation's plans (with their pathway's referral) that meet `where`. */
function selectPlans(db: Database, orgId: string, where: SQL[]) {
  return db
    .select({ id: pifuPlans.id, plan: pifuPlans, referralId: pathways.referralId })
    .from(pifuPlans)
    .leftJoin(pathways, and(eq(pathways.orgId, pifuPlans.orgId), eq(pathways.id, pifuPlans.pathwayId)))
    .where(and(eq(pifuPlans.orgId, orgId), ...where));
}

/** Newest first: by the day the plan starts, then when it was recorded. */
const NEWEST_FIRST = [desc(pifuPlans.startsOn), desc(pifuPlans.createdAt), desc(pifuPlans.id)];

export const carePlanModule: FhirResourceModule = {
  type: 'CarePlan',
  profile: PROFILES.CarePlan,
  read: 'Patient.read',
  documentation:
    'Patient-initiated follow-up plans (time-limited or open-ended). Status: active; completed when a time-limited window ended with discharge; revoked when a clinician ended the plan. Every plan returned is recorded in the audit log.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'The patient on the plan (Patient/<id>)' },
    { name: 'status', type: 'token', documentation: 'active, completed or revoked' },
  ],

  readById: (db, ctx, id) =>
    readAudited(
      db,
      ctx,
      'CarePlan',
      async (tx) => (await selectPlans(tx, ctx.principal.orgId, [eq(pifuPlans.id, id)]))[0],
      (row) => row.plan.patientId,
      carePlanResource,
    ),

  search(db, ctx, params) {
    checkIncludes(params, []);
    const where: SQL[] = [
      ...referenceFilter(params, ['patient'], 'Patient', pifuPlans.patientId),
      ...statusFilter(params, CARE_PLAN_STATUSES, ourStatusesIn(pifuPlans.status, STATUS_TO_FHIR)),
    ];
    return searchAudited(
      db,
      ctx,
      'CarePlan',
      params,
      (tx) => onePage(selectPlans(tx, ctx.principal.orgId, where).orderBy(...NEWEST_FIRST), params),
      (row) => row.plan.patientId,
      carePlanResource,
    );
  },
};

/**
 * ServiceRequest (UKCore-ServiceRequest): a referral as received (`referrals`). Read, search, and create, which
 * is a referral taken in by the same service as `POST /api/v1/referrals` (`createReferral`): the same intake
 * rules, the same RTT clock start (nhs-domain.md §1.3) and the same duplicate checks, with every problem named
 * as the FHIR element at fault. Every referral returned is recorded in the audit log.
 *
 * How a referral is written in FHIR (and read back from a create, so what we serve can be sent again):
 * - `identifier`: the e-RS UBRN (https://fhir.nhs.uk/Id/UBRN), when there is one; no other identifier is kept.
 * - `status` (see `serviceRequestStatus`), `intent` 'order'.
 * - `category`: the specialty (treatment function code, UKCore-PracticeSettingCode) and how the referral came
 *   (our referral-source code system: gp-paper, e-rs, …). UK Core leaves category to R4's example codes, so
 *   both are classification codings side by side; codings of other systems are accepted and not kept.
 * - `priority`: PRIORITY TYPE (§2.7) in FHIR's request-priority, keeping its order (routine < urgent < asap):
 *   routine ↔ routine, urgent ↔ urgent, two-week wait (urgent suspected cancer) ↔ asap. `stat` (an emergency)
 *   is no elective referral's priority and is refused. No extension is needed, and the mapping round-trips.
 *   It is the priority the referral came with; a different priority agreed at triage is the pathway's.
 * - `subject`: the Patient (on a create, `Patient/<id>` or an NHS number identifier).
 * - `authoredOn`: the date the referral was received (for e-RS it may be left out: it defaults to the clock start).
 * - `requester`: the referrer by name (`display`); with the referring organisation's ODS code it is a
 *   contained PractitionerRole (`practitioner.display`, `organization.identifier`). A self-referral's
 *   requester is the patient.
 * - `performer`: the trust's service for the specialty (HealthcareService/<treatment function code>).
 * - The RTT dates R4 has no element for are our extensions, valueDate: the e-RS UBRN conversion date, the ASI
 *   worklist date, the original clock start (transfers, interface services) and, served only, the clock start
 *   the rules gave (`EXTENSIONS` in resource.ts).
 * Triage is clinical work done here, not part of a referral sent to us: a create is always pending triage.
 */
import { and, asc, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Extension, Reference, ServiceRequest } from 'fhir/r4';
import {
  REFERRAL_SOURCES,
  REFERRAL_SOURCE_NAMES,
  londonDateOfEpochMilliseconds,
  validateNhsNumber,
  type ReferralPriority,
} from '@pathflow/core';
import type { Database } from '../../../db/client';
import type { RequestContext } from '../../../auth/principal';
import { pathways, patients, referrals, specialties } from '../../../db/schema';
import { AppError } from '../../../errors';
import { createReferral, type NewReferral } from '../../referrals/service';
import type { FhirResourceModule } from '../module';
import { FhirError, fhirInvalid, fromAppError } from '../outcome';
import { EXTENSIONS, PROFILES, SYSTEMS, idFromReference, metaOf, ref } from '../resource';
import { checkIncludes, type SearchParams } from '../search';
import {
  calendarDateFilter,
  onePage,
  readAudited,
  referenceFilter,
  searchAudited,
  statusFilter,
} from './shared';

type Row = typeof referrals.$inferSelect;

/** The RTT dates a create may carry as extensions (valueDate each), by the intake's field for each. */
const DATE_EXTENSIONS = {
  ersConversionDate: EXTENSIONS.ersConversionDate,
  asiWorklistDate: EXTENSIONS.asiWorklistDate,
  originalClockStart: EXTENSIONS.originalClockStart,
} as const;

/**
 * A person confirms a possible duplicate (409) is a separate referral by sending it again with this header set
 * to `true`: the FHIR form of the REST API's `confirmedNotDuplicate`. A header rather than an element, so that
 * the ServiceRequest stays the referral itself.
 */
export const CONFIRM_NOT_DUPLICATE_HEADER = 'pathflow-confirmed-not-duplicate';

const PRIORITY_TO_FHIR: Record<ReferralPriority, NonNullable<ServiceRequest['priority']>> = {
  routine: 'routine',
  urgent: 'urgent',
  'two-week-wait': 'asap',
};
const PRIORITY_FROM_FHIR: Record<string, ReferralPriority> = {
  routine: 'routine',
  urgent: 'urgent',
  asap: 'two-week-wait',
};

/**
 * The request's status, from its triage outcome and its pathway:
 * - rejected at triage: `revoked` (the trust declined it and sent it back: the request no longer stands);
 * - answered with advice and guidance: `completed` (the referrer's question was answered; the clock stopped);
 * - pending or accepted, while its pathway is open (or it has none): `active`;
 * - pending or accepted, with its pathway closed (treated, discharged or removed from the list): `completed`,
 *   since nothing more will be done under it.
 * draft, on-hold, entered-in-error and unknown are never given.
 */
export function serviceRequestStatus(
  triageKind: string,
  pathwayStatus: string | null,
): 'active' | 'completed' | 'revoked' {
  if (triageKind === 'rejected') return 'revoked';
  if (triageKind === 'advice-and-guidance') return 'completed';
  return pathwayStatus === 'closed' ? 'completed' : 'active';
}

const REQUEST_STATUSES = [
  'draft',
  'active',
  'on-hold',
  'revoked',
  'completed',
  'entered-in-error',
  'unknown',
];

function statusCondition(code: string): SQL {
  const live = inArray(referrals.triageKind, ['pending', 'accepted']);
  const closed = sql`${pathways.status} = 'closed'`;
  switch (code) {
    case 'revoked':
      return eq(referrals.triageKind, 'rejected');
    case 'completed':
      return or(eq(referrals.triageKind, 'advice-and-guidance'), and(live, closed))!;
    case 'active':
      return and(live, or(sql`${pathways.status} is null`, ne(pathways.status, 'closed')))!;
    default:
      return sql`false`;
  }
}

interface Joined {
  /** The referral's id (what the audit names). */
  id: string;
  referral: Row;
  specialtyName: string | null;
  pathwayStatus: string | null;
}

/** The organisation's referrals (with their specialty's name and pathway's status) that meet `where`. */
function selectReferrals(db: Database, orgId: string, where: SQL[]) {
  return db
    .select({
      id: referrals.id,
      referral: referrals,
      specialtyName: specialties.name,
      pathwayStatus: pathways.status,
    })
    .from(referrals)
    .leftJoin(pathways, and(eq(pathways.orgId, referrals.orgId), eq(pathways.id, referrals.pathwayId)))
    .leftJoin(
      specialties,
      and(eq(specialties.orgId, referrals.orgId), eq(specialties.code, referrals.specialtyCode)),
    )
    .where(and(eq(referrals.orgId, orgId), ...where));
}

const dateExtension = (url: string, value: string | null): Extension[] =>
  value === null ? [] : [{ url, valueDate: value }];

export function serviceRequestResource({
  referral: r,
  specialtyName,
  pathwayStatus,
}: Joined): ServiceRequest {
  const source = r.source as keyof typeof REFERRAL_SOURCE_NAMES;
  const extension = [
    ...dateExtension(EXTENSIONS.ersConversionDate, r.ersConversionDate),
    ...dateExtension(EXTENSIONS.asiWorklistDate, r.asiWorklistDate),
    ...dateExtension(EXTENSIONS.originalClockStart, r.originalClockStart),
    ...dateExtension(EXTENSIONS.clockStart, r.clockStart),
  ];
  const priority = PRIORITY_TO_FHIR[r.priority as ReferralPriority];
  let requester: Reference | undefined;
  if (r.referrerOrgCode !== null) {
    requester = { reference: '#referrer', ...(r.referrerName === null ? {} : { display: r.referrerName }) };
  } else if (r.referrerName !== null) {
    requester = { display: r.referrerName };
  } else if (r.source === 'self-referral') {
    requester = ref('Patient', r.patientId);
  }
  return {
    resourceType: 'ServiceRequest',
    id: r.id,
    meta: metaOf('ServiceRequest', r),
    ...(r.referrerOrgCode === null
      ? {}
      : {
          contained: [
            {
              resourceType: 'PractitionerRole' as const,
              id: 'referrer',
              ...(r.referrerName === null ? {} : { practitioner: { display: r.referrerName } }),
              organization: { identifier: { system: SYSTEMS.odsOrganisation, value: r.referrerOrgCode } },
            },
          ],
        }),
    ...(extension.length > 0 ? { extension } : {}),
    ...(r.ubrn === null ? {} : { identifier: [{ system: SYSTEMS.ubrn, value: r.ubrn }] }),
    status: serviceRequestStatus(r.triageKind, pathwayStatus),
    intent: 'order',
    category: [
      {
        coding: [
          {
            system: SYSTEMS.practiceSetting,
            code: r.specialtyCode,
            ...(specialtyName === null ? {} : { display: specialtyName }),
          },
        ],
      },
      {
        coding: [
          {
            system: SYSTEMS.referralSource,
            code: r.source,
            ...(REFERRAL_SOURCE_NAMES[source] ? { display: REFERRAL_SOURCE_NAMES[source] } : {}),
          },
        ],
      },
    ],
    ...(priority ? { priority } : {}),
    subject: ref('Patient', r.patientId),
    authoredOn: r.receivedDate,
    ...(requester ? { requester } : {}),
    performer: [ref('HealthcareService', r.specialtyCode, specialtyName ?? undefined)],
  };
}

// --- Search -----------------------------------------------------------------------------------------------------

function identifierFilter(params: SearchParams): SQL[] {
  const tokens = params.tokens('identifier');
  if (tokens.length === 0) return [];
  const ubrns = tokens.map((t) => {
    if (t.system !== undefined && t.system !== SYSTEMS.ubrn) {
      throw fhirInvalid('identifier', `identifier system must be ${SYSTEMS.ubrn} (the e-RS UBRN)`);
    }
    const ubrn = t.code.replace(/[\s-]/g, '');
    if (!/^\d{12}$/.test(ubrn)) throw fhirInvalid('identifier', 'A UBRN is 12 digits');
    return ubrn;
  });
  return [inArray(referrals.ubrn, ubrns)];
}

function categoryFilter(params: SearchParams): SQL[] {
  const tokens = params.tokens('category');
  if (tokens.length === 0) return [];
  return [
    or(
      ...tokens.map((t) => {
        const specialty =
          t.system === SYSTEMS.practiceSetting || (t.system === undefined && /^\d{3}$/.test(t.code));
        if (specialty) {
          if (!/^\d{3}$/.test(t.code))
            throw fhirInvalid('category', 'A specialty is a 3-digit treatment function code');
          return eq(referrals.specialtyCode, t.code);
        }
        if (t.system === SYSTEMS.referralSource || t.system === undefined) {
          if (!(REFERRAL_SOURCES as readonly string[]).includes(t.code)) {
            throw fhirInvalid(
              'category',
              `category must be a specialty (${SYSTEMS.practiceSetting}|110) or a referral source (${SYSTEMS.referralSource}|${REFERRAL_SOURCES.join(', ')})`,
            );
          }
          return eq(referrals.source, t.code);
        }
        throw fhirInvalid(
          'category',
          `category system must be ${SYSTEMS.practiceSetting} or ${SYSTEMS.referralSource}`,
        );
      }),
    )!,
  ];
}

// --- Create -----------------------------------------------------------------------------------------------------

/** The elements a create may carry. Anything else would be dropped unread, so it is refused instead. */
const CREATE_ELEMENTS = new Set([
  'resourceType',
  'id',
  'meta',
  'text',
  'language',
  'contained',
  'extension',
  'identifier',
  'status',
  'intent',
  'category',
  'priority',
  'subject',
  'authoredOn',
  'requester',
  'performer',
]);

const SR = 'ServiceRequest';

/** The FHIR element of each REST body field the intake service names. */
const EXPRESSION_FOR: Record<string, string> = {
  '/body/nhsNumber': `${SR}.subject`,
  '/body/source': `${SR}.category`,
  '/body/ubrn': `${SR}.identifier`,
  '/body/ersConversionDate': `${SR}.extension('${EXTENSIONS.ersConversionDate}')`,
  '/body/asiWorklistDate': `${SR}.extension('${EXTENSIONS.asiWorklistDate}')`,
  '/body/receivedDate': `${SR}.authoredOn`,
  '/body/originalClockStart': `${SR}.extension('${EXTENSIONS.originalClockStart}')`,
  '/body/specialtyCode': `${SR}.category`,
  '/body/priority': `${SR}.priority`,
  '/body/referrerName': `${SR}.requester`,
  '/body/referrerOrgCode': `${SR}.requester`,
};

export const expressionForReferralField = (field: string): string | undefined =>
  EXPRESSION_FOR[field] ?? (field.startsWith('/body/triage') ? `${SR}.status` : undefined);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function listOf(body: Json, element: string): unknown[] {
  const v = body[element];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw fhirInvalid(`${SR}.${element}`, `${SR}.${element} must be a list`);
  return v;
}

function codingsOf(concept: unknown, expression: string): { system?: unknown; code?: unknown }[] {
  if (!isObject(concept)) throw fhirInvalid(expression, `${expression} must be a CodeableConcept`);
  const coding = concept.coding ?? [];
  if (!Array.isArray(coding) || !coding.every(isObject))
    throw fhirInvalid(expression, `${expression}.coding must be a list of codings`);
  return coding;
}

/** A date in a create: YYYY-MM-DD as it is; a date-time as its day in London. Anything else goes to the rules. */
function dayOf(value: unknown): unknown {
  if (typeof value !== 'string' || !value.includes('T')) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : londonDateOfEpochMilliseconds(t);
}

interface Category {
  specialtyCode: string | null;
  source: string | null;
}

function categoryInput(body: Json): Category {
  const out: Category = { specialtyCode: null, source: null };
  listOf(body, 'category').forEach((concept, i) => {
    const expression = `${SR}.category[${i}]`;
    for (const c of codingsOf(concept, expression)) {
      const key =
        c.system === SYSTEMS.practiceSetting
          ? 'specialtyCode'
          : c.system === SYSTEMS.referralSource
            ? 'source'
            : null;
      if (key === null) continue;
      if (typeof c.code !== 'string')
        throw fhirInvalid(expression, `${expression} has a coding without a code`);
      if (out[key] !== null && out[key] !== c.code) {
        throw fhirInvalid(
          `${SR}.category`,
          key === 'source' ? 'Give one referral source' : 'Give one specialty (treatment function code)',
        );
      }
      out[key] = c.code;
    }
  });
  return out;
}

/** The specialty a performer names (HealthcareService/<treatment function code>), if one is given. */
function performerSpecialty(body: Json): string | null {
  const performers = listOf(body, 'performer');
  if (performers.length === 0) return null;
  const expression = `${SR}.performer`;
  const reference = isObject(performers[0]) ? performers[0].reference : undefined;
  const m = typeof reference === 'string' ? /(?:^|\/)HealthcareService\/(\d{3})$/.exec(reference) : null;
  if (performers.length > 1 || !m) {
    throw fhirInvalid(
      expression,
      `${expression} is the trust's service for the specialty: one HealthcareService/<treatment function code>`,
    );
  }
  return m[1]!;
}

function ubrnInput(body: Json): unknown {
  let ubrn: unknown = null;
  listOf(body, 'identifier').forEach((identifier, i) => {
    const expression = `${SR}.identifier[${i}]`;
    if (!isObject(identifier) || identifier.system !== SYSTEMS.ubrn) {
      throw fhirInvalid(
        expression,
        `Only the e-RS UBRN is kept as an identifier: its system is ${SYSTEMS.ubrn}`,
      );
    }
    if (ubrn !== null) throw fhirInvalid(`${SR}.identifier`, 'Give one UBRN');
    ubrn = identifier.value ?? null;
  });
  return ubrn;
}

function datesInput(body: Json): {
  ersConversionDate: unknown;
  asiWorklistDate: unknown;
  originalClockStart: unknown;
} {
  const out = {
    ersConversionDate: null as unknown,
    asiWorklistDate: null as unknown,
    originalClockStart: null as unknown,
  };
  const keys = Object.entries(DATE_EXTENSIONS) as [keyof typeof out, string][];
  listOf(body, 'extension').forEach((ext, i) => {
    if (!isObject(ext))
      throw fhirInvalid(`${SR}.extension[${i}]`, `${SR}.extension[${i}] must be an extension`);
    const key = keys.find(([, url]) => url === ext.url)?.[0];
    // Other extensions (and the clock start we serve, which the rules compute) do not change the referral.
    if (key === undefined) return;
    const expression = `${SR}.extension('${String(ext.url)}')`;
    if (ext.valueDate === undefined)
      throw fhirInvalid(expression, `${expression} takes valueDate (YYYY-MM-DD)`);
    out[key] = ext.valueDate;
  });
  return out;
}

function requesterInput(body: Json, patientId: string): { referrerName: unknown; referrerOrgCode: unknown } {
  const requester = body.requester;
  const expression = `${SR}.requester`;
  const contained = listOf(body, 'contained');
  const none = { referrerName: null, referrerOrgCode: null };
  if (requester === undefined) {
    if (contained.length > 0)
      throw fhirInvalid(`${SR}.contained`, `Only the referrer (the requester) may be contained`);
    return none;
  }
  if (!isObject(requester)) throw fhirInvalid(expression, `${expression} must be a Reference`);
  const reference = requester.reference;
  if (typeof reference === 'string' && reference.startsWith('#')) {
    const index = contained.findIndex((c) => isObject(c) && c.id === reference.slice(1));
    const role = contained[index];
    if (!isObject(role) || role.resourceType !== 'PractitionerRole' || contained.length > 1) {
      throw fhirInvalid(
        expression,
        `${expression} may refer to one contained PractitionerRole: the referrer and their organisation`,
      );
    }
    const at = `${SR}.contained[${index}]`;
    const org = role.organization;
    let orgCode: unknown = null;
    if (org !== undefined) {
      const identifier = isObject(org) ? org.identifier : undefined;
      if (!isObject(identifier) || identifier.system !== SYSTEMS.odsOrganisation) {
        throw fhirInvalid(
          `${at}.organization`,
          `${at}.organization is the referring organisation by ODS code: identifier.system ${SYSTEMS.odsOrganisation}`,
        );
      }
      orgCode = identifier.value ?? null;
    }
    const practitioner = role.practitioner;
    const name = isObject(practitioner) ? (practitioner.display ?? null) : (requester.display ?? null);
    return { referrerName: name, referrerOrgCode: orgCode };
  }
  if (contained.length > 0)
    throw fhirInvalid(`${SR}.contained`, `Only the referrer (the requester) may be contained`);
  if (reference !== undefined) {
    // A self-referral's requester is the patient.
    if (idFromReferenceOrNull(requester, 'Patient') === patientId) return none;
    throw fhirInvalid(
      expression,
      `${expression} is the referrer by name (display), or a contained PractitionerRole with the referrer's name and their organisation's ODS code`,
    );
  }
  if (requester.identifier !== undefined) {
    throw fhirInvalid(
      expression,
      `Give the referring organisation's ODS code in a contained PractitionerRole (organization.identifier)`,
    );
  }
  return { referrerName: requester.display ?? null, referrerOrgCode: null };
}

function idFromReferenceOrNull(reference: Reference, type: string): string | null {
  const m = new RegExp(`(?:^|/)${type}/([^/]+)$`).exec(reference.reference ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/** The patient the referral is for: `Patient/<id>` or an NHS number identifier, registered with us (else 422). */
async function subjectPatient(
  db: Database,
  ctx: RequestContext,
  body: Json,
): Promise<{ id: string; nhsNumber: string }> {
  const expression = `${SR}.subject`;
  const subject = body.subject;
  const orgId = ctx.principal.orgId;
  if (!isObject(subject)) {
    throw fhirInvalid(
      expression,
      `${expression} must name the patient: Patient/<id>, or an NHS number identifier`,
      'required',
    );
  }
  let where: SQL;
  let what: string;
  if (subject.reference !== undefined) {
    const id = idFromReference(subject, 'Patient', expression);
    where = eq(patients.id, id);
    what = `Patient/${id}`;
  } else {
    const identifier = subject.identifier;
    if (!isObject(identifier) || identifier.system !== SYSTEMS.nhsNumber) {
      throw fhirInvalid(
        expression,
        `${expression} must name the patient: Patient/<id>, or an identifier with system ${SYSTEMS.nhsNumber}`,
        'required',
      );
    }
    const checked = validateNhsNumber(typeof identifier.value === 'string' ? identifier.value : '');
    if (!checked.valid) throw fhirInvalid(`${expression}.identifier`, checked.message);
    where = eq(patients.nhsNumber, checked.value);
    what = 'no patient with this NHS number';
  }
  const [patient] = await db
    .select({ id: patients.id, nhsNumber: patients.nhsNumber })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), where));
  if (!patient) {
    throw new FhirError(422, {
      code: 'not-found',
      diagnostics:
        subject.reference !== undefined
          ? `${expression} refers to ${what}, which does not exist: register the patient first`
          : `${expression}: ${what} is registered: register the patient first`,
      expression: [expression],
    });
  }
  return patient;
}

function confirmedNotDuplicate(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw fhirInvalid(
    'Pathflow-Confirmed-Not-Duplicate',
    'The Pathflow-Confirmed-Not-Duplicate header is true or false',
  );
}

/** The REST body `createReferral` takes, from a ServiceRequest (every element checked as it is read). */
async function referralInput(db: Database, ctx: RequestContext, body: Json): Promise<NewReferral> {
  for (const key of Object.keys(body)) {
    if (key === 'modifierExtension' || key === 'implicitRules') {
      throw fhirInvalid(
        `${SR}.${key}`,
        `${SR}.${key} is not understood here, so the referral cannot be taken`,
        'not-supported',
      );
    }
    if (!CREATE_ELEMENTS.has(key)) {
      throw fhirInvalid(
        `${SR}.${key}`,
        `${SR}.${key} is not kept by this server: leave it out`,
        'not-supported',
      );
    }
  }
  if (body.status === undefined)
    throw fhirInvalid(`${SR}.status`, `${SR}.status is required: a new referral is active`, 'required');
  if (body.status !== 'active')
    throw fhirInvalid(`${SR}.status`, `A new referral is active, not ${JSON.stringify(body.status)}`);
  if (body.intent === undefined)
    throw fhirInvalid(`${SR}.intent`, `${SR}.intent is required: a referral is an order`, 'required');
  if (body.intent !== 'order')
    throw fhirInvalid(`${SR}.intent`, `A referral's intent is order, not ${JSON.stringify(body.intent)}`);
  let priority: ReferralPriority | null = null;
  if (body.priority !== undefined) {
    const p =
      typeof body.priority === 'string' && Object.hasOwn(PRIORITY_FROM_FHIR, body.priority)
        ? PRIORITY_FROM_FHIR[body.priority]
        : undefined;
    if (!p) {
      throw fhirInvalid(
        `${SR}.priority`,
        'priority must be routine, urgent or asap (two-week wait: urgent suspected cancer); stat is not a referral priority',
      );
    }
    priority = p;
  }
  const patient = await subjectPatient(db, ctx, body);
  const category = categoryInput(body);
  const performer = performerSpecialty(body);
  if (performer !== null && category.specialtyCode !== null && performer !== category.specialtyCode) {
    throw fhirInvalid(
      `${SR}.performer`,
      `${SR}.performer names specialty ${performer}, but the category names ${category.specialtyCode}`,
    );
  }
  return {
    nhsNumber: patient.nhsNumber,
    source: category.source as NewReferral['source'],
    ubrn: ubrnInput(body) as string | null,
    ...(datesInput(body) as Pick<
      NewReferral,
      'ersConversionDate' | 'asiWorklistDate' | 'originalClockStart'
    >),
    receivedDate: (dayOf(body.authoredOn) ?? null) as string | null,
    specialtyCode: category.specialtyCode ?? performer,
    priority,
    ...(requesterInput(body, patient.id) as Pick<NewReferral, 'referrerName' | 'referrerOrgCode'>),
    triage: null,
  };
}

async function readJoined(db: Database, orgId: string, id: string): Promise<Joined | undefined> {
  const [row] = await selectReferrals(db, orgId, [eq(referrals.id, id)]);
  return row;
}

/** Oldest first: by the date received, then when it was recorded. */
const BY_RECEIVED = [asc(referrals.receivedDate), asc(referrals.createdAt), asc(referrals.id)];

export const serviceRequestModule: FhirResourceModule = {
  type: 'ServiceRequest',
  profile: PROFILES.ServiceRequest,
  read: 'Referral.read',
  write: 'Referral.write',
  documentation:
    'Referrals as received, with their RTT dates. Status: active while the referral is pending or accepted and its pathway open; revoked when rejected at triage; completed when answered with advice and guidance or its pathway is closed. Priority: routine, urgent, or asap for two-week wait (urgent suspected cancer). Every referral returned is recorded in the audit log.',
  documentationOfWrites:
    'Create takes a referral through the same intake rules as the REST API (POST /api/v1/referrals): subject (Patient/<id> or an NHS number), status active, intent order, category with the specialty (UKCore-PracticeSettingCode) and the referral source (https://pathflow.dev/CodeSystem/referral-source), priority, authoredOn (the date received), requester (the referrer), the UBRN identifier and e-RS dates for e-RS. A possible duplicate is refused with 409; send it again with the header Pathflow-Confirmed-Not-Duplicate: true once a person has checked it is a separate referral.',
  searchParams: [
    { name: 'patient', type: 'reference', documentation: 'The patient referred (Patient/<id>)' },
    { name: 'subject', type: 'reference', documentation: 'The same as patient' },
    { name: 'identifier', type: 'token', documentation: `The e-RS UBRN (${SYSTEMS.ubrn}|<12 digits>)` },
    { name: 'status', type: 'token', documentation: 'active, completed or revoked' },
    { name: 'authored', type: 'date', documentation: 'The date received (YYYY-MM-DD; eq, ge, gt, le, lt)' },
    {
      name: 'category',
      type: 'token',
      documentation: `The specialty (${SYSTEMS.practiceSetting}|110) or the referral source (${SYSTEMS.referralSource}|e-rs)`,
    },
  ],

  readById: (db, ctx, id) =>
    readAudited(
      db,
      ctx,
      'ServiceRequest',
      (tx) => readJoined(tx, ctx.principal.orgId, id),
      (row) => row.referral.patientId,
      serviceRequestResource,
    ),

  search(db, ctx, params) {
    checkIncludes(params, []);
    const where: SQL[] = [
      ...referenceFilter(params, ['patient', 'subject'], 'Patient', referrals.patientId),
      ...identifierFilter(params),
      ...statusFilter(params, REQUEST_STATUSES, statusCondition),
      ...categoryFilter(params),
      ...calendarDateFilter(
        params,
        'authored',
        referrals.receivedDate,
        'authored is a date (YYYY-MM-DD): a referral is received on a day',
      ),
    ];
    return searchAudited(
      db,
      ctx,
      'ServiceRequest',
      params,
      (tx) => onePage(selectReferrals(tx, ctx.principal.orgId, where).orderBy(...BY_RECEIVED), params),
      (row) => row.referral.patientId,
      serviceRequestResource,
    );
  },

  async create(db, ctx, body, request) {
    const confirmed = confirmedNotDuplicate(request.headers[CONFIRM_NOT_DUPLICATE_HEADER]);
    const input = await referralInput(db, ctx, body);
    let id: string;
    try {
      id = (await createReferral(db, ctx, { ...input, confirmedNotDuplicate: confirmed })).id;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'possible_duplicate') {
        const reworded = new AppError(
          'possible_duplicate',
          'This referral may already be held, and nothing was stored. Check it, and send it again with the header Pathflow-Confirmed-Not-Duplicate: true if it is a separate referral.',
          { ...(err.errors ? { errors: err.errors } : {}) },
        );
        throw fromAppError(reworded, expressionForReferralField);
      }
      throw fromAppError(err, expressionForReferralField);
    }
    const row = await readJoined(db, ctx.principal.orgId, id);
    if (!row) throw new Error('The referral just stored cannot be read');
    const resource = serviceRequestResource(row) as ServiceRequest & { id: string };
    return { resource, status: 201 };
  },
};

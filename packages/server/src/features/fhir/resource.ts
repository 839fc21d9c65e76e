/**
 * What every FHIR resource we serve shares: its meta (UK Core profile, version, last change), the ETag made
 * from its version, references, and the identifier systems and code systems of nhs-domain.md §7.1.
 */
import type { Meta, Reference } from 'fhir/r4';
import { fhirInvalid, FhirError } from './outcome';

export const FHIR_BASE_PATH = '/fhir/R4';

export const PROFILES = {
  Patient: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient',
  Appointment: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Appointment',
  Slot: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Slot',
  Schedule: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Schedule',
  ServiceRequest: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest',
  Practitioner: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Practitioner',
  PractitionerRole: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-PractitionerRole',
  Organization: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization',
  Location: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Location',
  HealthcareService: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-HealthcareService',
  Task: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Task',
  // UK Core's CarePlan and Communication profiles are still drafts ("assets in development"): we claim the base
  // R4 definitions for these two rather than a profile that is not published.
  Communication: 'http://hl7.org/fhir/StructureDefinition/Communication',
  CarePlan: 'http://hl7.org/fhir/StructureDefinition/CarePlan',
} as const;

export const SYSTEMS = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsOrganisation: 'https://fhir.nhs.uk/Id/ods-organization-code',
  odsSite: 'https://fhir.nhs.uk/Id/ods-site-code',
  ubrn: 'https://fhir.nhs.uk/Id/UBRN',
  gmc: 'https://fhir.hl7.org.uk/Id/gmc-number',
  practiceSetting: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-PracticeSettingCode',
  nhsNumberVerification: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland',
  deliveryChannel: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DeliveryChannel',
  appointmentType: 'http://terminology.hl7.org/CodeSystem/v2-0276',
  participationMode: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode',
  /** Our own identifiers: the local hospital number, the pathway identifier. */
  mrn: 'https://pathflow.dev/Id/mrn',
  ppid: 'https://pathflow.dev/Id/ppid',
  /**
   * Our own codes, where no national code system has them (slot types, task types and outcomes, message kinds
   * and delivery statuses, how a referral reached us, kinds of patient-initiated follow-up).
   */
  slotType: 'https://pathflow.dev/CodeSystem/slot-type',
  taskType: 'https://pathflow.dev/CodeSystem/task-type',
  /** The outcomes a task is completed with (each type's list in core's TASK_TYPES). */
  taskOutcome: 'https://pathflow.dev/CodeSystem/task-outcome',
  communicationKind: 'https://pathflow.dev/CodeSystem/communication-kind',
  communicationStatus: 'https://pathflow.dev/CodeSystem/communication-status',
  /** How the referral reached us (core's REFERRAL_SOURCES). */
  referralSource: 'https://pathflow.dev/CodeSystem/referral-source',
  pifuKind: 'https://pathflow.dev/CodeSystem/pifu-kind',
} as const;

export const EXTENSIONS = {
  nhsNumberVerification:
    'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
  bookingOrganization: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-BookingOrganization',
  deliveryChannel: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel',
  /** Our own: the RTT dates a referral carries that R4's ServiceRequest has no element for (valueDate each). */
  ersConversionDate: 'https://pathflow.dev/StructureDefinition/ers-ubrn-conversion-date',
  asiWorklistDate: 'https://pathflow.dev/StructureDefinition/ers-asi-worklist-date',
  originalClockStart: 'https://pathflow.dev/StructureDefinition/rtt-original-clock-start',
  /** Served only: the clock start the intake rules gave (§1.3); ignored in a create. */
  clockStart: 'https://pathflow.dev/StructureDefinition/rtt-clock-start',
} as const;

export type ProfiledType = keyof typeof PROFILES;

/** What a row needs to give its resource a meta: its version (the trigger's count) and its last change. */
export interface Versioned {
  versionId: number;
  lastUpdated: Date;
}

export function metaOf(type: ProfiledType, row: Versioned): Meta {
  return {
    versionId: String(row.versionId),
    lastUpdated: row.lastUpdated.toISOString(),
    profile: [PROFILES[type]],
  };
}

/** A weak ETag of a version, as FHIR servers send it: `W/"3"`. */
export const etagOf = (versionId: number | string): string => `W/"${versionId}"`;

/**
 * The version an `If-Match` header asks for: `W/"3"`, `"3"` or `3`. Missing when the update needs one is a
 * 428 (FHIR's "version-aware update"); anything unreadable is a 400 naming the header.
 */
export function versionFromIfMatch(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') {
    throw new FhirError(428, {
      code: 'required',
      diagnostics:
        'Send the If-Match header with the version you read (the ETag, e.g. W/"1"): nothing was changed',
      expression: ['If-Match'],
    });
  }
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value);
  if (!m) throw fhirInvalid('If-Match', 'If-Match must be an ETag such as W/"1"');
  return Number(m[1]);
}

export const ref = (type: string, id: string, display?: string): Reference => ({
  reference: `${type}/${id}`,
  ...(display === undefined ? {} : { display }),
});

/** A UUID, as our ids are: an id of another shape cannot be ours and is simply not found. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string): boolean => UUID.test(id);

/** Reads `Type/<uuid>` (relative, or absolute on any base) from a reference, or says which element is wrong. */
export function idFromReference(reference: Reference | undefined, type: string, expression: string): string {
  const value = reference?.reference;
  if (typeof value !== 'string' || value.trim() === '') {
    throw fhirInvalid(
      expression,
      `${expression} must be a reference to a ${type} (${type}/<id>)`,
      'required',
    );
  }
  const m = new RegExp(`(?:^|/)${type}/([^/]+)$`).exec(value);
  if (!m) throw fhirInvalid(expression, `${expression} must reference a ${type}, not "${value}"`);
  if (!isUuid(m[1]!)) {
    throw new FhirError(422, {
      code: 'not-found',
      diagnostics: `${expression} refers to ${type}/${m[1]}, which does not exist`,
      expression: [expression],
    });
  }
  return m[1]!.toLowerCase();
}

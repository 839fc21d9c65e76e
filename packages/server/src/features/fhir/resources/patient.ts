/**
 * Patient (UKCore-Patient): read, and search by NHS number (`identifier=https://fhir.nhs.uk/Id/nhs-number|…`),
 * local hospital number, name, family, given and birthdate. Every patient returned is audited, as on /api/v1.
 */
import { and, asc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { Patient as FhirPatient } from 'fhir/r4';
import { validateNhsNumber } from '@pathflow/core';
import { patients } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { fhirInvalid } from '../outcome';
import { EXTENSIONS, PROFILES, SYSTEMS, metaOf } from '../resource';
import type { SearchParams } from '../search';
import { calendarDateFilter, escapeLike, readAudited, searchAudited } from './shared';

type Row = typeof patients.$inferSelect;

const GENDER: Record<string, FhirPatient['gender']> = {
  male: 'male',
  female: 'female',
  other: 'other',
  unknown: 'unknown',
  'not-known': 'unknown',
  'not-specified': 'unknown',
};

export function patientResource(row: Row): FhirPatient {
  const telecom: NonNullable<FhirPatient['telecom']> = [];
  if (row.phone) telecom.push({ system: 'phone', value: row.phone, use: 'home' });
  if (row.email) telecom.push({ system: 'email', value: row.email, use: 'home' });
  const resource: FhirPatient = {
    resourceType: 'Patient',
    id: row.id,
    meta: metaOf('Patient', row),
    identifier: [
      {
        system: SYSTEMS.nhsNumber,
        value: row.nhsNumber,
        extension: [
          {
            url: EXTENSIONS.nhsNumberVerification,
            valueCodeableConcept: {
              coding: [
                {
                  system: SYSTEMS.nhsNumberVerification,
                  // Synthetic and registered records are held as traced: "present and verified".
                  code: '01',
                  display: 'Number present and verified',
                },
              ],
            },
          },
        ],
      },
      { system: SYSTEMS.mrn, value: row.mrn },
    ],
    name: [
      {
        use: 'official',
        family: row.familyName,
        given: [row.givenName],
        ...(row.title ? { prefix: [row.title] } : {}),
      },
    ],
    gender: GENDER[row.sex] ?? 'unknown',
    birthDate: row.dateOfBirth,
    address: [
      {
        use: 'home',
        line: [row.addressLine1, ...(row.addressLine2 ? [row.addressLine2] : [])],
        city: row.town,
        postalCode: row.postcode,
      },
    ],
  };
  if (telecom.length > 0) resource.telecom = telecom;
  if (row.gpPracticeCode) {
    resource.generalPractitioner = [
      { type: 'Organization', identifier: { system: SYSTEMS.odsOrganisation, value: row.gpPracticeCode } },
    ];
  }
  if (row.interpreterLanguage) {
    resource.communication = [{ language: { text: row.interpreterLanguage }, preferred: true }];
  }
  return resource;
}

function identifierFilter(params: SearchParams): SQL[] {
  return params.tokens('identifier').map((t) => {
    if (t.system === SYSTEMS.nhsNumber || t.system === undefined) {
      const check = validateNhsNumber(t.code);
      if (t.system === SYSTEMS.nhsNumber && !check.valid) throw fhirInvalid('identifier', check.message);
      if (check.valid && t.system === undefined)
        return or(eq(patients.nhsNumber, check.value), eq(patients.mrn, t.code))!;
      if (check.valid) return eq(patients.nhsNumber, check.value);
      return eq(patients.mrn, t.code);
    }
    if (t.system === SYSTEMS.mrn) return eq(patients.mrn, t.code);
    throw fhirInvalid(
      'identifier',
      `identifier system must be ${SYSTEMS.nhsNumber} (NHS number) or ${SYSTEMS.mrn} (hospital number)`,
    );
  });
}

function nameFilter(params: SearchParams): SQL[] {
  const out: SQL[] = [];
  const starts = (v: string) => `${escapeLike(v.trim())}%`;
  for (const v of params.all('family')) out.push(ilike(patients.familyName, starts(v)));
  for (const v of params.all('given')) out.push(ilike(patients.givenName, starts(v)));
  for (const v of params.all('name')) {
    out.push(or(ilike(patients.familyName, starts(v)), ilike(patients.givenName, starts(v)))!);
  }
  return out;
}

export const patientModule: FhirResourceModule = {
  type: 'Patient',
  profile: PROFILES.Patient,
  read: 'Patient.read',
  documentation: 'The trust’s patients. Every patient returned is recorded in the audit log.',
  searchParams: [
    {
      name: 'identifier',
      type: 'token',
      documentation: `NHS number (${SYSTEMS.nhsNumber}|<number>, checked with Modulus 11) or hospital number (${SYSTEMS.mrn}|<mrn>)`,
    },
    { name: 'family', type: 'string', documentation: 'Family name, starting with (any case)' },
    { name: 'given', type: 'string', documentation: 'Given name, starting with (any case)' },
    { name: 'name', type: 'string', documentation: 'Family or given name, starting with (any case)' },
    { name: 'birthdate', type: 'date', documentation: 'Date of birth (eq, ge, gt, le, lt)' },
  ],

  readById: (db, ctx, id) =>
    readAudited(
      db,
      ctx,
      'Patient',
      async (tx) =>
        (
          await tx
            .select()
            .from(patients)
            .where(and(eq(patients.orgId, ctx.principal.orgId), eq(patients.id, id)))
        )[0],
      (row) => row.id,
      patientResource,
    ),

  search(db, ctx, params) {
    const where: SQL[] = [
      eq(patients.orgId, ctx.principal.orgId),
      ...identifierFilter(params),
      ...nameFilter(params),
      ...calendarDateFilter(
        params,
        'birthdate',
        patients.dateOfBirth,
        'birthdate is a date (YYYY-MM-DD), without a time',
      ),
    ];
    if (where.length === 1) {
      throw fhirInvalid(
        'identifier',
        'Search patients by identifier (NHS number), or by name or family with birthdate: a search of every patient is not offered',
        'too-costly',
      );
    }
    return searchAudited(
      db,
      ctx,
      'Patient',
      params,
      (tx) =>
        tx
          .select()
          .from(patients)
          .where(and(...where))
          .orderBy(asc(patients.familyName), asc(patients.givenName), asc(patients.id))
          .limit(params.count + 1)
          .offset(params.offset),
      (row) => row.id,
      patientResource,
    );
  },
};

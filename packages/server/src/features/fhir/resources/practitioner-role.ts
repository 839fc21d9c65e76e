/**
 * PractitionerRole (UKCore-PractitionerRole): each clinician's one role at the trust, so its id is the
 * clinician's: their specialty (treatment function code) and its service, and their grade. Read and search by
 * practitioner, specialty and organisation, with `_include=PractitionerRole:practitioner`. Not audited (staff).
 *
 * A role is made of two records, the clinician and their specialty (whose name is the specialty's display), so
 * its version is both versions, `<clinician>.<specialty>` (e.g. "2.1"): it changes whenever either does, and
 * never repeats.
 */
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { PractitionerRole as FhirPractitionerRole } from 'fhir/r4';
import { clinicians, specialties } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { PROFILES, SYSTEMS, isUuid, metaOf, ref } from '../resource';
import { checkIncludes, type SearchParams } from '../search';
import { pageOf } from './shared';
import { NOTHING, organizationParam } from './organization';
import { clinicianDisplay, practitionerResource } from './practitioner';
import { specialtyCodes, specialtyConcept, specialtyCondition } from './healthcare-service';

type Clinician = typeof clinicians.$inferSelect;
type Specialty = typeof specialties.$inferSelect;

const INCLUDE_PRACTITIONER = 'PractitionerRole:practitioner';

export function practitionerRoleResource(clinician: Clinician, specialty: Specialty): FhirPractitionerRole {
  const lastUpdated =
    clinician.lastUpdated > specialty.lastUpdated ? clinician.lastUpdated : specialty.lastUpdated;
  const meta = metaOf('PractitionerRole', { versionId: clinician.versionId, lastUpdated });
  return {
    resourceType: 'PractitionerRole',
    id: clinician.id,
    meta: { ...meta, versionId: `${clinician.versionId}.${specialty.versionId}` },
    active: true,
    practitioner: ref('Practitioner', clinician.id, clinicianDisplay(clinician)),
    organization: ref('Organization', clinician.orgId),
    code: [{ text: clinician.grade }],
    specialty: [specialtyConcept(specialty.code, specialty.name)],
    healthcareService: [ref('HealthcareService', specialty.code, specialty.name)],
  };
}

function practitionerParam(params: SearchParams): SQL[] {
  if (!params.has('practitioner')) return [];
  const ids = params
    .references('practitioner', 'Practitioner')
    .filter(isUuid)
    .map((id) => id.toLowerCase());
  return [ids.length === 0 ? NOTHING : inArray(clinicians.id, ids)];
}

export const practitionerRoleModule: FhirResourceModule = {
  type: 'PractitionerRole',
  profile: PROFILES.PractitionerRole,
  read: 'Organization.read',
  documentation:
    'Each clinician’s role at the trust (one each, with the same id as the Practitioner): their specialty and grade.',
  searchParams: [
    {
      name: 'practitioner',
      type: 'reference',
      documentation: 'The clinician (Practitioner/<id>)',
    },
    {
      name: 'specialty',
      type: 'token',
      documentation: `Treatment function code (${SYSTEMS.practiceSetting}|<code>, e.g. 110)`,
    },
    {
      name: 'organization',
      type: 'reference',
      documentation: 'The organisation (Organization/<id>): only the trust’s own roles are here',
    },
  ],
  includes: [INCLUDE_PRACTITIONER],

  async readById(db, ctx, id) {
    const [row] = await db
      .select({ clinician: clinicians, specialty: specialties })
      .from(clinicians)
      .innerJoin(
        specialties,
        and(eq(specialties.orgId, clinicians.orgId), eq(specialties.code, clinicians.specialtyCode)),
      )
      .where(and(eq(clinicians.orgId, ctx.principal.orgId), eq(clinicians.id, id)));
    return row ? practitionerRoleResource(row.clinician, row.specialty) : null;
  },

  async search(db, ctx, params) {
    const includes = checkIncludes(params, [INCLUDE_PRACTITIONER]);
    const orgId = ctx.principal.orgId;
    const organization = organizationParam(params, 'organization', orgId);
    const where: SQL[] = [
      eq(clinicians.orgId, orgId),
      ...practitionerParam(params),
      ...specialtyCondition(specialtyCodes(params), clinicians.specialtyCode),
      ...(organization ? [organization] : []),
    ];
    const rows = await db
      .select({ clinician: clinicians, specialty: specialties })
      .from(clinicians)
      .innerJoin(
        specialties,
        and(eq(specialties.orgId, clinicians.orgId), eq(specialties.code, clinicians.specialtyCode)),
      )
      .where(and(...where))
      .orderBy(asc(clinicians.familyName), asc(clinicians.givenName), asc(clinicians.id))
      .limit(params.count + 1)
      .offset(params.offset);
    const page = pageOf(rows, params);
    return {
      matches: page.rows.map((r) => practitionerRoleResource(r.clinician, r.specialty)),
      ...(includes.includes(INCLUDE_PRACTITIONER)
        ? { included: page.rows.map((r) => practitionerResource(r.clinician)) }
        : {}),
      more: page.more,
    };
  },
};

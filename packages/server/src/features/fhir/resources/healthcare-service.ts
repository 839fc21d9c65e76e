/**
 * HealthcareService (UKCore-HealthcareService): one per specialty the trust runs, its id the treatment function
 * code (e.g. 110), its specialty that code in UK Core's practice setting codes, provided by the trust. Read and
 * search by specialty, name and organisation. Reference data: not audited.
 */
import { and, asc, eq, inArray, type AnyColumn, type SQL } from 'drizzle-orm';
import type { CodeableConcept, HealthcareService as FhirHealthcareService } from 'fhir/r4';
import { specialties } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { fhirInvalid } from '../outcome';
import { PROFILES, SYSTEMS, metaOf, ref } from '../resource';
import { checkIncludes, type SearchParams } from '../search';
import { pageOf } from './shared';
import { NOTHING, organizationParam, startsWith } from './organization';

type Row = typeof specialties.$inferSelect;

const TREATMENT_FUNCTION = /^\d{3}$/;

/** A specialty as UK Core codes it: its treatment function code, its name as the display. */
export const specialtyConcept = (code: string, name: string): CodeableConcept => ({
  coding: [{ system: SYSTEMS.practiceSetting, code, display: name }],
});

/**
 * A `specialty` token parameter as the treatment function codes it asks for (any of them may match), or
 * undefined when it is not given. `|code` (no system) can match nothing of ours: an empty list.
 */
export function specialtyCodes(params: SearchParams, name = 'specialty'): string[] | undefined {
  const tokens = params.tokens(name);
  if (tokens.length === 0) return undefined;
  const codes: string[] = [];
  for (const t of tokens) {
    if (t.system !== undefined && t.system !== '' && t.system !== SYSTEMS.practiceSetting) {
      throw fhirInvalid(name, `${name} system must be ${SYSTEMS.practiceSetting} (treatment function code)`);
    }
    if (!TREATMENT_FUNCTION.test(t.code)) {
      throw fhirInvalid(name, `${name} must be a treatment function code of 3 digits, e.g. 110`);
    }
    if (t.system !== '') codes.push(t.code);
  }
  return codes;
}

/** The condition on a specialty code column that `specialtyCodes` asks for. */
export function specialtyCondition(codes: string[] | undefined, column: AnyColumn): SQL[] {
  if (codes === undefined) return [];
  return [codes.length === 0 ? NOTHING : inArray(column, codes)];
}

export function healthcareServiceResource(row: Row): FhirHealthcareService {
  const resource: FhirHealthcareService = {
    resourceType: 'HealthcareService',
    id: row.code,
    meta: metaOf('HealthcareService', row),
    active: true,
    providedBy: ref('Organization', row.orgId),
  };
  if (row.directorate) resource.category = [{ text: row.directorate }];
  resource.specialty = [specialtyConcept(row.code, row.name)];
  resource.name = row.name;
  if (row.acceptsSelfReferral) resource.characteristic = [{ text: 'Accepts self-referral' }];
  // Consultant-led outpatient services: patients are seen by booked appointment.
  resource.appointmentRequired = true;
  return resource;
}

export const healthcareServiceModule: FhirResourceModule = {
  type: 'HealthcareService',
  profile: PROFILES.HealthcareService,
  read: 'Organization.read',
  idPattern: TREATMENT_FUNCTION,
  documentation:
    'The trust’s specialties as services, one per treatment function code: the id is the code (e.g. HealthcareService/110).',
  searchParams: [
    {
      name: 'specialty',
      type: 'token',
      documentation: `Treatment function code (${SYSTEMS.practiceSetting}|<code>, e.g. 110)`,
    },
    { name: 'name', type: 'string', documentation: 'Name, starting with (any case)' },
    {
      name: 'organization',
      type: 'reference',
      documentation: 'The organisation that provides it (Organization/<id>): only the trust’s own are here',
    },
  ],

  async readById(db, ctx, id) {
    const [row] = await db
      .select()
      .from(specialties)
      .where(and(eq(specialties.orgId, ctx.principal.orgId), eq(specialties.code, id)));
    return row ? healthcareServiceResource(row) : null;
  },

  async search(db, ctx, params) {
    checkIncludes(params, []);
    const orgId = ctx.principal.orgId;
    const organization = organizationParam(params, 'organization', orgId);
    const where: SQL[] = [
      eq(specialties.orgId, orgId),
      ...specialtyCondition(specialtyCodes(params), specialties.code),
      ...startsWith(params, 'name', [specialties.name]),
      ...(organization ? [organization] : []),
    ];
    const rows = await db
      .select()
      .from(specialties)
      .where(and(...where))
      .orderBy(asc(specialties.code))
      .limit(params.count + 1)
      .offset(params.offset);
    const page = pageOf(rows, params);
    return { matches: page.rows.map(healthcareServiceResource), more: page.more };
  },
};

/**
 * Practitioner (UKCore-Practitioner): the trust's clinicians, identified by their professional registration:
 * a 7-digit code is a GMC number (UK Core's gmc-number system), any other (a consultant code, an NMC PIN …) is
 * given under our own system. Read and search by identifier and name. Staff, not patients: not audited.
 */
import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Practitioner as FhirPractitioner } from 'fhir/r4';
import { clinicians } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { fhirInvalid } from '../outcome';
import { PROFILES, SYSTEMS, metaOf } from '../resource';
import { checkIncludes, type SearchParams } from '../search';
import { pageOf } from './shared';
import { NOTHING, startsWith } from './organization';

type Row = typeof clinicians.$inferSelect;

/** A registration code that is not a GMC number, as the trust records it. */
export const LOCAL_REGISTRATION_SYSTEM = 'https://pathflow.dev/Id/professional-registration';

const GMC_NUMBER = /^\d{7}$/;

export const registrationIdentifier = (code: string): { system: string; value: string } => ({
  system: GMC_NUMBER.test(code) ? SYSTEMS.gmc : LOCAL_REGISTRATION_SYSTEM,
  value: code,
});

/** "Ms Ada Surgeon". */
export const clinicianDisplay = (row: Pick<Row, 'title' | 'givenName' | 'familyName'>): string =>
  [row.title, row.givenName, row.familyName].filter((p) => p.trim() !== '').join(' ');

export function practitionerResource(row: Row): FhirPractitioner {
  return {
    resourceType: 'Practitioner',
    id: row.id,
    meta: metaOf('Practitioner', row),
    identifier: [registrationIdentifier(row.registrationCode)],
    active: true,
    name: [
      {
        use: 'official',
        family: row.familyName,
        given: [row.givenName],
        ...(row.title.trim() !== '' ? { prefix: [row.title] } : {}),
      },
    ],
  };
}

function identifierParam(params: SearchParams): SQL[] {
  const tokens = params.tokens('identifier');
  if (tokens.length === 0) return [];
  const code = clinicians.registrationCode;
  const matches = tokens.map((t): SQL => {
    if (t.system === undefined) return eq(code, t.code);
    if (t.system === SYSTEMS.gmc) {
      if (!GMC_NUMBER.test(t.code)) throw fhirInvalid('identifier', 'A GMC number is 7 digits, e.g. 1234567');
      return eq(code, t.code);
    }
    if (t.system === LOCAL_REGISTRATION_SYSTEM) return GMC_NUMBER.test(t.code) ? NOTHING : eq(code, t.code);
    if (t.system === '') return NOTHING;
    throw fhirInvalid(
      'identifier',
      `identifier system must be ${SYSTEMS.gmc} (GMC number) or ${LOCAL_REGISTRATION_SYSTEM} (other registration code)`,
    );
  });
  return [matches.length === 1 ? matches[0]! : or(...matches)!];
}

/** The clinicians' table read for search: the org's own, by identifier and name. */
export function practitionerFilters(params: SearchParams): SQL[] {
  const fullName = sql`${clinicians.givenName} || ' ' || ${clinicians.familyName}`;
  return [
    ...identifierParam(params),
    ...startsWith(params, 'name', [clinicians.familyName, clinicians.givenName, fullName]),
    ...startsWith(params, 'family', [clinicians.familyName]),
    ...startsWith(params, 'given', [clinicians.givenName]),
  ];
}

export const practitionerModule: FhirResourceModule = {
  type: 'Practitioner',
  profile: PROFILES.Practitioner,
  read: 'Organization.read',
  documentation: 'The trust’s clinicians, whose clinics patients are booked into.',
  searchParams: [
    {
      name: 'identifier',
      type: 'token',
      documentation: `Professional registration: GMC number (${SYSTEMS.gmc}|<7 digits>) or other registration code (${LOCAL_REGISTRATION_SYSTEM}|<code>)`,
    },
    {
      name: 'name',
      type: 'string',
      documentation: 'Family name, given name or given then family name, starting with (any case)',
    },
    { name: 'family', type: 'string', documentation: 'Family name, starting with (any case)' },
    { name: 'given', type: 'string', documentation: 'Given name, starting with (any case)' },
  ],

  async readById(db, ctx, id) {
    const [row] = await db
      .select()
      .from(clinicians)
      .where(and(eq(clinicians.orgId, ctx.principal.orgId), eq(clinicians.id, id)));
    return row ? practitionerResource(row) : null;
  },

  async search(db, ctx, params) {
    checkIncludes(params, []);
    const rows = await db
      .select()
      .from(clinicians)
      .where(and(eq(clinicians.orgId, ctx.principal.orgId), ...practitionerFilters(params)))
      .orderBy(asc(clinicians.familyName), asc(clinicians.givenName), asc(clinicians.id))
      .limit(params.count + 1)
      .offset(params.offset);
    const page = pageOf(rows, params);
    return { matches: page.rows.map(practitionerResource), more: page.more };
  },
};

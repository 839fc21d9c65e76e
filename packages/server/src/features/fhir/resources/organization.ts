/**
 * Organization (UKCore-Organization): the trust itself, the one organisation a caller belongs to. Its id is
 * the organisation's own id, its identifier the ODS code. Read and search by ODS code and name. Reference data,
 * not a patient's record, so nothing here is audited (as GET /api/v1/clinicians and /locations are not).
 *
 * Also the pieces the other reference modules share: reading an `organization` search parameter (which can
 * only ever match the caller's own organisation) and a plain "starts with" for string parameters.
 */
import { and, eq, ilike, or, sql, type SQL, type AnyColumn } from 'drizzle-orm';
import type { Organization as FhirOrganization } from 'fhir/r4';
import { organisations } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { fhirInvalid } from '../outcome';
import { PROFILES, SYSTEMS, isUuid, metaOf } from '../resource';
import { checkIncludes, type SearchParams } from '../search';
import { escapeLike, pageOf } from './shared';

type Row = typeof organisations.$inferSelect;

/** HL7's organisation types, which UK Core's UKCore-OrganizationType value set includes. */
export const ORGANIZATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/organization-type';

/** Matches nothing (a parameter that can match no record of ours, e.g. another organisation's reference). */
export const NOTHING: SQL = sql`false`;

export function organizationResource(row: Row): FhirOrganization {
  return {
    resourceType: 'Organization',
    id: row.orgId,
    meta: metaOf('Organization', row),
    identifier: [{ system: SYSTEMS.odsOrganisation, value: row.odsCode }],
    active: true,
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'prov', display: 'Healthcare Provider' }] }],
    name: row.name,
  };
}

/**
 * A string parameter's values as "starts with, any case" conditions on one or more columns (FHIR's default
 * string match): each repeat must match; a value matches if any of the columns starts with it.
 */
export function startsWith(params: SearchParams, name: string, columns: readonly (AnyColumn | SQL)[]): SQL[] {
  // A value given empty is ignored, as FHIR asks; a comma separates values any of which may match.
  const out: SQL[] = [];
  for (const value of params.all(name)) {
    const parts = value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .flatMap((text) => columns.map((c) => ilike(c, `${escapeLike(text)}%`)));
    if (parts.length > 0) out.push(parts.length === 1 ? parts[0]! : or(...parts)!);
  }
  return out;
}

/**
 * An `organization` (or `providedBy`…) reference parameter: everything we serve belongs to the caller's own
 * organisation, so the condition is all-or-nothing. Undefined when the parameter is not given.
 */
export function organizationParam(params: SearchParams, name: string, orgId: string): SQL | undefined {
  if (!params.has(name)) return undefined;
  const ids = params.references(name, 'Organization');
  return ids.some((id) => isUuid(id) && id.toLowerCase() === orgId) ? sql`true` : NOTHING;
}

/**
 * A token parameter on an identifier held in one column under one system: `system|value`, `|value` (no system:
 * never ours) or a bare value. Any other system is refused, naming the one we use.
 */
export function identifierParam(
  params: SearchParams,
  name: string,
  system: string,
  column: AnyColumn,
  what: string,
): SQL[] {
  const tokens = params.tokens(name);
  if (tokens.length === 0) return [];
  const matches = tokens.map((t) => {
    if (t.system === undefined || t.system === system) return eq(column, t.code);
    if (t.system === '') return NOTHING;
    throw fhirInvalid(name, `${name} system must be ${system} (${what})`);
  });
  return [matches.length === 1 ? matches[0]! : or(...matches)!];
}

export const organizationModule: FhirResourceModule = {
  type: 'Organization',
  profile: PROFILES.Organization,
  read: 'Organization.read',
  documentation:
    'The trust itself (its ODS code and name): the only organisation served. GP practices are referred to by ODS code, not served.',
  searchParams: [
    {
      name: 'identifier',
      type: 'token',
      documentation: `ODS organisation code (${SYSTEMS.odsOrganisation}|<code>)`,
    },
    { name: 'name', type: 'string', documentation: 'Name, starting with (any case)' },
  ],

  async readById(db, ctx, id) {
    if (id !== ctx.principal.orgId) return null;
    const [row] = await db.select().from(organisations).where(eq(organisations.orgId, id));
    return row ? organizationResource(row) : null;
  },

  async search(db, ctx, params) {
    checkIncludes(params, []);
    const where: SQL[] = [
      eq(organisations.orgId, ctx.principal.orgId),
      ...identifierParam(
        params,
        'identifier',
        SYSTEMS.odsOrganisation,
        organisations.odsCode,
        'ODS organisation code',
      ),
      ...startsWith(params, 'name', [organisations.name]),
    ];
    const rows = await db
      .select()
      .from(organisations)
      .where(and(...where))
      .orderBy(organisations.orgId)
      .limit(params.count + 1)
      .offset(params.offset);
    const page = pageOf(rows, params);
    return { matches: page.rows.map(organizationResource), more: page.more };
  },
};

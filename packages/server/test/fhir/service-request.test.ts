/**
 * FHIR ServiceRequest: a referral read, searched and created. A create goes through the same intake as
 * POST /api/v1/referrals: an e-RS referral's clock starts on its UBRN conversion date (§1.3 S3), every problem
 * is named as the FHIR element at fault and nothing is written, and a possible duplicate is refused until a
 * person confirms it, as on the REST API. Another organisation's referrals are never seen; every referral
 * returned is audited. Every resource and Bundle received is validated against the FHIR R4 definitions.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Bundle, OperationOutcome, ServiceRequest } from 'fhir/r4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nhsNumberFromStem } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import { auditLog, pathways } from '../../src/db/schema';
import { systemContext } from '../../src/auth/principal';
import { createReferral } from '../../src/features/referrals/service';
import { EXTENSIONS, SYSTEMS } from '../../src/features/fhir/resource';
import { ENGINES } from '../support/db';
import type { Harness, Session } from '../support/app';
import type { Fixture } from '../support/fixtures';
import { FHIR_JSON, bearer, fhirGet } from '../support/fhir';
import { createCareHarness, expectValid } from './support/care';

const UBRN_SYSTEM = 'https://fhir.nhs.uk/Id/UBRN';
const SPECIALTY_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-PracticeSettingCode';
const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const CONFIRM = 'Pathflow-Confirmed-Not-Duplicate';

const category = (specialty: string | null, source: string | null) => [
  ...(specialty === null ? [] : [{ coding: [{ system: SPECIALTY_SYSTEM, code: specialty }] }]),
  ...(source === null ? [] : [{ coding: [{ system: SYSTEMS.referralSource, code: source }] }]),
];

describe.each(ENGINES)('FHIR ServiceRequest on %s', (engine) => {
  let h: Harness;
  let clerk: Record<string, string>;
  let clinician: Session;
  let clerkSession: Session;
  let other: Fixture;

  beforeAll(async () => {
    ({ h, clerkToken: clerk, clerk: clerkSession, clinician, other } = await createCareHarness(engine));
  });
  afterAll(() => h.close());
  beforeEach(() => h.clock.set('2026-11-23T09:00:00Z'));

  /** An e-RS referral for Bob to orthopaedics, converted on 10 November (each test gives its own UBRN). */
  const ers = (ubrn: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    identifier: [{ system: UBRN_SYSTEM, value: ubrn }],
    category: category('110', 'e-rs'),
    priority: 'routine',
    subject: { reference: `Patient/${h.fixture.patients.bob}` },
    authoredOn: '2026-11-12',
    requester: { display: 'Dr A Practitioner' },
    extension: [{ url: EXTENSIONS.ersConversionDate, valueDate: '2026-11-10' }],
    ...over,
  });
  /** A GP letter for Alice to ENT. */
  const gp = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    category: category('120', 'gp-paper'),
    priority: 'routine',
    subject: { reference: `Patient/${h.fixture.patients.alice}` },
    authoredOn: '2026-11-16',
    requester: { display: 'Dr B Practitioner' },
    ...over,
  });

  const create = (body: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url: '/fhir/R4/ServiceRequest',
      headers: { ...clerk, 'content-type': FHIR_JSON, accept: FHIR_JSON, ...headers },
      payload: JSON.stringify(body),
    });
  const referralCount = async () =>
    (await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from referrals`))[0]!.n;
  const pathwayCount = async () =>
    (await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from pathways`))[0]!.n;
  const rest = (url: string, s: Session = clinician) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s.read });

  /** Posts a body that must be refused, and checks the status, the elements named and that nothing was written. */
  async function refused(
    body: unknown,
    status: number,
    expressions: string[],
    headers: Record<string, string> = {},
  ) {
    const before = [await referralCount(), await pathwayCount()];
    const res = await create(body, headers);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    const outcome = res.json<OperationOutcome>();
    expectValid(outcome);
    const named = outcome.issue.flatMap((i) => i.expression ?? []);
    for (const e of expressions) expect(named, res.body).toContain(e);
    expect([await referralCount(), await pathwayCount()]).toEqual(before);
    return outcome;
  }

  describe('create', () => {
    it('takes an e-RS referral: the clock starts on the UBRN conversion date and the UBRN is the pathway id', async () => {
      const before = await referralCount();
      const res = await create(ers('100000000001'));
      expect(res.statusCode, res.body).toBe(201);
      const sr = res.json<ServiceRequest>();
      expectValid(sr);
      expect(res.headers.location).toMatch(new RegExp(`/fhir/R4/ServiceRequest/${sr.id}/_history/1$`));
      expect(res.headers.etag).toBe('W/"1"');
      expect(sr).toMatchObject({
        meta: {
          versionId: '1',
          profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest'],
        },
        identifier: [{ system: UBRN_SYSTEM, value: '100000000001' }],
        status: 'active',
        intent: 'order',
        priority: 'routine',
        subject: { reference: `Patient/${h.fixture.patients.bob}` },
        authoredOn: '2026-11-12',
        requester: { display: 'Dr A Practitioner' },
        performer: [{ reference: 'HealthcareService/110', display: 'Trauma and orthopaedics' }],
      });
      expect(sr.extension).toEqual(
        expect.arrayContaining([
          { url: EXTENSIONS.ersConversionDate, valueDate: '2026-11-10' },
          { url: EXTENSIONS.clockStart, valueDate: '2026-11-10' },
        ]),
      );
      expect(await referralCount()).toBe(before + 1);
      // The same referral as the REST API sees it: rule S3 and its pathway identified by the UBRN.
      const referral = (await rest(`/referrals/${sr.id}`)).json();
      expect(referral).toMatchObject({
        source: 'e-rs',
        ubrn: '100000000001',
        ersConversionDate: '2026-11-10',
        receivedDate: '2026-11-12',
        clockStart: '2026-11-10',
        clockStartRule: 'S3',
        triage: { kind: 'pending' },
      });
      const [pathway] = await h.db.db.select().from(pathways).where(eq(pathways.id, referral.pathwayId));
      expect(pathway).toMatchObject({ ppid: '100000000001', clockStartDate: '2026-11-10', status: 'open' });
      const audited = await h.db.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'Referral.create'), eq(auditLog.resourceId, sr.id!)));
      expect(audited).toHaveLength(1);
    });

    it('round-trips: what it serves can be read back, and sent again is a duplicate of itself', async () => {
      const made = (
        await create(
          gp({
            subject: { identifier: { system: NHS_SYSTEM, value: '9990000018' } },
            category: category('120', 'gp-paper'),
            priority: 'asap',
            authoredOn: '2026-11-02T10:30:00+00:00',
            contained: [
              {
                resourceType: 'PractitionerRole',
                id: 'gp',
                practitioner: { display: 'Dr C Practitioner' },
                organization: {
                  identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'b86001' },
                },
              },
            ],
            requester: { reference: '#gp' },
          }),
          { [CONFIRM]: 'true' },
        )
      ).json<ServiceRequest>();
      expectValid(made);
      // Two-week wait is asap both ways; the ODS code is upper case; a date-time is its London day.
      const referral = (await rest(`/referrals/${made.id}`)).json();
      expect(referral).toMatchObject({
        priority: 'two-week-wait',
        referrerName: 'Dr C Practitioner',
        referrerOrgCode: 'B86001',
        receivedDate: '2026-11-02',
        clockStartRule: 'S1',
      });
      const { res, body } = await fhirGet(h, `/ServiceRequest/${made.id}`, clerk);
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('W/"1"');
      expectValid(body);
      const read = body as ServiceRequest;
      expect(read).toMatchObject({
        priority: 'asap',
        authoredOn: '2026-11-02',
        requester: { reference: '#referrer' },
      });
      expect(read.contained).toEqual([
        {
          resourceType: 'PractitionerRole',
          id: 'referrer',
          practitioner: { display: 'Dr C Practitioner' },
          organization: {
            identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'B86001' },
          },
        },
      ]);
      const copy: Record<string, unknown> = { ...read };
      delete copy.id;
      delete copy.meta;
      const again = await refused(copy, 409, ['ServiceRequest.subject']);
      expect(again.issue[0]!.code).toBe('duplicate');
    });

    it('refuses a missing subject, naming it, and writes nothing', async () => {
      const body = ers('100000000002');
      delete body.subject;
      const outcome = await refused(body, 400, ['ServiceRequest.subject']);
      expect(outcome.issue[0]!.code).toBe('required');
    });

    it('refuses a patient who is not registered here (422 naming the subject), by id or by NHS number', async () => {
      await refused(ers('100000000003', { subject: { reference: `Patient/${randomUUID()}` } }), 422, [
        'ServiceRequest.subject',
      ]);
      // Another organisation's patient is not ours either.
      await refused(ers('100000000003', { subject: { reference: `Patient/${other.patients.bob}` } }), 422, [
        'ServiceRequest.subject',
      ]);
      const nobody = nhsNumberFromStem('999000009')!;
      await refused(
        ers('100000000003', { subject: { identifier: { system: NHS_SYSTEM, value: nobody } } }),
        422,
        ['ServiceRequest.subject'],
      );
      await refused(
        ers('100000000003', { subject: { identifier: { system: NHS_SYSTEM, value: '9990000019' } } }),
        400,
        ['ServiceRequest.subject.identifier'],
      );
    });

    it('refuses a bad date, naming the element that holds it', async () => {
      const outcome = await refused(ers('100000000004', { authoredOn: '2026-02-30' }), 400, [
        'ServiceRequest.authoredOn',
      ]);
      expect(outcome.issue.map((i) => i.diagnostics)).toContain('Received date must be a real date');
      await refused(
        ers('100000000004', {
          extension: [{ url: EXTENSIONS.ersConversionDate, valueDate: '2026-12-25' }],
        }),
        400,
        [`ServiceRequest.extension('${EXTENSIONS.ersConversionDate}')`],
      );
      // e-RS without a conversion or ASI worklist date has no clock start.
      await refused(ers('100000000004', { extension: [] }), 400, [
        `ServiceRequest.extension('${EXTENSIONS.ersConversionDate}')`,
      ]);
    });

    it('reports every problem of the intake rules at once, each as its element', async () => {
      const outcome = await refused(
        gp({ category: category('999', null), requester: undefined, priority: undefined }),
        400,
        ['ServiceRequest.category', 'ServiceRequest.priority'],
      );
      expect(outcome.issue[0]).toMatchObject({ code: 'invalid', diagnostics: 'The referral has errors' });
      expect(outcome.issue.map((i) => i.diagnostics)).toEqual(
        expect.arrayContaining([
          'Enter a referral source',
          "Specialty code 999 is not one of your organisation's specialties",
          'Enter a priority',
        ]),
      );
      await refused(gp({ requester: undefined }), 400, ['ServiceRequest.requester']);
      await refused(ers('12345'), 400, ['ServiceRequest.identifier']);
    });

    it('refuses what it cannot take as a referral: another status or intent, stat, elements it would drop', async () => {
      await refused(gp({ status: 'draft' }), 400, ['ServiceRequest.status']);
      await refused(gp({ status: undefined }), 400, ['ServiceRequest.status']);
      await refused(gp({ intent: 'plan' }), 400, ['ServiceRequest.intent']);
      await refused(gp({ priority: 'stat' }), 400, ['ServiceRequest.priority']);
      const note = await refused(gp({ note: [{ text: 'Knee pain' }] }), 400, ['ServiceRequest.note']);
      expect(note.issue[0]!.code).toBe('not-supported');
      await refused(gp({ modifierExtension: [{ url: 'https://example.org/x', valueBoolean: true }] }), 400, [
        'ServiceRequest.modifierExtension',
      ]);
      await refused(gp({ identifier: [{ system: 'https://example.org/id', value: '1' }] }), 400, [
        'ServiceRequest.identifier[0]',
      ]);
      await refused(gp({ performer: [{ reference: 'HealthcareService/110' }] }), 400, [
        'ServiceRequest.performer',
      ]);
      await refused(gp({ requester: { reference: 'Practitioner/abc' } }), 400, ['ServiceRequest.requester']);
      await refused({ ...gp(), resourceType: 'Task' }, 400, ['resourceType']);
      await refused(gp(), 400, [CONFIRM], { [CONFIRM]: 'perhaps' });
    });

    it('refuses a possible duplicate as the REST API does, and takes it once a person confirms it', async () => {
      // Alice's orthopaedic pathway was received on 1 September 2026: a referral within 28 days may be the same.
      const body = gp({ category: category('110', 'gp-paper'), authoredOn: '2026-09-15' });
      const outcome = await refused(body, 409, ['ServiceRequest.subject']);
      expect(outcome.issue[0]!.code).toBe('duplicate');
      expect(outcome.issue[0]!.diagnostics).toContain('Pathflow-Confirmed-Not-Duplicate: true');
      expect(outcome.issue[1]!.diagnostics).toContain('1 Sep 2026');
      // The REST API refuses the same referral the same way.
      const restRes = await h.app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: clerkSession.write,
        payload: {
          nhsNumber: '9990000018',
          source: 'gp-paper',
          receivedDate: '2026-09-15',
          specialtyCode: '110',
          priority: 'routine',
          referrerName: 'Dr B Practitioner',
        },
      });
      expect(restRes.statusCode).toBe(409);
      expect(restRes.json().duplicates[0].message).toBe(outcome.issue[1]!.diagnostics);
      await refused(body, 409, ['ServiceRequest.subject'], { [CONFIRM]: 'false' });
      const before = await referralCount();
      const confirmed = await create(body, { [CONFIRM]: 'true' });
      expect(confirmed.statusCode, confirmed.body).toBe(201);
      expectValid(confirmed.json());
      expect(await referralCount()).toBe(before + 1);
      // A UBRN already held is a duplicate too, named as the identifier.
      expect((await create(ers('100000000009'), { [CONFIRM]: 'true' })).statusCode).toBe(201);
      await refused(ers('100000000009', { authoredOn: '2026-11-13' }), 409, ['ServiceRequest.identifier']);
    });

    it('is refused to a role that reads referrals but does not enter them', async () => {
      const manager = bearer(await h.token('service-manager'));
      const res = await create(gp(), manager);
      expect(res.statusCode).toBe(403);
      expectValid(res.json());
      expect(res.json<OperationOutcome>().issue[0]!.code).toBe('forbidden');
    });
  });

  describe('read and search', () => {
    let ersId: string;
    let rejectedId: string;
    let otherId: string;

    beforeAll(async () => {
      h.clock.set('2026-11-23T09:00:00Z');
      ersId = (
        await create(ers('200000000001', { authoredOn: '2026-11-11' }), { [CONFIRM]: 'true' })
      ).json<ServiceRequest>().id!;
      rejectedId = (
        await create(gp({ authoredOn: '2026-11-18' }), { [CONFIRM]: 'true' })
      ).json<ServiceRequest>().id!;
      const triage = await h.app.inject({
        method: 'POST',
        url: `/api/v1/referrals/${rejectedId}/triage`,
        headers: clinician.write,
        payload: { kind: 'rejected', reason: 'Not for this service' },
      });
      expect(triage.statusCode, triage.body).toBe(200);
      // Another organisation's referral, with a UBRN of its own.
      otherId = (
        await createReferral(h.db.db, systemContext(other.orgId, h.clock.now()), {
          nhsNumber: '9990000026',
          source: 'e-rs',
          ubrn: '200000000099',
          ersConversionDate: '2026-11-10',
          specialtyCode: '110',
          priority: 'urgent',
          referrerName: 'Dr Other',
        })
      ).id;
    });

    it('reads a referral, audited, with its version; another organisation’s is not found', async () => {
      const { res, body } = await fhirGet(h, `/ServiceRequest/${rejectedId}`, clerk);
      expect(res.statusCode).toBe(200);
      expectValid(body);
      const sr = body as ServiceRequest;
      // Rejected at triage: the request no longer stands. Triage changed the row: version 2.
      expect(sr.status).toBe('revoked');
      expect(sr.meta!.versionId).toBe('2');
      expect(res.headers.etag).toBe('W/"2"');
      const audited = await h.db.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'ServiceRequest.read'), eq(auditLog.resourceId, rejectedId)));
      expect(audited).toHaveLength(1);
      expect(audited[0]!.patientId).toBe(h.fixture.patients.alice);
      // Only the current version is kept.
      const history = await fhirGet(h, `/ServiceRequest/${rejectedId}/_history/1`, clerk);
      expect(history.res.statusCode).toBe(404);
      expectValid(history.body);
      const current = await fhirGet(h, `/ServiceRequest/${rejectedId}/_history/2`, clerk);
      expect(current.res.statusCode).toBe(200);
      expectValid(current.body);
      const theirs = await fhirGet(h, `/ServiceRequest/${otherId}`, clerk);
      expect(theirs.res.statusCode).toBe(404);
      expectValid(theirs.body);
    });

    it('searches by UBRN, patient, status, date received and category, auditing each match', async () => {
      const ids = async (query: string) => {
        const { res, body } = await fhirGet(h, `/ServiceRequest?${query}`, clerk);
        expect(res.statusCode, `${query} ${res.body}`).toBe(200);
        expectValid(body);
        return ((body as Bundle).entry ?? []).map((e) => e.resource!.id);
      };
      expect(await ids(`identifier=${UBRN_SYSTEM}|200000000001`)).toEqual([ersId]);
      expect(await ids('identifier=2000 0000 0001')).toEqual([ersId]);
      // The other organisation's UBRN is not found here.
      expect(await ids('identifier=200000000099')).toEqual([]);
      const bobs = await ids(`patient=Patient/${h.fixture.patients.bob}`);
      expect(bobs).toContain(ersId);
      expect(bobs).not.toContain(rejectedId);
      expect(await ids(`subject=${h.fixture.patients.bob}&status=active`)).toContain(ersId);
      expect(await ids(`subject=${h.fixture.patients.bob}&status=completed`)).not.toContain(ersId);
      const revoked = await ids('status=revoked');
      expect(revoked).toContain(rejectedId);
      expect(revoked).not.toContain(ersId);
      expect(await ids('status=draft')).toEqual([]);
      expect(await ids('authored=2026-11-11')).toEqual([ersId]);
      const range = await ids('authored=ge2026-11-11&authored=lt2026-11-19');
      expect(range).toEqual(expect.arrayContaining([ersId, rejectedId]));
      expect(await ids('authored=gt2026-11-11&authored=le2026-11-18')).not.toContain(ersId);
      expect(await ids(`category=${SPECIALTY_SYSTEM}|110&authored=2026-11-11`)).toEqual([ersId]);
      expect(await ids(`category=${SYSTEMS.referralSource}|gp-paper&authored=2026-11-11`)).toEqual([]);
      expect(await ids('category=e-rs&authored=2026-11-11')).toEqual([ersId]);
      expect(await ids(`patient=Patient/not-a-uuid`)).toEqual([]);
      const everything = await ids('_count=500');
      expect(everything).not.toContain(otherId);
      const audited = await h.db.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'ServiceRequest.search'), eq(auditLog.resourceId, ersId)));
      expect(audited.length).toBeGreaterThan(0);
      expect(audited.every((a) => a.patientId === h.fixture.patients.bob)).toBe(true);
      const theirs = await h.db.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'ServiceRequest.search'), eq(auditLog.resourceId, otherId)));
      expect(theirs).toHaveLength(0);
    });

    it('names the parameter at fault', async () => {
      for (const [query, param] of [
        ['status=bogus', 'status'],
        ['identifier=https://example.org|1', 'identifier'],
        ['identifier=123', 'identifier'],
        ['authored=2026-13-01', 'authored'],
        ['authored=ge2026-11-01T10:00:00Z', 'authored'],
        ['authored=ne2026-11-01', 'authored'],
        ['category=knees', 'category'],
        ['category=https://example.org|110', 'category'],
        ['patient=Location/1', 'patient'],
        ['_include=ServiceRequest:patient', '_include'],
      ] as const) {
        const { res, body } = await fhirGet(h, `/ServiceRequest?${query}`, clerk);
        expect(res.statusCode, query).toBe(400);
        expectValid(body);
        expect((body as OperationOutcome).issue[0]!.expression, query).toEqual([param]);
      }
    });

    it('lists ServiceRequest in the CapabilityStatement with create and exactly its search parameters', async () => {
      const { body } = await fhirGet(h, '/metadata', {});
      expectValid(body);
      const resource = (
        body as {
          rest: {
            resource: { type: string; interaction: { code: string }[]; searchParam: { name: string }[] }[];
          }[];
        }
      ).rest[0]!.resource.find((r) => r.type === 'ServiceRequest')!;
      expect(resource.interaction.map((i) => i.code)).toContain('create');
      expect(resource.searchParam.map((p) => p.name).sort()).toEqual(
        ['authored', 'category', 'identifier', 'patient', 'status', 'subject'].sort(),
      );
    });
  });
});

/**
 * The trust's reference data on the FHIR API: Organization, Location, Practitioner, PractitionerRole and
 * HealthcareService, read and searched, as valid R4 claiming their UK Core profiles, with versions and last
 * changes; paging; bad parameters named; and another organisation's records never shown. Every resource,
 * Bundle and OperationOutcome received is validated against the FHIR R4 definitions.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type {
  Bundle,
  CapabilityStatement,
  HealthcareService,
  Location,
  OperationOutcome,
  Organization,
  Practitioner,
  PractitionerRole,
} from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicians, locations, specialties } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness } from '../support/app';
import { addTestLocation, fixtureConsultant } from '../support/clinic';
import { seedFixture, type Fixture } from '../support/fixtures';
import { bearer, expectValidFhir, fhirGet } from '../support/fhir';

const ODS_ORG = 'https://fhir.nhs.uk/Id/ods-organization-code';
const ODS_SITE = 'https://fhir.nhs.uk/Id/ods-site-code';
const GMC = 'https://fhir.hl7.org.uk/Id/gmc-number';
const LOCAL_REGISTRATION = 'https://pathflow.dev/Id/professional-registration';
const PRACTICE_SETTING = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-PracticeSettingCode';
const profile = (type: string) => `https://fhir.hl7.org.uk/StructureDefinition/UKCore-${type}`;

describe.each(ENGINES)('FHIR reference data on %s', (engine) => {
  let h: Harness;
  let clerk: Record<string, string>;
  let flowSession: Record<string, string>;
  let other: Fixture;
  let ada: string;
  let ben: string;
  let outpatients: string;
  let community: string;
  let otherClinician: string;
  let otherLocation: string;

  /** A GET as the clerk (unless told), its answer checked to be valid FHIR R4 whatever its status. */
  const get = async (url: string, headers?: Record<string, string>) => {
    const r = await fhirGet(h, url, headers ?? clerk);
    expectValidFhir(r.body);
    return r;
  };
  const search = async (url: string) => {
    const { res, body } = await get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    const bundle = body as Bundle;
    expect(bundle.type).toBe('searchset');
    return {
      bundle,
      ids: (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id),
    };
  };
  const expectRefused = async (url: string, parameter: string, code = 'invalid') => {
    const { res, body } = await get(url);
    expect(res.statusCode, url).toBe(400);
    const outcome = body as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0], url).toMatchObject({ severity: 'error', code, expression: [parameter] });
    expect(outcome.issue[0]!.diagnostics, url).toBeTruthy();
  };
  const expectNotFound = async (url: string) => {
    const { res, body } = await get(url);
    expect(res.statusCode, url).toBe(404);
    expect((body as OperationOutcome).issue[0]!.code).toBe('not-found');
  };
  const relative = (url: string) => url.slice(url.indexOf('/fhir/R4') + '/fhir/R4'.length);

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = bearer(await h.token('booking-clerk'));
    // Before the second organisation exists: its staff share the usernames.
    flowSession = (await h.signIn('flow-coordinator')).read;
    ada = await fixtureConsultant(h);
    ben = randomUUID();
    await h.db.db.insert(clinicians).values({
      orgId: h.fixture.orgId,
      id: ben,
      registrationCode: '7654321',
      title: 'Dr',
      givenName: 'Ben',
      familyName: 'Aural',
      specialtyCode: '120',
      grade: 'specialty doctor',
    });
    outpatients = await addTestLocation(h);
    community = randomUUID();
    await h.db.db.insert(locations).values({
      orgId: h.fixture.orgId,
      id: community,
      siteCode: 'XT102',
      name: 'Community Clinic',
      site: 'Test Health Centre',
      addressLine: '2 Park Lane',
      postcode: 'LS6 2QA',
    });
    // Another organisation with records that look like ours (same names, codes, specialties): never shown.
    other = await seedFixture(h.db.db, 'XT9');
    await h.db.db.insert(specialties).values({ orgId: other.orgId, code: '130', name: 'Ophthalmology' });
    otherClinician = randomUUID();
    await h.db.db.insert(clinicians).values({
      orgId: other.orgId,
      id: otherClinician,
      registrationCode: '7654322',
      title: 'Dr',
      givenName: 'Ben',
      familyName: 'Aural',
      specialtyCode: '130',
      grade: 'consultant',
    });
    otherLocation = randomUUID();
    await h.db.db.insert(locations).values({
      orgId: other.orgId,
      id: otherLocation,
      siteCode: 'XT901',
      name: 'Outpatients A',
      site: 'Other General',
      addressLine: '9 Far Road',
      postcode: 'LS1 3EX',
    });
  });
  afterAll(() => h.close());

  it('lists the five types in the CapabilityStatement with their profiles and exactly their search parameters', async () => {
    const { res, body } = await get('/metadata', {});
    expect(res.statusCode).toBe(200);
    const resources = (body as CapabilityStatement).rest![0]!.resource!;
    const expected: Record<string, string[]> = {
      Organization: ['identifier', 'name'],
      Location: ['name', 'identifier', 'address-postalcode', 'organization'],
      Practitioner: ['identifier', 'name', 'family', 'given'],
      PractitionerRole: ['practitioner', 'specialty', 'organization'],
      HealthcareService: ['specialty', 'name', 'organization'],
    };
    for (const [type, params] of Object.entries(expected)) {
      const r = resources.find((x) => x.type === type);
      expect(r, type).toBeDefined();
      expect(r!.profile).toBe(profile(type));
      expect(r!.searchParam!.map((p) => p.name).sort(), type).toEqual([...params].sort());
      expect(r!.interaction!.map((i) => i.code).sort(), type).toEqual(['read', 'search-type', 'vread']);
    }
    const types = (name: string) =>
      Object.fromEntries(resources.find((x) => x.type === name)!.searchParam!.map((p) => [p.name, p.type]));
    expect(types('Location')).toEqual({
      name: 'string',
      identifier: 'token',
      'address-postalcode': 'string',
      organization: 'reference',
    });
    expect(types('PractitionerRole')).toEqual({
      practitioner: 'reference',
      specialty: 'token',
      organization: 'reference',
    });
    expect(resources.find((x) => x.type === 'PractitionerRole')!.searchInclude).toEqual([
      'PractitionerRole:practitioner',
    ]);
    for (const type of ['Organization', 'Location', 'Practitioner', 'HealthcareService']) {
      expect(resources.find((x) => x.type === type)!.searchInclude, type).toBeUndefined();
    }
  });

  describe('Organization', () => {
    it('reads the trust itself as a UK Core Organization with its ODS code, version and last change', async () => {
      const { res, body } = await get(`/Organization/${h.fixture.orgId}`);
      expect(res.statusCode, res.body).toBe(200);
      const org = body as Organization;
      expect(org).toMatchObject({
        resourceType: 'Organization',
        id: h.fixture.orgId,
        active: true,
        name: 'Test Trust XT1',
        identifier: [{ system: ODS_ORG, value: 'XT1' }],
        type: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] },
        ],
      });
      expect(org.meta!.profile).toEqual([profile('Organization')]);
      expect(org.meta!.versionId).toBe('1');
      expect(Number.isNaN(Date.parse(org.meta!.lastUpdated!))).toBe(false);
      expect(res.headers.etag).toBe('W/"1"');
      const version = await get(`/Organization/${h.fixture.orgId}/_history/1`);
      expect(version.res.statusCode).toBe(200);
      expect((version.body as Organization).id).toBe(h.fixture.orgId);
      await expectNotFound(`/Organization/${h.fixture.orgId}/_history/2`);
    });

    it('never shows another organisation, and answers an unknown id with 404', async () => {
      await expectNotFound(`/Organization/${other.orgId}`);
      await expectNotFound(`/Organization/${randomUUID()}`);
      await expectNotFound('/Organization/XT1');
    });

    it('searches by ODS code and by name, finding only the trust itself', async () => {
      expect((await search(`/Organization?identifier=${ODS_ORG}|XT1`)).ids).toEqual([h.fixture.orgId]);
      expect((await search('/Organization?identifier=XT1')).ids).toEqual([h.fixture.orgId]);
      expect((await search(`/Organization?identifier=${ODS_ORG}|XT9`)).ids).toEqual([]);
      expect((await search('/Organization?identifier=|XT1')).ids).toEqual([]);
      const byName = await search('/Organization?name=test%20trust');
      expect(byName.ids).toEqual([h.fixture.orgId]);
      expect(byName.bundle.total).toBe(1);
      expect((await search('/Organization?name=trust')).ids).toEqual([]);
      expect((await search('/Organization')).ids).toEqual([h.fixture.orgId]);
    });

    it('refuses an identifier of another system, naming the parameter', async () => {
      await expectRefused(
        '/Organization?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018',
        'identifier',
      );
      await expectRefused('/Organization?identifier=XT1&_count=abc', '_count');
      await expectRefused('/Organization?_include=Organization:partof', '_include', 'not-supported');
    });
  });

  describe('Location', () => {
    it('reads a location with its site code, address and managing organisation', async () => {
      const { res, body } = await get(`/Location/${outpatients}`);
      expect(res.statusCode, res.body).toBe(200);
      const loc = body as Location;
      expect(loc).toMatchObject({
        resourceType: 'Location',
        id: outpatients,
        status: 'active',
        name: 'Outpatients A',
        identifier: [{ system: ODS_SITE, value: 'XT101' }],
        address: { line: ['1 Hospital Road'], postalCode: 'LS1 3EX' },
        managingOrganization: { reference: `Organization/${h.fixture.orgId}` },
      });
      expect(loc.description).toContain('Test General');
      expect(loc.meta).toMatchObject({ versionId: '1', profile: [profile('Location')] });
      expect(res.headers.etag).toBe('W/"1"');
    });

    it("never shows another organisation's location, and answers an unknown id with 404", async () => {
      await expectNotFound(`/Location/${otherLocation}`);
      await expectNotFound(`/Location/${randomUUID()}`);
    });

    it('searches by name, site code, postcode and organisation', async () => {
      expect((await search('/Location')).ids).toEqual([outpatients, community]);
      expect((await search('/Location?name=outpat')).ids).toEqual([outpatients]);
      expect((await search('/Location?name=community,outpatients')).ids.sort()).toEqual(
        [outpatients, community].sort(),
      );
      expect((await search(`/Location?identifier=${ODS_SITE}|XT102`)).ids).toEqual([community]);
      expect((await search('/Location?identifier=XT901')).ids).toEqual([]);
      expect((await search('/Location?address-postalcode=ls13')).ids).toEqual([outpatients]);
      expect((await search('/Location?address-postalcode=LS6%202')).ids).toEqual([community]);
      expect((await search('/Location?address-postalcode=LS9')).ids).toEqual([]);
      expect((await search(`/Location?organization=Organization/${h.fixture.orgId}`)).ids).toHaveLength(2);
      expect((await search(`/Location?organization=${h.fixture.orgId}`)).ids).toHaveLength(2);
      expect((await search(`/Location?organization=Organization/${other.orgId}`)).ids).toEqual([]);
      expect((await search(`/Location?name=outpat&organization=Organization/${other.orgId}`)).ids).toEqual(
        [],
      );
    });

    it('names the parameter at fault', async () => {
      await expectRefused(`/Location?identifier=${ODS_ORG}|XT101`, 'identifier');
      await expectRefused('/Location?organization=Patient/abc', 'organization');
      await expectRefused('/Location?name=Out&_offset=-3', '_offset');
    });

    it('pages with _count and next and previous links', async () => {
      const first = await search('/Location?_count=1');
      expect(first.ids).toEqual([outpatients]);
      const next = first.bundle.link!.find((l) => l.relation === 'next')!.url;
      const second = await search(relative(next));
      expect(second.ids).toEqual([community]);
      expect(second.bundle.link!.some((l) => l.relation === 'next')).toBe(false);
      expect(second.bundle.total).toBe(2);
      const previous = second.bundle.link!.find((l) => l.relation === 'previous')!.url;
      expect((await search(relative(previous))).ids).toEqual([outpatients]);
    });
  });

  describe('Practitioner', () => {
    it('reads a clinician with their registration: a GMC number under the GMC system, other codes locally', async () => {
      const { res, body } = await get(`/Practitioner/${ben}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(body as Practitioner).toMatchObject({
        resourceType: 'Practitioner',
        id: ben,
        active: true,
        identifier: [{ system: GMC, value: '7654321' }],
        name: [{ family: 'Aural', given: ['Ben'], prefix: ['Dr'] }],
      });
      expect((body as Practitioner).meta).toMatchObject({
        versionId: '1',
        profile: [profile('Practitioner')],
      });
      const fixture = (await get(`/Practitioner/${ada}`)).body as Practitioner;
      expect(fixture.identifier).toEqual([{ system: LOCAL_REGISTRATION, value: 'C1234567' }]);
      expect(fixture.name).toEqual([{ use: 'official', family: 'Surgeon', given: ['Ada'], prefix: ['Ms'] }]);
    });

    it("never shows another organisation's clinician, and answers an unknown id with 404", async () => {
      await expectNotFound(`/Practitioner/${otherClinician}`);
      await expectNotFound(`/Practitioner/${randomUUID()}`);
    });

    it('searches by identifier, name, family and given, within the trust only', async () => {
      expect((await search('/Practitioner')).ids).toEqual([ben, ada]);
      expect((await search(`/Practitioner?identifier=${GMC}|7654321`)).ids).toEqual([ben]);
      expect((await search(`/Practitioner?identifier=${GMC}|7654322`)).ids).toEqual([]);
      expect((await search(`/Practitioner?identifier=${LOCAL_REGISTRATION}|C1234567`)).ids).toEqual([ada]);
      expect((await search(`/Practitioner?identifier=${LOCAL_REGISTRATION}|7654321`)).ids).toEqual([]);
      // The other trust's consultant has the same code and name: only ours is found.
      expect((await search('/Practitioner?identifier=C1234567')).ids).toEqual([ada]);
      expect((await search('/Practitioner?family=aur')).ids).toEqual([ben]);
      expect((await search('/Practitioner?given=ADA')).ids).toEqual([ada]);
      expect((await search('/Practitioner?name=surgeon')).ids).toEqual([ada]);
      expect((await search('/Practitioner?name=Ben%20Aur')).ids).toEqual([ben]);
      expect((await search('/Practitioner?family=Surgeon&given=Ben')).ids).toEqual([]);
      expect((await search('/Practitioner?name=50%25')).ids).toEqual([]);
    });

    it('names the parameter at fault', async () => {
      await expectRefused(`/Practitioner?identifier=${GMC}|C1234567`, 'identifier');
      await expectRefused(
        '/Practitioner?identifier=https://fhir.hl7.org.uk/Id/nmc-number|12A3456B',
        'identifier',
      );
      await expectRefused(`/Practitioner?identifier=${GMC}|`, 'identifier');
      await expectRefused('/Practitioner?_count=501', '_count');
    });

    it('pages with _count', async () => {
      const first = await search('/Practitioner?_count=1');
      expect(first.ids).toEqual([ben]);
      expect(first.bundle.total).toBeUndefined();
      const second = await search(relative(first.bundle.link!.find((l) => l.relation === 'next')!.url));
      expect(second.ids).toEqual([ada]);
      expect((await search('/Practitioner?_count=1&_offset=2')).ids).toEqual([]);
    });
  });

  describe('PractitionerRole', () => {
    it("reads a clinician's role: their specialty coded with its name, its service, grade and organisation", async () => {
      const { res, body } = await get(`/PractitionerRole/${ada}`);
      expect(res.statusCode, res.body).toBe(200);
      const role = body as PractitionerRole;
      expect(role).toMatchObject({
        resourceType: 'PractitionerRole',
        id: ada,
        active: true,
        practitioner: { reference: `Practitioner/${ada}`, display: 'Ms Ada Surgeon' },
        organization: { reference: `Organization/${h.fixture.orgId}` },
        code: [{ text: 'consultant' }],
        specialty: [
          { coding: [{ system: PRACTICE_SETTING, code: '110', display: 'Trauma and orthopaedics' }] },
        ],
        healthcareService: [{ reference: 'HealthcareService/110' }],
      });
      expect(role.meta).toMatchObject({ versionId: '1.1', profile: [profile('PractitionerRole')] });
      expect(res.headers.etag).toBe('W/"1.1"');
      expect((await get(`/PractitionerRole/${ada}/_history/1.1`)).res.statusCode).toBe(200);
    });

    it("never shows another organisation's role, and answers an unknown id with 404", async () => {
      await expectNotFound(`/PractitionerRole/${otherClinician}`);
      await expectNotFound(`/PractitionerRole/${randomUUID()}`);
    });

    it('searches by practitioner, specialty and organisation', async () => {
      expect((await search('/PractitionerRole')).ids).toEqual([ben, ada]);
      expect((await search(`/PractitionerRole?practitioner=Practitioner/${ada}`)).ids).toEqual([ada]);
      expect((await search(`/PractitionerRole?practitioner=${ben}`)).ids).toEqual([ben]);
      expect((await search(`/PractitionerRole?practitioner=Practitioner/${otherClinician}`)).ids).toEqual([]);
      expect((await search('/PractitionerRole?specialty=110')).ids).toEqual([ada]);
      expect((await search(`/PractitionerRole?specialty=${PRACTICE_SETTING}|120`)).ids).toEqual([ben]);
      expect((await search('/PractitionerRole?specialty=110,120')).ids).toEqual([ben, ada]);
      expect((await search('/PractitionerRole?specialty=130')).ids).toEqual([]);
      expect((await search(`/PractitionerRole?organization=Organization/${h.fixture.orgId}`)).ids).toEqual([
        ben,
        ada,
      ]);
      expect((await search(`/PractitionerRole?organization=Organization/${other.orgId}`)).ids).toEqual([]);
    });

    it('includes the practitioners with _include=PractitionerRole:practitioner', async () => {
      const { bundle } = await search(
        '/PractitionerRole?specialty=120&_include=PractitionerRole:practitioner',
      );
      const included = bundle.entry!.filter((e) => e.search?.mode === 'include');
      expect(included.map((e) => `${e.resource!.resourceType}/${e.resource!.id}`)).toEqual([
        `Practitioner/${ben}`,
      ]);
      expect(included[0]!.fullUrl).toMatch(new RegExp(`/fhir/R4/Practitioner/${ben}$`));
    });

    it('names the parameter at fault', async () => {
      await expectRefused('/PractitionerRole?specialty=orthopaedics', 'specialty');
      await expectRefused('/PractitionerRole?specialty=http://snomed.info/sct|110', 'specialty');
      await expectRefused('/PractitionerRole?practitioner=Patient/abc', 'practitioner');
      await expectRefused('/PractitionerRole?organization=Location/abc', 'organization');
      await expectRefused(
        '/PractitionerRole?_include=PractitionerRole:location',
        '_include',
        'not-supported',
      );
    });
  });

  describe('HealthcareService', () => {
    it('reads a specialty as a service by its treatment function code', async () => {
      const { res, body } = await get('/HealthcareService/110');
      expect(res.statusCode, res.body).toBe(200);
      const service = body as HealthcareService;
      expect(service).toMatchObject({
        resourceType: 'HealthcareService',
        id: '110',
        active: true,
        name: 'Trauma and orthopaedics',
        providedBy: { reference: `Organization/${h.fixture.orgId}` },
        specialty: [
          { coding: [{ system: PRACTICE_SETTING, code: '110', display: 'Trauma and orthopaedics' }] },
        ],
        category: [{ text: 'Surgery' }],
      });
      expect(service.characteristic).toBeUndefined();
      expect(service.meta).toMatchObject({ versionId: '1', profile: [profile('HealthcareService')] });
    });

    it("never shows another organisation's service, and answers an unknown or malformed code with 404", async () => {
      await expectNotFound('/HealthcareService/130');
      await expectNotFound('/HealthcareService/999');
      await expectNotFound('/HealthcareService/ortho');
      await expectNotFound(`/HealthcareService/${randomUUID()}`);
    });

    it('searches by specialty, name and organisation', async () => {
      expect((await search('/HealthcareService')).ids).toEqual(['110', '120']);
      expect((await search(`/HealthcareService?specialty=${PRACTICE_SETTING}|120`)).ids).toEqual(['120']);
      expect((await search('/HealthcareService?specialty=130')).ids).toEqual([]);
      expect((await search('/HealthcareService?name=EAR')).ids).toEqual(['120']);
      expect((await search('/HealthcareService?name=trauma,ear')).ids).toEqual(['110', '120']);
      expect((await search('/HealthcareService?name=ophth')).ids).toEqual([]);
      expect((await search(`/HealthcareService?organization=Organization/${h.fixture.orgId}`)).ids).toEqual([
        '110',
        '120',
      ]);
      expect((await search(`/HealthcareService?organization=Organization/${other.orgId}`)).ids).toEqual([]);
      const page = await search('/HealthcareService?_count=1&_offset=1');
      expect(page.ids).toEqual(['120']);
      expect(page.bundle.total).toBe(2);
    });

    it('names the parameter at fault', async () => {
      await expectRefused('/HealthcareService?specialty=11', 'specialty');
      await expectRefused('/HealthcareService?specialty=', 'specialty');
      await expectRefused('/HealthcareService?organization=Patient/abc', 'organization');
      await expectRefused('/HealthcareService?name=a&name=b&_total=maybe', '_total');
    });
  });

  it('serves every type to each reader of organisation data, by session or FHIR-named scope, and no other scope', async () => {
    for (const url of [
      `/Organization/${h.fixture.orgId}`,
      `/Location/${outpatients}`,
      `/Practitioner/${ada}`,
      `/PractitionerRole/${ada}`,
      '/HealthcareService/110',
    ]) {
      expect((await get(url, flowSession)).res.statusCode, url).toBe(200);
    }
    const locationOnly = bearer(await h.token('flow-coordinator', 'system/Location.read'));
    expect((await get('/Location', locationOnly)).res.statusCode).toBe(200);
    // system/Location.read grants Organization.read, which is what all five need.
    expect((await get('/HealthcareService', locationOnly)).res.statusCode).toBe(200);
    const patientOnly = bearer(await h.token('booking-clerk', 'system/Patient.read'));
    const refused = await get('/Practitioner', patientOnly);
    expect(refused.res.statusCode).toBe(403);
    expect((refused.body as OperationOutcome).issue[0]!.code).toBe('forbidden');
    expect((await get('/Location', {})).res.statusCode).toBe(401);
  });

  it('gives a new version and last change when a record changes (a role: when its clinician or specialty does)', async () => {
    await h.db.db.update(clinicians).set({ grade: 'associate specialist' }).where(eq(clinicians.id, ben));
    await h.db.db
      .update(specialties)
      .set({ name: 'Ear, nose and throat (ENT)' })
      .where(and(eq(specialties.orgId, h.fixture.orgId), eq(specialties.code, '120')));
    const practitioner = (await get(`/Practitioner/${ben}`)).body as Practitioner;
    expect(practitioner.meta!.versionId).toBe('2');
    const { res, body } = await get(`/PractitionerRole/${ben}`);
    const role = body as PractitionerRole;
    expect(role.meta!.versionId).toBe('2.2');
    expect(res.headers.etag).toBe('W/"2.2"');
    expect(role.code).toEqual([{ text: 'associate specialist' }]);
    expect(role.specialty![0]!.coding![0]!.display).toBe('Ear, nose and throat (ENT)');
    await expectNotFound(`/PractitionerRole/${ben}/_history/1.1`);
    const service = (await get('/HealthcareService/120')).body as HealthcareService;
    expect(service.meta!.versionId).toBe('2');
    expect(service.name).toBe('Ear, nose and throat (ENT)');
    expect(Date.parse(service.meta!.lastUpdated!)).toBeGreaterThanOrEqual(
      Date.parse(practitioner.meta!.lastUpdated!),
    );
    // Unchanged records keep theirs.
    expect(((await get(`/PractitionerRole/${ada}`)).body as PractitionerRole).meta!.versionId).toBe('1.1');
  });
});

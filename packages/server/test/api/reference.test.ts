/**
 * Reference data for forms: the organisation's clinicians (optionally of one specialty) and locations, only
 * its own, to readers of organisation data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicians, locations } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { addTestLocation, fixtureConsultant } from '../support/clinic';
import { seedFixture } from '../support/fixtures';

describe.each(ENGINES)('reference data on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let flow: Session;
  let consultant: string;
  let entClinician: string;
  let locationId: string;
  let otherOrgLocation: string;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    // Before the second organisation exists: its staff share the usernames.
    flow = await h.signIn('flow-coordinator');
    consultant = await fixtureConsultant(h);
    entClinician = randomUUID();
    await h.db.db.insert(clinicians).values({
      orgId: h.fixture.orgId,
      id: entClinician,
      registrationCode: 'C7654321',
      title: 'Dr',
      givenName: 'Ben',
      familyName: 'Aural',
      specialtyCode: '120',
      grade: 'consultant',
    });
    locationId = await addTestLocation(h);
    // Another organisation's clinician and location must never show.
    const other = await seedFixture(h.db.db, 'XT9');
    otherOrgLocation = randomUUID();
    await h.db.db.insert(locations).values({
      orgId: other.orgId,
      id: otherOrgLocation,
      siteCode: 'XT901',
      name: 'Elsewhere',
      site: 'Other Trust',
      addressLine: '9 Far Road',
      postcode: 'LS9 9ZZ',
    });
  });
  afterAll(() => h.close());

  const get = (url: string, session: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: session.read });

  it("lists the organisation's clinicians in family name order, with a display name", async () => {
    const res = await get('/clinicians');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().clinicians).toEqual([
      {
        id: entClinician,
        title: 'Dr',
        givenName: 'Ben',
        familyName: 'Aural',
        name: 'Dr Ben Aural',
        specialtyCode: '120',
        grade: 'consultant',
      },
      {
        id: consultant,
        title: 'Ms',
        givenName: 'Ada',
        familyName: 'Surgeon',
        name: 'Ms Ada Surgeon',
        specialtyCode: '110',
        grade: 'consultant',
      },
    ]);
  });

  it('filters clinicians by specialty, and refuses a specialty that is not a 3-digit code', async () => {
    const ortho = await get('/clinicians?specialty=110');
    expect(ortho.statusCode).toBe(200);
    expect(ortho.json().clinicians.map((c: { id: string }) => c.id)).toEqual([consultant]);
    const none = await get('/clinicians?specialty=999');
    expect(none.json().clinicians).toEqual([]);
    const bad = await get('/clinicians?specialty=ortho');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
    expect(bad.json().errors[0].field).toBe('/query/specialty');
  });

  it("lists only the organisation's own locations", async () => {
    const res = await get('/locations');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().locations).toEqual([
      { id: locationId, name: 'Outpatients A', site: 'Test General', siteCode: 'XT101' },
    ]);
    expect(res.body).not.toContain(otherOrgLocation);
  });

  it('is open to any role with organisation data, and not to anyone signed out', async () => {
    expect((await get('/locations', flow)).statusCode).toBe(200);
    expect((await get('/clinicians', flow)).statusCode).toBe(200);
    const anonymous = await h.app.inject({ method: 'GET', url: '/api/v1/locations' });
    expect(anonymous.statusCode).toBe(401);
  });
});

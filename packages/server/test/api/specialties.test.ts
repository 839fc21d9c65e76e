/**
 * `GET /api/v1/specialties`: each specialty of the organisation (only its own) with its directorate, null when
 * not set, and the number of patients waiting on an open pathway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specialties } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { seedFixture } from '../support/fixtures';

describe.each(ENGINES)('specialties on %s', (engine) => {
  let h: Harness;
  let clerk: Session;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    await h.db.db.insert(specialties).values([
      { orgId: h.fixture.orgId, code: '420', name: 'Paediatrics', directorate: "Women's and children's" },
      { orgId: h.fixture.orgId, code: '300', name: 'General internal medicine' },
    ]);
    // Another organisation's specialties never show.
    const other = await seedFixture(h.db.db, 'XT9');
    await h.db.db
      .insert(specialties)
      .values({ orgId: other.orgId, code: '502', name: 'Gynaecology', directorate: 'Other' });
  });
  afterAll(() => h?.close());

  it("gives each specialty's directorate, null when not set, with the patients waiting", async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/specialties', headers: clerk.read });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      asOf: '2026-11-23T09:00:00.000Z',
      specialties: [
        { code: '120', name: 'Ear, nose and throat', directorate: 'Surgery', waitingPatients: 1 },
        { code: '300', name: 'General internal medicine', directorate: null, waitingPatients: 0 },
        { code: '420', name: 'Paediatrics', directorate: "Women's and children's", waitingPatients: 0 },
        { code: '110', name: 'Trauma and orthopaedics', directorate: 'Surgery', waitingPatients: 2 },
      ],
      totalWaiting: 3,
    });
  });
});

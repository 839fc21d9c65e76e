import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/db';
import { createHarness, type Harness } from './support/app';

describe.each(ENGINES)('smoke on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engine);
  });
  afterAll(() => h.close());

  it('signs in and lists specialties', async () => {
    const s = await h.signIn('booking-clerk');
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/specialties', headers: s.read });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ totalWaiting: 3 });
  });
});

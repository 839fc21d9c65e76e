/**
 * Saved views of the PTL over the API: each user sees, saves and deletes only their own; names are 1–60
 * characters and unique per user (409); the query is checked as GET /api/v1/ptl checks it (400 naming the
 * parameter) and stored in canonical order, and a saved query opens the PTL as it is.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedView } from '@pathflow/core';
import { queryRows } from '../../src/db/client';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

describe.each(ENGINES)('saved views on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let leader: Session;

  beforeAll(async () => {
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
    clerk = await h.signIn('booking-clerk');
    leader = await h.signIn('team-leader');
  });
  afterAll(() => h.close());

  const save = (s: Session, payload: unknown) =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/saved-views',
      headers: s.write,
      payload: payload as object,
    });
  const list = async (s: Session): Promise<SavedView[]> => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/saved-views', headers: s.read });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ views: SavedView[] }>().views;
  };
  const remove = (s: Session, id: string) =>
    h.app.inject({ method: 'DELETE', url: `/api/v1/saved-views/${id}`, headers: s.write });

  it('saves a view in canonical form, lists it by name and opens the PTL with it', async () => {
    const res = await save(clerk, {
      name: '  Urgent   ENT to book ',
      query: '?status=not-booked&priority=urgent&specialty=120&validationDue=true',
    });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json<SavedView>();
    expect(view).toMatchObject({
      name: 'Urgent ENT to book',
      query: 'specialty=120&priority=urgent&status=not-booked&validationDue=true&sort=breach-date',
      createdAt: '2026-11-23T09:00:00.000Z',
    });
    expect((await save(clerk, { name: 'A first', query: '' })).statusCode).toBe(201);
    expect((await list(clerk)).map((v) => v.name)).toEqual(['A first', 'Urgent ENT to book']);

    const ptl = await h.app.inject({ method: 'GET', url: `/api/v1/ptl?${view.query}`, headers: clerk.read });
    expect(ptl.statusCode, ptl.body).toBe(200);
  });

  it('keeps each user’s views to themselves: another user can neither see nor delete them', async () => {
    const mine = (await list(clerk)).find((v) => v.name === 'A first')!;
    expect(await list(leader)).toEqual([]);
    // The same name is fine for someone else.
    expect((await save(leader, { name: 'A first', query: 'sort=priority' })).statusCode).toBe(201);
    expect((await list(leader)).map((v) => v.query)).toEqual(['sort=priority']);

    const res = await remove(leader, mine.id);
    expect(res.statusCode).toBe(204);
    expect((await list(clerk)).map((v) => v.id)).toContain(mine.id);

    expect((await remove(clerk, mine.id)).statusCode).toBe(204);
    expect((await list(clerk)).map((v) => v.id)).not.toContain(mine.id);
    expect((await list(leader)).map((v) => v.name)).toEqual(['A first']);
  });

  it('refuses a second view of the same name for the same user with a 409', async () => {
    expect((await save(clerk, { name: 'Long waiters', query: 'minWeeks=52' })).statusCode).toBe(201);
    const res = await save(clerk, { name: ' Long  waiters', query: 'minWeeks=40' });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict', errors: [{ field: '/body/name' }] });
    expect(res.json().detail).toContain('You already have a view called "Long waiters"');
    const rows = await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from saved_views where org_id = ${h.fixture.orgId} and name = 'Long waiters'`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it.each([
    [{ name: '   ', query: '' }, '/body/name', 'Enter a name'],
    [{ name: 'x'.repeat(61), query: '' }, '/body/name', '60 characters or fewer'],
    [{ name: 'Bad priority', query: 'priority=soon' }, '/body/query', 'priority'],
    [{ name: 'Bad status', query: 'status=paused' }, '/body/query', 'status'],
    [{ name: 'Bad due', query: 'validationDue=maybe' }, '/body/query', 'validationDue'],
    [{ name: 'Bad date', query: 'breachBy=2026-02-30' }, '/body/query', 'breachBy'],
    [{ name: 'Bad consultant', query: 'clinicianId=42' }, '/body/query', 'clinicianId'],
    [{ name: 'Paging', query: 'limit=10' }, '/body/query', 'limit'],
    [{ name: 'Twice', query: 'priority=urgent&priority=routine' }, '/body/query', 'more than once'],
    [{ name: 'Contradiction', query: 'minWeeks=20&maxWeeks=10' }, '/body/query', 'minWeeks'],
  ])('refuses %j with a 400 naming %s', async (payload, field, words) => {
    const res = await save(clerk, payload);
    expect(res.statusCode, res.body).toBe(400);
    const errors = res.json<{ errors: { field: string; message: string }[] }>().errors;
    expect(errors.map((e) => e.field)).toContain(field);
    expect(res.json().detail).toContain(words);
  });

  it('refuses a body without a name and a malformed id', async () => {
    const res = await save(clerk, { query: '' });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { field: string }) => e.field)
        .join(' '),
    ).toContain('name');
    expect((await remove(clerk, 'not-a-uuid')).statusCode).toBe(400);
  });

  it('keeps views per machine client too, and refuses roles without WaitingList.read', async () => {
    const token = await h.token('booking-clerk');
    const headers = { authorization: `Bearer ${token}` };
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/saved-views',
      headers,
      payload: { name: 'Client view', query: 'status=booked' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const mine = await h.app.inject({ method: 'GET', url: '/api/v1/saved-views', headers });
    expect(mine.json().views.map((v: SavedView) => v.name)).toEqual(['Client view']);
    expect((await list(clerk)).map((v) => v.name)).not.toContain('Client view');

    const flow = await h.signIn('flow-coordinator');
    const refused = await h.app.inject({ method: 'GET', url: '/api/v1/saved-views', headers: flow.read });
    expect(refused.statusCode).toBe(403);
  });
});

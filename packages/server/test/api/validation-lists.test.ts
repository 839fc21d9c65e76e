/**
 * Waiting-list validation over the API (spec §2.6): the due list (and the database's pre-filter agreeing with
 * core's `validationDue`), drawing batches, and the work on each contact: EX-VAL-01 (due from day 84),
 * EX-VAL-02 (no reply in 14 days → reminder, still on the list, no clock change) and EX-VAL-03 (treated
 * privately → stays on the list until a clinician confirms; then the clock stops with code 34 that day).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { validationDue } from '@pathflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  clinicians,
  organisations,
  pathways,
  patients,
  rttEvents,
  specialties,
  validationBatches,
  validationContacts,
} from '../../src/db/schema';
import type { Database } from '../../src/db/client';
import { dueWhere } from '../../src/features/validation/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

/** 09:00 UTC on a day of 2025 (10:00 in London in summer time, 09:00 in winter): the same London date. */
const at = (date: string) => `${date}T09:00:00Z`;

interface PathwaySpec {
  start: string;
  validated?: string | null;
  contact?: string | null;
  specialty?: '110' | '120';
  patient?: 'alice' | 'bob';
  status?: 'open' | 'closed';
  running?: boolean;
}

type Crafted =
  | 'ex01'
  | 'day83'
  | 'day84'
  | 'm26'
  | 'fresh'
  | 'm52'
  | 'contactOnly'
  | 'futureValidated'
  | 'contactBeforeStart'
  | 'stopped'
  | 'closed'
  | 'ent1'
  | 'ent2';

/** Crafted pathways read on 2025-04-01, each with what core says of it then. */
const CRAFTED: Record<Crafted, PathwaySpec> = {
  // EX-VAL-01: 85 days on 2025-04-01, never validated: due from 2025-03-31 (day 84).
  ex01: { start: '2025-01-06' },
  day83: { start: '2025-01-08' },
  day84: { start: '2025-01-07' },
  // 12 weeks validated; 26 weeks (2025-03-02) reached without a validation since.
  m26: { start: '2024-09-01', validated: '2024-12-01', contact: '2025-03-01' },
  // Validated after 26 weeks and contacted recently: nothing due.
  fresh: { start: '2024-09-01', validated: '2025-03-10', contact: '2025-03-10' },
  // 52 weeks reached on 2025-02-28; validated at 46 weeks, which does not count for it.
  m52: { start: '2024-03-01', validated: '2025-01-20', contact: '2025-01-20' },
  // Milestones met, but no contact for 12 weeks since 2024-12-20.
  contactOnly: { start: '2024-09-02', validated: '2025-03-05', contact: '2024-12-20' },
  // A validation dated in the future does not count.
  futureValidated: { start: '2024-12-01', validated: '2025-05-01' },
  // A contact before the clock started does not count: 12 weeks from the start.
  contactBeforeStart: { start: '2025-01-01', contact: '2024-12-15' },
  stopped: { start: '2024-01-01', running: false },
  closed: { start: '2024-01-01', status: 'closed', running: false },
  ent1: { start: '2024-06-01', specialty: '120', patient: 'bob' },
  // 26 weeks reached today; a contact in the future does not count.
  ent2: {
    start: '2024-10-01',
    validated: '2025-01-10',
    contact: '2025-06-01',
    specialty: '120',
    patient: 'bob',
  },
};

/** Due on 2025-04-01, longest waiters first. */
const DUE_ORDER: Crafted[] = [
  'm52',
  'ent1',
  'm26',
  'contactOnly',
  'ent2',
  'futureValidated',
  'contactBeforeStart',
  'ex01',
  'day84',
];

/** A small deterministic generator for the agreement check. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

describe.each(ENGINES)('waiting-list validation on %s', (engine) => {
  let h: Harness;
  let orgId: string;
  let clerk: Session;
  let manager: Session;
  let flow: Session;
  let clinicianUser: Session;
  let clinicianId: string;
  const ids = {} as Record<Crafted, string>;
  const name = {} as Record<string, Crafted>;
  const batches: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

  const insertPathway = async (db: Database, org: string, patientId: string, n: number, p: PathwaySpec) => {
    const id = randomUUID();
    const running = p.running ?? true;
    await db.insert(pathways).values({
      orgId: org,
      id,
      patientId,
      ppid: `VAL${String(n).padStart(8, '0')}`,
      ppidIssuer: 'XT1',
      specialtyCode: p.specialty ?? '110',
      clinicianId: null,
      source: 'gp-referral',
      priority: 'routine',
      referralReceivedDate: p.start,
      clockStartDate: p.start,
      status: p.status ?? 'open',
      rttRunning: running,
      rttPeriodStart: running ? p.start : null,
      lastValidatedOn: p.validated ?? null,
      lastContactOn: p.contact ?? null,
    });
    return id;
  };

  beforeAll(async () => {
    h = await createHarness(engine);
    orgId = h.fixture.orgId;
    clerk = await h.signIn('booking-clerk');
    manager = await h.signIn('service-manager');
    flow = await h.signIn('flow-coordinator');
    clinicianUser = await h.signIn('clinician');
    const [c] = await h.db.db
      .select({ id: clinicians.id })
      .from(clinicians)
      .where(eq(clinicians.orgId, orgId));
    clinicianId = c!.id;
    let n = 1;
    for (const [key, spec] of Object.entries(CRAFTED) as [Crafted, PathwaySpec][]) {
      ids[key] = await insertPathway(h.db.db, orgId, h.fixture.patients[spec.patient ?? 'alice'], n++, spec);
      name[ids[key]] = key;
    }
    h.clock.set(at('2025-04-01'));
  });
  afterAll(() => h.close());

  const get = (url: string, s: Session = clerk) => h.app.inject({ method: 'GET', url, headers: s.read });
  const post = (url: string, payload: object, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url, headers: s.write, payload });
  const contactUrl = (batch: 'a' | 'b' | 'c', p: Crafted, action: string) =>
    `/api/v1/validation/batches/${batches[batch]}/contacts/${ids[p]}/${action}`;
  const work = (batch: 'a' | 'b' | 'c', p: Crafted, action: string, payload: object, s: Session = clerk) =>
    post(contactUrl(batch, p, action), payload, s);
  const fields = (res: { json: () => unknown }) =>
    (res.json() as { errors?: { field: string }[] }).errors?.map((e) => e.field) ?? [];
  const pathwayRow = async (p: Crafted) =>
    (
      await h.db.db
        .select()
        .from(pathways)
        .where(and(eq(pathways.orgId, orgId), eq(pathways.id, ids[p])))
    )[0]!;
  const eventsOf = (p: Crafted) =>
    h.db.db
      .select()
      .from(rttEvents)
      .where(and(eq(rttEvents.orgId, orgId), eq(rttEvents.pathwayId, ids[p])));
  const contactRow = async (p: Crafted) =>
    (
      await h.db.db
        .select()
        .from(validationContacts)
        .where(and(eq(validationContacts.orgId, orgId), eq(validationContacts.pathwayId, ids[p])))
    )[0]!;
  const dueIds = async () => {
    const res = await get('/api/v1/validation/due?limit=500');
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ rows: { pathwayId: string }[] }>().rows.map((r) => name[r.pathwayId] ?? r.pathwayId);
  };

  it('lists the pathways due today, longest waiters first, with why and since when (EX-VAL-01)', async () => {
    const res = await get('/api/v1/validation/due');
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page).toMatchObject({ asOf: '2025-04-01', total: DUE_ORDER.length, limit: 100, offset: 0 });
    expect(page.rows.map((r: { pathwayId: string }) => name[r.pathwayId])).toEqual(DUE_ORDER);
    const ex01 = page.rows.find((r: { pathwayId: string }) => r.pathwayId === ids.ex01);
    expect(ex01).toEqual({
      pathwayId: ids.ex01,
      ppid: expect.stringMatching(/^VAL/),
      patient: { id: h.fixture.patients.alice, nhsNumber: '9990000018', name: 'Example, Alice' },
      specialty: { code: '110', name: 'Trauma and orthopaedics' },
      clockStart: '2025-01-06',
      daysWaited: 85,
      weeksWaited: 12,
      dueOn: '2025-03-31',
      reasons: ['milestone-12-weeks', 'contact-every-12-weeks'],
      lastValidatedOn: null,
      lastContactOn: null,
      openContact: null,
    });
    const byName = Object.fromEntries(
      page.rows.map((r: { pathwayId: string }) => [name[r.pathwayId], r]),
    ) as Record<Crafted, { dueOn: string; reasons: string[] }>;
    expect(byName.m26).toMatchObject({ dueOn: '2025-03-02', reasons: ['milestone-26-weeks'] });
    expect(byName.m52).toMatchObject({ dueOn: '2025-02-28', reasons: ['milestone-52-weeks'] });
    expect(byName.contactOnly).toMatchObject({ dueOn: '2025-03-14', reasons: ['contact-every-12-weeks'] });
    expect(byName.ent2).toMatchObject({
      dueOn: '2024-12-24',
      reasons: ['milestone-26-weeks', 'contact-every-12-weeks'],
    });
    expect(byName.day84).toMatchObject({ dueOn: '2025-04-01' });

    // EX-VAL-01 the day before day 84 and on it.
    h.clock.set(at('2025-03-30'));
    expect(await dueIds()).not.toContain('ex01');
    h.clock.set(at('2025-03-31'));
    expect(await dueIds()).toContain('ex01');
    h.clock.set(at('2025-04-01'));
  });

  it('filters by specialty and pages, with the total over the whole list', async () => {
    const ent = (await get('/api/v1/validation/due?specialty=120')).json();
    expect(ent.total).toBe(2);
    expect(ent.rows.map((r: { pathwayId: string }) => name[r.pathwayId])).toEqual(['ent1', 'ent2']);
    const page = (await get('/api/v1/validation/due?limit=2&offset=2')).json();
    expect(page).toMatchObject({ total: DUE_ORDER.length, limit: 2, offset: 2 });
    expect(page.rows.map((r: { pathwayId: string }) => name[r.pathwayId])).toEqual(DUE_ORDER.slice(2, 4));
    const none = (await get('/api/v1/validation/due?specialty=999')).json();
    expect(none).toMatchObject({ total: 0, rows: [] });
  });

  it('audits every patient listed, in the same request', async () => {
    const res = await get('/api/v1/validation/due?specialty=120');
    const requestId = res.headers['x-request-id'] as string;
    const rows = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.requestId, requestId)))
      .orderBy(asc(auditLog.id));
    expect(rows.map((r) => [r.action, r.resourceType, r.resourceId, r.patientId, r.actorRole])).toEqual([
      ['ValidationDue.read', 'Pathway', ids.ent1, h.fixture.patients.bob, 'booking-clerk'],
      ['ValidationDue.read', 'Pathway', ids.ent2, h.fixture.patients.bob, 'booking-clerk'],
    ]);
  });

  it("the database's pre-filter picks exactly the pathways core's validationDue says are due", async () => {
    const db = h.db.db;
    const check = async (org: string, asOf: string) => {
      const sqlIds = (await db.select({ id: pathways.id }).from(pathways).where(dueWhere(org, asOf)))
        .map((r) => r.id)
        .sort();
      const all = await db.select().from(pathways).where(eq(pathways.orgId, org));
      const coreIds = all
        .filter(
          (p) =>
            p.status === 'open' &&
            p.rttRunning &&
            p.rttPeriodStart !== null &&
            validationDue({
              clockStart: p.rttPeriodStart,
              lastValidatedOn: p.lastValidatedOn,
              lastContactOn: p.lastContactOn,
              asOf,
            }).due,
        )
        .map((p) => p.id)
        .sort();
      expect(sqlIds, `${org} on ${asOf}`).toEqual(coreIds);
      return sqlIds.length;
    };
    // The crafted pathways, through a year either side of their milestones.
    expect(await check(orgId, '2025-04-01')).toBe(DUE_ORDER.length);
    for (let asOf = '2024-06-01'; asOf <= '2025-09-01'; asOf = addDays(asOf, 23)) await check(orgId, asOf);

    // Many random pathways in an organisation of their own, with validations and contacts before, on and
    // after each boundary (and in the future).
    const other = randomUUID();
    await db.insert(organisations).values({ orgId: other, odsCode: 'XR9', name: 'Random Trust' });
    await db.insert(specialties).values({ orgId: other, code: '110', name: 'Trauma and orthopaedics' });
    const patientId = randomUUID();
    await db.insert(patients).values({
      orgId: other,
      id: patientId,
      nhsNumber: '9990000018',
      mrn: 'R0001',
      givenName: 'Random',
      familyName: 'Patient',
      dateOfBirth: '1960-01-01',
      sex: 'female',
      addressLine1: '1 Test Street',
      town: 'Leeds',
      postcode: 'LS1 4AP',
    });
    const rand = lcg(20250401);
    const near = [0, 83, 84, 85, 181, 182, 183, 363, 364, 365];
    const offset = () => (rand(3) === 0 ? near[rand(near.length)]! + rand(3) - 1 : rand(520) - 20);
    for (let i = 0; i < 300; i++) {
      const start = addDays('2025-04-01', -offset());
      const spec: PathwaySpec = {
        start,
        validated: rand(4) === 0 ? null : addDays(start, offset()),
        contact: rand(4) === 0 ? null : addDays(start, offset() - 10),
        status: rand(20) === 0 ? 'closed' : 'open',
        running: rand(15) !== 0,
      };
      await insertPathway(db, other, patientId, 10_000 + i, spec);
    }
    let due = 0;
    for (const asOf of ['2025-04-01', '2025-01-15', '2025-06-30', '2025-12-01'])
      due += await check(other, asOf);
    // The check has something to agree on: both due and not-due pathways.
    expect(due).toBeGreaterThan(100);
    expect(due).toBeLessThan(1200);
  });

  it('refuses roles without the permission: the due list needs WaitingList.read, a batch Pathway.write', async () => {
    expect((await get('/api/v1/validation/due', flow)).statusCode).toBe(403);
    expect((await get('/api/v1/validation/batches', flow)).statusCode).toBe(403);
    expect((await get('/api/v1/validation/due', manager)).statusCode).toBe(200);
    expect((await get('/api/v1/validation/batches', manager)).statusCode).toBe(200);
    const refused = await post('/api/v1/validation/batches', { size: 5 }, manager);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('forbidden');
    const denied = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, 'access.denied')));
    expect(denied.map((d) => d.actorRole).sort()).toEqual([
      'flow-coordinator',
      'flow-coordinator',
      'service-manager',
    ]);
    const unauthenticated = await h.app.inject({ method: 'GET', url: '/api/v1/validation/due' });
    expect(unauthenticated.statusCode).toBe(401);
    expect(await h.db.db.select().from(validationBatches)).toHaveLength(0);
  });

  it('refuses bad input with a 400 naming the field, and draws nothing', async () => {
    const cases: [object, string][] = [
      [{ size: 0 }, '/body/size'],
      [{ size: 501 }, '/body/size'],
      [{ size: 'ten' }, '/body/size'],
      [{}, '/body/size'],
      [{ size: 5, colour: 'red' }, '/body/colour'],
      [{ size: 5, specialtyCode: '' }, '/body/specialtyCode'],
      [{ size: 5, specialtyCode: '999' }, '/body/specialtyCode'],
    ];
    for (const [body, field] of cases) {
      const res = await post('/api/v1/validation/batches', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(fields(res), JSON.stringify(body)).toContain(field);
    }
    for (const [query, field] of [
      ['limit=0', '/query/limit'],
      ['limit=501', '/query/limit'],
      ['offset=-1', '/query/offset'],
      ['colour=red', '/query/colour'],
    ]) {
      const res = await get(`/api/v1/validation/due?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(fields(res), query).toContain(field);
    }
    expect(await h.db.db.select().from(validationBatches)).toHaveLength(0);
    expect(await h.db.db.select().from(validationContacts)).toHaveLength(0);
  });

  it('draws the longest-waiting due pathways not already being validated into batches', async () => {
    const a = await post('/api/v1/validation/batches', { specialtyCode: '110', size: 2 });
    expect(a.statusCode, a.body).toBe(201);
    const batchA = a.json();
    batches.a = batchA.id;
    expect(a.headers.location).toBe(`/api/v1/validation/batches/${batchA.id}`);
    expect(batchA).toMatchObject({
      asOf: '2025-04-01',
      specialtyCode: '110',
      size: 2,
      createdBy: h.fixture.users['booking-clerk'].id,
      counts: { toContact: 2, awaitingReply: 0, replied: 0, closed: 0 },
    });
    expect(batchA.contacts.map((c: { pathwayId: string }) => name[c.pathwayId])).toEqual(['m52', 'm26']);
    expect(batchA.contacts[0]).toMatchObject({
      batchId: batchA.id,
      patient: { id: h.fixture.patients.alice, nhsNumber: '9990000018', name: 'Example, Alice' },
      clockStart: '2024-03-01',
      dueOn: '2025-02-28',
      reasons: ['milestone-52-weeks'],
      status: 'to-contact',
      channel: null,
      sentOn: null,
      response: null,
      outcome: null,
      remainsOnList: true,
      task: null,
      nextAction: { action: 'send-contact', from: null },
    });

    // The due list shows who is already in a contact; the next draw passes over them.
    const due = (await get('/api/v1/validation/due')).json();
    const open = due.rows.filter((r: { openContact: unknown }) => r.openContact !== null);
    expect(open.map((r: { pathwayId: string }) => name[r.pathwayId])).toEqual(['m52', 'm26']);
    expect(open[0].openContact).toEqual({ batchId: batchA.id, status: 'to-contact' });

    h.clock.advance(60_000);
    const b = await post('/api/v1/validation/batches', { size: 3 });
    expect(b.statusCode, b.body).toBe(201);
    batches.b = b.json().id;
    expect(b.json().contacts.map((c: { pathwayId: string }) => name[c.pathwayId])).toEqual([
      'ent1',
      'contactOnly',
      'ent2',
    ]);
    expect(b.json().specialtyCode).toBeNull();

    h.clock.advance(60_000);
    const c = await post('/api/v1/validation/batches', { specialtyCode: '110', size: 10 });
    expect(c.statusCode, c.body).toBe(201);
    batches.c = c.json().id;
    expect(c.json().size).toBe(4);
    expect(c.json().contacts.map((x: { pathwayId: string }) => name[x.pathwayId])).toEqual([
      'futureValidated',
      'contactBeforeStart',
      'ex01',
      'day84',
    ]);

    // Everyone due is now being validated: an empty draw is refused, not an empty batch.
    for (const body of [{ size: 5 }, { size: 5, specialtyCode: '120' }]) {
      const empty = await post('/api/v1/validation/batches', body);
      expect(empty.statusCode, empty.body).toBe(422);
      expect(empty.headers['content-type']).toContain('application/problem+json');
      expect(empty.json()).toMatchObject({ code: 'nothing_due', status: 422 });
    }
    expect(
      await h.db.db.select().from(validationBatches).where(eq(validationBatches.orgId, orgId)),
    ).toHaveLength(3);

    const created = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.orgId, orgId),
          inArray(auditLog.action, ['ValidationBatch.create', 'ValidationContact.create']),
        ),
      );
    expect(created.filter((r) => r.action === 'ValidationBatch.create')).toHaveLength(3);
    const contactsAudited = created.filter((r) => r.action === 'ValidationContact.create');
    expect(contactsAudited.map((r) => name[r.resourceId!]).sort()).toEqual([...DUE_ORDER].sort());
    expect(contactsAudited.every((r) => r.patientId !== null)).toBe(true);
  });

  it('lists batches newest first with their counts, and shows one batch with an audit row per patient', async () => {
    const list = await get('/api/v1/validation/batches', manager);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toMatchObject({ total: 3, limit: 20, offset: 0 });
    expect(list.json().batches.map((b: { id: string }) => b.id)).toEqual([batches.c, batches.b, batches.a]);
    expect(list.json().batches[0]).toMatchObject({ size: 4, counts: { toContact: 4, closed: 0 } });
    expect(list.json().batches[0]).not.toHaveProperty('contacts');

    const one = await get(`/api/v1/validation/batches/${batches.b}`, manager);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().contacts).toHaveLength(3);
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), eq(auditLog.requestId, one.headers['x-request-id'] as string)))
      .orderBy(asc(auditLog.id));
    expect(audited.map((r) => [r.action, name[r.resourceId!], r.patientId])).toEqual([
      ['ValidationContact.read', 'ent1', h.fixture.patients.bob],
      ['ValidationContact.read', 'contactOnly', h.fixture.patients.alice],
      ['ValidationContact.read', 'ent2', h.fixture.patients.bob],
    ]);

    const missing = await get(`/api/v1/validation/batches/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    const bad = await get('/api/v1/validation/batches/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(fields(bad)).toContain('/params/id');
  });

  it('EX-VAL-02: no reply 14 days after the SMS → send a reminder; the patient stays on the list, no clock change', async () => {
    h.clock.set(at('2025-04-01'));
    const sent = await work('c', 'ex01', 'sent', { channel: 'sms', sentOn: '2025-04-01' });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({
      status: 'awaiting-reply',
      channel: 'sms',
      sentOn: '2025-04-01',
      nextAction: { action: 'wait-for-reply', from: '2025-04-15' },
      remainsOnList: true,
    });

    h.clock.set(at('2025-04-10'));
    const early = await work('c', 'ex01', 'reminder', { channel: 'phone', sentOn: '2025-04-10' });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json()).toMatchObject({ code: 'conflict' });
    expect(early.json().detail).toContain('2025-04-15');

    h.clock.set(at('2025-04-15'));
    const batch = (await get(`/api/v1/validation/batches/${batches.c}`)).json();
    const ex01 = batch.contacts.find((c: { pathwayId: string }) => c.pathwayId === ids.ex01);
    expect(ex01).toMatchObject({
      status: 'awaiting-reply',
      response: null,
      remainsOnList: true,
      nextAction: { action: 'send-reminder', from: '2025-04-15' },
    });
    expect(ex01.nextAction.label).toMatch(/reminder/);
    // No clock change: no event, the projection as it was, not validated.
    expect(await eventsOf('ex01')).toEqual([]);
    expect(await pathwayRow('ex01')).toMatchObject({
      rttRunning: true,
      rttPeriodStart: '2025-01-06',
      lastValidatedOn: null,
      lastContactOn: null,
    });

    const reminder = await work('c', 'ex01', 'reminder', { channel: 'phone', sentOn: '2025-04-15' });
    expect(reminder.statusCode, reminder.body).toBe(200);
    expect(reminder.json()).toMatchObject({
      status: 'awaiting-reply',
      channel: 'sms',
      sentOn: '2025-04-01',
      reminderSentOn: '2025-04-15',
      nextAction: { action: 'wait-for-reply', from: '2025-04-29' },
    });
    const again = await work('c', 'ex01', 'reminder', { channel: 'letter', sentOn: '2025-04-15' });
    expect(again.statusCode).toBe(409);

    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.orgId, orgId),
          eq(auditLog.resourceId, ids.ex01),
          inArray(auditLog.action, ['ValidationContact.sent', 'ValidationContact.reminder']),
        ),
      )
      .orderBy(asc(auditLog.id));
    expect(audited.map((r) => [r.action, r.patientId, (r.detail as { channel: string }).channel])).toEqual([
      ['ValidationContact.sent', h.fixture.patients.alice, 'sms'],
      ['ValidationContact.reminder', h.fixture.patients.alice, 'phone'],
    ]);
  });

  it('EX-VAL-03: treated privately → stays on the list until a clinician confirms; then the clock stops with 34 that day', async () => {
    h.clock.set(at('2025-04-15'));
    expect((await work('a', 'm52', 'sent', { channel: 'letter', sentOn: '2025-04-01' })).statusCode).toBe(
      200,
    );
    const reply = await work('a', 'm52', 'reply', {
      response: 'treated-elsewhere',
      respondedOn: '2025-04-08',
      note: 'Had the operation privately in March',
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({
      status: 'replied',
      response: 'treated-elsewhere',
      respondedOn: '2025-04-08',
      outcome: null,
      remainsOnList: true,
      task: 'confirm-removal',
      nextAction: { action: 'confirm-removal' },
      note: 'Had the operation privately in March',
    });
    expect(await eventsOf('m52')).toEqual([]);
    expect(await pathwayRow('m52')).toMatchObject({ rttRunning: true, rttPeriodStart: '2024-03-01' });
    // Still due and on the list, in its contact, until the decision.
    expect(await dueIds()).toContain('m52');

    // No removal without a clinical decision by a clinician of the organisation.
    const badDecisions: [object, string][] = [
      [{ confirmed: true, decidedOn: '2025-04-15' }, '/body/clinicianId'],
      [{ confirmed: true, decidedOn: '2025-04-15', clinicianId: randomUUID() }, '/body/clinicianId'],
      [{ confirmed: true, decidedOn: '2025-04-15', clinicianId: 'Dr Who' }, '/body/clinicianId'],
      [{ confirmed: true, decidedOn: '2025-04-16', clinicianId }, '/body/decidedOn'],
      [{ confirmed: true, decidedOn: '2025-04-07', clinicianId }, '/body/decidedOn'],
      [{ confirmed: 'yes', decidedOn: '2025-04-15', clinicianId }, '/body/confirmed'],
      [{ decidedOn: '2025-04-15', clinicianId }, '/body/confirmed'],
    ];
    for (const [body, field] of badDecisions) {
      const res = await work('a', 'm52', 'decision', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fields(res), JSON.stringify(body)).toContain(field);
    }
    expect(await eventsOf('m52')).toEqual([]);
    expect(await contactRow('m52')).toMatchObject({ status: 'replied', outcome: null });

    const decided = await work(
      'a',
      'm52',
      'decision',
      { confirmed: true, decidedOn: '2025-04-15', clinicianId },
      clinicianUser,
    );
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      status: 'closed',
      outcome: 'removed',
      outcomeOn: '2025-04-15',
      decidedByClinicianId: clinicianId,
      remainsOnList: false,
      clockStart: null,
      nextAction: { action: 'none' },
    });
    const events = await eventsOf('m52');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventDate: '2025-04-15',
      code: '34',
      clinicianDecision: true,
      origin: 'validation',
      recordedBy: h.fixture.users.clinician.id,
    });
    expect(await pathwayRow('m52')).toMatchObject({
      rttRunning: false,
      rttPeriodStart: null,
      lastValidatedOn: '2025-04-15',
      lastContactOn: '2025-04-08',
    });
    expect(await dueIds()).not.toContain('m52');
    const audited = await h.db.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.orgId, orgId), eq(auditLog.requestId, decided.headers['x-request-id'] as string)),
      )
      .orderBy(asc(auditLog.id));
    expect(audited.map((r) => [r.action, r.resourceId, r.patientId])).toEqual([
      ['RttEvent.create', ids.m52, h.fixture.patients.alice],
      ['ValidationContact.decision', ids.m52, h.fixture.patients.alice],
    ]);
    expect(audited[1]!.detail).toMatchObject({ batchId: batches.a, confirmed: true, stopCode: '34' });

    // Nothing more on a closed contact.
    for (const [action, body] of [
      ['reply', { response: 'still-needs-care', respondedOn: '2025-04-15' }],
      ['decision', { confirmed: false, decidedOn: '2025-04-15', clinicianId }],
      ['reminder', { channel: 'sms', sentOn: '2025-04-15' }],
      ['sent', { channel: 'sms', sentOn: '2025-04-15' }],
    ] as const) {
      const res = await work('a', 'm52', action, body);
      expect(res.statusCode, action).toBe(409);
    }
    expect(await eventsOf('m52')).toHaveLength(1);
  });

  it('a declined removal keeps the patient on the list and counts as validated', async () => {
    h.clock.set(at('2025-04-15'));
    expect((await work('a', 'm26', 'sent', { channel: 'email', sentOn: '2025-04-02' })).statusCode).toBe(200);
    const reply = await work('a', 'm26', 'reply', {
      response: 'declines-treatment',
      respondedOn: '2025-04-05',
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json()).toMatchObject({ status: 'replied', task: 'confirm-removal', remainsOnList: true });
    const decided = await work('a', 'm26', 'decision', {
      confirmed: false,
      decidedOn: '2025-04-14',
      clinicianId,
      note: 'Discussed with the patient: wishes to stay on the list',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      status: 'closed',
      outcome: 'removal-declined',
      outcomeOn: '2025-04-14',
      decidedByClinicianId: clinicianId,
      remainsOnList: true,
      clockStart: '2024-09-01',
    });
    expect(await eventsOf('m26')).toEqual([]);
    expect(await pathwayRow('m26')).toMatchObject({
      rttRunning: true,
      rttPeriodStart: '2024-09-01',
      lastValidatedOn: '2025-04-14',
      lastContactOn: '2025-04-05',
    });
    // Validated after its 26-week milestone and contacted: no longer due.
    expect(await dueIds()).not.toContain('m26');
  });

  it('still needs care: kept and validated on the reply date; postpone: kept, with the 6-week advice', async () => {
    h.clock.set(at('2025-04-15'));
    expect(
      (await work('b', 'contactOnly', 'sent', { channel: 'nhs-app', sentOn: '2025-04-01' })).statusCode,
    ).toBe(200);
    const kept = await work('b', 'contactOnly', 'reply', {
      response: 'still-needs-care',
      respondedOn: '2025-04-03',
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({
      status: 'closed',
      outcome: 'kept',
      outcomeOn: '2025-04-03',
      remainsOnList: true,
      task: 'none',
    });
    expect(await pathwayRow('contactOnly')).toMatchObject({
      rttRunning: true,
      lastValidatedOn: '2025-04-03',
      lastContactOn: '2025-04-03',
    });
    expect(await dueIds()).not.toContain('contactOnly');

    expect((await work('b', 'ent1', 'sent', { channel: 'letter', sentOn: '2025-04-01' })).statusCode).toBe(
      200,
    );
    const postponed = await work('b', 'ent1', 'reply', { response: 'postpone', respondedOn: '2025-04-09' });
    expect(postponed.statusCode, postponed.body).toBe(200);
    expect(postponed.json()).toMatchObject({
      status: 'closed',
      outcome: 'postponed',
      remainsOnList: true,
      task: 'record-patient-delay',
    });
    expect(postponed.json().nextAction.label).toMatch(/more than 6 weeks needs a clinical review/);
    expect(await eventsOf('ent1')).toEqual([]);
    expect(await pathwayRow('ent1')).toMatchObject({ rttRunning: true, lastValidatedOn: '2025-04-09' });
  });

  it('no reply: recorded only after 14 days; the patient stays on the list and is never removed for it', async () => {
    h.clock.set(at('2025-04-15'));
    expect((await work('b', 'ent2', 'sent', { channel: 'sms', sentOn: '2025-04-01' })).statusCode).toBe(200);
    const early = await work('b', 'ent2', 'reply', { response: 'no-reply', respondedOn: '2025-04-10' });
    expect(early.statusCode, early.body).toBe(409);
    const noReply = await work('b', 'ent2', 'reply', { response: 'no-reply', respondedOn: '2025-04-15' });
    expect(noReply.statusCode, noReply.body).toBe(200);
    expect(noReply.json()).toMatchObject({
      status: 'replied',
      response: 'no-reply',
      outcome: null,
      remainsOnList: true,
      task: 'follow-up-non-responder',
      nextAction: { action: 'follow-up-non-responder' },
    });
    const removal = await work('b', 'ent2', 'decision', {
      confirmed: true,
      decidedOn: '2025-04-15',
      clinicianId,
    });
    expect(removal.statusCode, removal.body).toBe(409);
    expect(removal.json().detail).toMatch(/not replying/);
    expect(await eventsOf('ent2')).toEqual([]);
    expect(await pathwayRow('ent2')).toMatchObject({ rttRunning: true, lastValidatedOn: '2025-01-10' });
    // The follow-up reaches the patient.
    const later = await work('b', 'ent2', 'reply', {
      response: 'still-needs-care',
      respondedOn: '2025-04-15',
    });
    expect(later.statusCode, later.body).toBe(200);
    expect(later.json()).toMatchObject({ status: 'closed', outcome: 'kept' });
  });

  it('refuses actions out of order with a 409, and changes nothing', async () => {
    h.clock.set(at('2025-04-15'));
    const before = await contactRow('futureValidated');
    for (const [action, body] of [
      ['reply', { response: 'still-needs-care', respondedOn: '2025-04-10' }],
      ['reminder', { channel: 'sms', sentOn: '2025-04-15' }],
      ['decision', { confirmed: true, decidedOn: '2025-04-15', clinicianId }],
    ] as const) {
      const res = await work('c', 'futureValidated', action, body);
      expect(res.statusCode, `${action}: ${res.body}`).toBe(409);
      expect(res.json().code).toBe('conflict');
    }
    expect(await contactRow('futureValidated')).toEqual(before);
    expect(
      (await work('c', 'futureValidated', 'sent', { channel: 'phone', sentOn: '2025-04-14' })).statusCode,
    ).toBe(200);
    expect(
      (await work('c', 'futureValidated', 'sent', { channel: 'phone', sentOn: '2025-04-14' })).statusCode,
    ).toBe(409);
    // A removal cannot be decided before the patient has asked for one.
    expect(
      (
        await work('c', 'futureValidated', 'decision', {
          confirmed: false,
          decidedOn: '2025-04-15',
          clinicianId,
        })
      ).statusCode,
    ).toBe(409);
    expect(await eventsOf('futureValidated')).toEqual([]);
  });

  it('refuses bad input on a contact with a 400 naming the field, and changes nothing', async () => {
    h.clock.set(at('2025-04-15'));
    const before = await contactRow('contactBeforeStart');
    const cases: [string, object, string][] = [
      ['sent', { channel: 'pigeon', sentOn: '2025-04-10' }, '/body/channel'],
      ['sent', { sentOn: '2025-04-10' }, '/body/channel'],
      ['sent', { channel: 'sms', sentOn: '2025-02-30' }, '/body/sentOn'],
      ['sent', { channel: 'sms', sentOn: '10/04/2025' }, '/body/sentOn'],
      ['sent', { channel: 'sms', sentOn: '2025-04-16' }, '/body/sentOn'],
      ['sent', { channel: 'sms', sentOn: '2025-03-31' }, '/body/sentOn'],
      ['sent', { channel: 'sms', sentOn: '2025-04-10', colour: 'red' }, '/body/colour'],
      ['reply', { response: 'maybe', respondedOn: '2025-04-10' }, '/body/response'],
      ['reply', { response: 'postpone' }, '/body/respondedOn'],
      ['reply', { response: 'postpone', respondedOn: '2025-04-16' }, '/body/respondedOn'],
      ['reply', { response: 'postpone', respondedOn: '2025-04-10', note: 'x'.repeat(501) }, '/body/note'],
      ['reminder', { channel: 'fax', sentOn: '2025-04-15' }, '/body/channel'],
    ];
    for (const [action, body, field] of cases) {
      const res = await work('c', 'contactBeforeStart', action, body);
      expect(res.statusCode, `${action} ${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(fields(res), `${action} ${JSON.stringify(body)}`).toContain(field);
    }
    expect(await contactRow('contactBeforeStart')).toEqual(before);

    // A reply dated before the contact was sent.
    expect(
      (await work('c', 'contactBeforeStart', 'sent', { channel: 'sms', sentOn: '2025-04-10' })).statusCode,
    ).toBe(200);
    const early = await work('c', 'contactBeforeStart', 'reply', {
      response: 'postpone',
      respondedOn: '2025-04-09',
    });
    expect(early.statusCode).toBe(400);
    expect(fields(early)).toEqual(['/body/respondedOn']);
    expect(await contactRow('contactBeforeStart')).toMatchObject({
      status: 'awaiting-reply',
      response: null,
    });

    const badParams = await post(`/api/v1/validation/batches/nope/contacts/${ids.day84}/sent`, {
      channel: 'sms',
      sentOn: '2025-04-10',
    });
    expect(badParams.statusCode).toBe(400);
    expect(fields(badParams)).toContain('/params/batchId');
    // A pathway that is not in the batch, and a batch that does not exist.
    const notIn = await post(`/api/v1/validation/batches/${batches.a}/contacts/${ids.day84}/sent`, {
      channel: 'sms',
      sentOn: '2025-04-10',
    });
    expect(notIn.statusCode).toBe(404);
    const noBatch = await post(`/api/v1/validation/batches/${randomUUID()}/contacts/${ids.day84}/sent`, {
      channel: 'sms',
      sentOn: '2025-04-10',
    });
    expect(noBatch.statusCode).toBe(404);
    expect(await contactRow('day84')).toMatchObject({ status: 'to-contact', sentOn: null });
  });

  it('lets a service manager read a batch but not record work on it', async () => {
    h.clock.set(at('2025-04-15'));
    const res = await work('c', 'day84', 'sent', { channel: 'sms', sentOn: '2025-04-15' }, manager);
    expect(res.statusCode).toBe(403);
    const flowRes = await get(`/api/v1/validation/batches/${batches.c}`, flow);
    expect(flowRes.statusCode).toBe(403);
    const read = await get(`/api/v1/validation/batches/${batches.c}`, manager);
    expect(read.statusCode).toBe(200);
    expect(read.json().counts).toEqual({ toContact: 1, awaitingReply: 3, replied: 0, closed: 0 });
    expect(await contactRow('day84')).toMatchObject({ status: 'to-contact' });
    const list = (await get('/api/v1/validation/batches', manager)).json();
    expect(list.batches.find((b: { id: string }) => b.id === batches.a).counts).toEqual({
      toContact: 0,
      awaitingReply: 0,
      replied: 0,
      closed: 2,
    });
  });
});

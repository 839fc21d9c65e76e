/**
 * Patient-initiated follow-up over the API (§2.8), with the spec's own dates (the clock is set to 2025):
 * EX-PIFU-01 (time-limited, 6 months from 2025-01-15, no contact → discharge on 2025-07-15 with letters to the
 * patient and the GP and a task to close the pathway) and EX-PIFU-02 (the patient calls on 2025-04-02: a task to
 * book by clinical need; the window continues or restarts as the clinician decides). Open-ended plans never end
 * by themselves.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, communications, pathways, pifuPlans, scheduledJobs, tasks } from '../../src/db/schema';
import { queryRows } from '../../src/db/client';
import { runDueJobs } from '../../src/jobs/scheduler';
import { jobHandlers } from '../../src/jobs/handlers';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';
import { createTestClinic, type TestClinic } from '../support/clinic';

describe.each(ENGINES)('patient-initiated follow-up on %s', (engine) => {
  let h: Harness;
  let clinician: Session;
  let clerk: Session;
  let clinic: TestClinic;

  beforeAll(async () => {
    h = await createHarness(engine, { PATHFLOW_SIGN_IN_RATE_LIMIT: '1000' });
    clinic = await createTestClinic(h, 999_530_000);
  });
  afterAll(() => h.close());

  const at = async (iso: string) => {
    h.clock.set(iso);
    clinician = await h.signIn('clinician');
    clerk = await h.signIn('booking-clerk');
  };
  const post = (url: string, payload: object | undefined, as: Session = clinician) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: as.write,
      ...(payload ? { payload } : {}),
    });
  const get = (url: string, as: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: as.read });
  const runJobs = () => runDueJobs(h.db.db, { handlers: jobHandlers(), now: h.clock.now });
  const plan = async (id: string) => (await h.db.db.select().from(pifuPlans).where(eq(pifuPlans.id, id)))[0]!;
  const endJobs = (id: string) =>
    h.db.db
      .select()
      .from(scheduledJobs)
      .where(and(eq(scheduledJobs.kind, 'pifu.end'), sql`${scheduledJobs.payload}->>'pifuPlanId' = ${id}`))
      .orderBy(scheduledJobs.dueAt);
  const lettersOf = (id: string) =>
    h.db.db
      .select()
      .from(communications)
      .where(sql`${communications.detail}->>'pifuPlanId' = ${id}`)
      .orderBy(communications.recipient);
  const tasksOf = (id: string) =>
    h.db.db
      .select()
      .from(tasks)
      .where(sql`${tasks.detail}->>'pifuPlanId' = ${id}`)
      .orderBy(tasks.createdAt);
  const count = async (table: string) =>
    (
      await queryRows<{ n: number }>(
        h.db.db,
        sql`select count(*)::int as n from ${sql.identifier(table)} where org_id = ${h.fixture.orgId}`,
      )
    )[0]!.n;
  const writes = () => Promise.all(['pifu_plans', 'scheduled_jobs', 'tasks', 'communications'].map(count));

  async function start(body: object, pathwayId?: string) {
    const id = pathwayId ?? (await clinic.addPathway()).pathwayId;
    const res = await post(`/pathways/${id}/pifu`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{
      id: string;
      endsOn: string | null;
      startsOn: string;
      pathwayId: string;
      patient: { id: string };
    }>();
  }

  it('EX-PIFU-01 time-limited, 6 months from 2025-01-15, no contact: discharge on 2025-07-15 with letters to patient and GP', async () => {
    await at('2025-01-15T10:00:00Z');
    const p = await start({ kind: 'time-limited', months: 6 });
    expect(p).toMatchObject({
      kind: 'time-limited',
      months: 6,
      startsOn: '2025-01-15',
      endsOn: '2025-07-15',
      status: 'active',
    });
    const [job] = await endJobs(p.id);
    // 09:00 London on 15 July is 08:00 UTC (summer time).
    expect(job).toMatchObject({ status: 'pending', dueAt: new Date('2025-07-15T08:00:00Z') });

    await at('2025-07-14T09:00:00Z');
    await runJobs();
    expect((await plan(p.id)).status).toBe('active');

    await at('2025-07-15T08:00:00Z');
    await runJobs();
    expect((await plan(p.id)).status).toBe('discharged');
    const letters = await lettersOf(p.id);
    expect(letters.map((l) => [l.kind, l.channel, l.recipient])).toEqual([
      ['pifu-discharge', 'letter', 'gp'],
      ['pifu-discharge', 'letter', 'patient'],
    ]);
    expect(letters.every((l) => l.patientId === p.patient.id)).toBe(true);
    const [task] = await tasksOf(p.id);
    expect(task).toMatchObject({
      type: 'pifu-discharge',
      team: 'booking-110',
      status: 'open',
      pathwayId: p.pathwayId,
      createdAt: new Date('2025-07-15T08:00:00Z'),
      dueDate: '2025-07-20',
    });

    // Idempotent: running again, or later, adds nothing.
    const before = await writes();
    await at('2025-08-01T09:00:00Z');
    await runJobs();
    expect(await writes()).toEqual(before);
    const get1 = await get(`/pifu/${p.id}`);
    expect(get1.json()).toMatchObject({ status: 'discharged', endsOn: '2025-07-15' });
  });

  it('EX-PIFU-02 the patient calls 2025-04-02 with a flare: a task to book by clinical need; the window continues or restarts per clinician outcome', async () => {
    await at('2025-01-15T10:00:00Z');
    const cont = await start({ kind: 'time-limited', months: 6 });
    const restart = await start({ kind: 'time-limited', months: 6 });

    await at('2025-04-02T09:30:00Z');
    for (const p of [cont, restart]) {
      const res = await post(`/pifu/${p.id}/requests`, undefined, clerk);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().plan).toMatchObject({ lastRequestOn: '2025-04-02', status: 'active' });
      const [task] = await tasksOf(p.id);
      expect(task).toMatchObject({
        id: res.json().taskId,
        type: 'pifu-request',
        team: 'booking-110',
        status: 'open',
        priority: 'high',
      });
      // A second call the same day is the same task.
      const again = await post(`/pifu/${p.id}/requests`, undefined, clerk);
      expect(again.json().taskId).toBe(res.json().taskId);
    }

    const c = await post(`/pifu/${cont.id}/outcome`, { outcome: 'continue' });
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json()).toMatchObject({ startsOn: '2025-01-15', endsOn: '2025-07-15', status: 'active' });
    expect((await endJobs(cont.id)).map((j) => j.status)).toEqual(['pending']);

    const r = await post(`/pifu/${restart.id}/outcome`, { outcome: 'restart' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ startsOn: '2025-04-02', endsOn: '2025-10-02', status: 'active' });
    const jobs = await endJobs(restart.id);
    expect(jobs.map((j) => [j.status, j.dueAt.toISOString()])).toEqual([
      ['cancelled', '2025-07-15T08:00:00.000Z'],
      ['pending', '2025-10-02T08:00:00.000Z'],
    ]);

    await at('2025-07-15T09:00:00Z');
    await runJobs();
    expect((await plan(cont.id)).status).toBe('discharged');
    expect((await plan(restart.id)).status).toBe('active');
    expect(await lettersOf(restart.id)).toHaveLength(0);

    await at('2025-10-02T09:00:00Z');
    await runJobs();
    expect((await plan(restart.id)).status).toBe('discharged');
    expect((await lettersOf(restart.id)).map((l) => l.recipient)).toEqual(['gp', 'patient']);
  });

  it('open-ended PIFU never ends by itself; a clinician may end it (no discharge letters)', async () => {
    await at('2026-11-23T09:00:00Z');
    const p = await start({ kind: 'open-ended' });
    expect(p).toMatchObject({ kind: 'open-ended', months: null, endsOn: null });
    expect(await endJobs(p.id)).toHaveLength(0);
    await at('2029-01-01T09:00:00Z');
    await runJobs();
    expect((await plan(p.id)).status).toBe('active');
    const ended = await post(`/pifu/${p.id}/outcome`, { outcome: 'end' });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json().status).toBe('ended');
    expect(await lettersOf(p.id)).toHaveLength(0);

    // Ending a time-limited plan cancels its discharge.
    await at('2026-11-23T09:00:00Z');
    const t = await start({ kind: 'time-limited', months: 3 });
    expect(t.endsOn).toBe('2027-02-23');
    expect((await post(`/pifu/${t.id}/outcome`, { outcome: 'end' })).statusCode).toBe(200);
    expect((await endJobs(t.id)).map((j) => j.status)).toEqual(['cancelled']);
    await at('2027-03-01T09:00:00Z');
    await runJobs();
    expect((await plan(t.id)).status).toBe('ended');
    expect(await lettersOf(t.id)).toHaveLength(0);
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    await at('2026-11-23T09:00:00Z');
    const taken = await start({ kind: 'time-limited', months: 12 });
    const [closed] = await h.db.db
      .select({ id: pathways.id })
      .from(pathways)
      .where(and(eq(pathways.orgId, h.fixture.orgId), eq(pathways.status, 'closed')));
    const free = h.fixture.pathways.bobEnt;
    const before = await writes();
    const cases: [string, object, number, string?][] = [
      [free, { kind: 'time-limited' }, 400, '/body/months'],
      [free, { kind: 'time-limited', months: null }, 400, '/body/months'],
      [free, { kind: 'time-limited', months: 2 }, 400, '/body/months'],
      [free, { kind: 'time-limited', months: 25 }, 400, '/body/months'],
      [free, { kind: 'open-ended', months: 6 }, 400, '/body/months'],
      [free, { kind: 'time-limited', months: 6, startsOn: '2026-09-01' }, 400, '/body/startsOn'],
      [free, { kind: 'time-limited', months: 6, startsOn: '2026-13-01' }, 400],
      [free, { kind: 'forever' }, 400],
      [free, { kind: 'open-ended', colour: 'red' }, 400],
      [taken.pathwayId, { kind: 'open-ended' }, 409],
      [closed!.id, { kind: 'open-ended' }, 409],
      ['00000000-0000-4000-8000-000000000000', { kind: 'open-ended' }, 404],
      ['nope', { kind: 'open-ended' }, 400],
    ];
    for (const [pathwayId, body, status, field] of cases) {
      const res = await post(`/pathways/${pathwayId}/pifu`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.json().errors[0].field).toBe(field);
    }
    expect((await post(`/pifu/${taken.id}/outcome`, { outcome: 'pause' })).statusCode).toBe(400);
    expect((await post(`/pifu/${taken.id}/outcome`, {})).statusCode).toBe(400);
    expect(
      (await post('/pifu/00000000-0000-4000-8000-000000000000/requests', undefined, clerk)).statusCode,
    ).toBe(404);
    expect((await get('/pifu/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/pifu?status=paused')).statusCode).toBe(400);
    expect(await writes()).toEqual(before);

    // A plan no longer active takes no request or outcome.
    expect((await post(`/pifu/${taken.id}/outcome`, { outcome: 'end' })).statusCode).toBe(200);
    const after = await writes();
    expect((await post(`/pifu/${taken.id}/requests`, undefined, clerk)).statusCode).toBe(409);
    expect((await post(`/pifu/${taken.id}/outcome`, { outcome: 'restart' })).statusCode).toBe(409);
    expect(await writes()).toEqual(after);
  });

  it('lists active plans with filters, soonest end first, reads audited', async () => {
    await at('2026-11-23T09:00:00Z');
    const long = await start({ kind: 'time-limited', months: 24 });
    const short = await start({ kind: 'time-limited', months: 3 });
    const open = await start({ kind: 'open-ended' });
    const res = await get('/pifu?specialty=110');
    expect(res.statusCode, res.body).toBe(200);
    const ids: string[] = res.json().rows.map((r: { id: string }) => r.id);
    expect(ids.indexOf(short.id)).toBeLessThan(ids.indexOf(long.id));
    expect(ids.indexOf(long.id)).toBeLessThan(ids.indexOf(open.id));
    expect(res.json().rows.every((r: { status: string }) => r.status === 'active')).toBe(true);
    const onlyOpen = await get('/pifu?kind=open-ended');
    expect(onlyOpen.json().rows.map((r: { kind: string }) => r.kind)).toEqual(
      expect.arrayContaining(['open-ended']),
    );
    expect(onlyOpen.json().rows.every((r: { kind: string }) => r.kind === 'open-ended')).toBe(true);
    const byPathway = await get(`/pifu?pathwayId=${short.pathwayId}`);
    expect(byPathway.json().rows.map((r: { id: string }) => r.id)).toEqual([short.id]);
    expect(
      (await get('/pifu?specialty=120'))
        .json()
        .rows.every((r: { specialtyCode: string }) => r.specialtyCode === '120'),
    ).toBe(true);
    const reads = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'PifuPlan.read'), eq(auditLog.resourceId, short.id)));
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads[0]!.patientId).toBe(short.patient.id);
  });
});

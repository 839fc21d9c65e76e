/**
 * Work queues, reading and making tasks: a queue in the order it is worked with its filters and paging, overdue
 * flags moving with the clock, the queues and their counts, one task with its history, tasks made by hand (and
 * bad input refused with nothing written), and the services other features call (`createTasks` dedupe,
 * `cancelTasks`, `tasksFor`).
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sortQueue, teamFor, type TaskListRow } from '@pathflow/core';
import { auditLog, specialties, tasks } from '../../src/db/schema';
import { systemContext } from '../../src/auth/principal';
import { cancelTasks, createTasks, openTasksOn, tasksFor } from '../../src/features/tasks/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('work queues on %s', (engine) => {
  let h: Harness;
  let clerk: Session;
  let clinician: Session;
  let k = 0;

  beforeAll(async () => {
    h = await createHarness(engine);
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
  });
  afterAll(() => h.close());

  /** Signs in again after the clock has moved further than a session lasts. */
  const fresh = async () => {
    clerk = await h.signIn('booking-clerk');
    clinician = await h.signIn('clinician');
  };

  /** A specialty of its own for each test, so that its queues hold only that test's tasks. */
  const freshSpecialty = async (): Promise<string> => {
    k += 1;
    const code = `Q${k}`;
    await h.db.db.insert(specialties).values({ orgId: h.fixture.orgId, code, name: `Queue test ${k}` });
    return code;
  };
  const ctx = () => systemContext(h.fixture.orgId, h.clock.now());
  const get = (url: string, s: Session = clerk) => h.app.inject({ method: 'GET', url, headers: s.read });
  const post = (url: string, payload: object, s: Session = clerk) =>
    h.app.inject({ method: 'POST', url, headers: s.write, payload });
  const taskCount = async () =>
    (
      await h.db.db
        .select({ n: sql<number>`count(*)::int` })
        .from(tasks)
        .where(eq(tasks.orgId, h.fixture.orgId))
    )[0]!.n;
  const auditRows = (action: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.action, action)));

  it('lists a queue in the order it is worked: urgent, high, routine, then due date, then the oldest', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const team = teamFor('booking-clerk', code);
    const make = (over: Partial<Parameters<typeof createTasks>[2][number]>) =>
      createTasks(h.db.db, ctx(), [
        { type: 'call-patient', team, patientId: h.fixture.patients.alice, ...over },
      ]);
    const [routineEarly] = await make({ dueDate: '2026-11-24' });
    h.clock.advance(60_000);
    const [highLate] = await make({ type: 'book-transport', dueDate: '2026-12-10' });
    h.clock.advance(60_000);
    const [urgent] = await make({ type: 'short-notice-call', dueDate: '2026-12-20' });
    h.clock.advance(60_000);
    const [highEarlyNewer] = await make({ type: 'book-interpreter', dueDate: '2026-11-30' });
    h.clock.advance(-120_000);
    const [highEarlyOlder] = await make({ type: 'book-interpreter', dueDate: '2026-11-30' });
    h.clock.set(NOW);

    const res = await get(`/api/v1/tasks?team=${team}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json<{ total: number; rows: TaskListRow[] }>();
    expect(page.total).toBe(5);
    const ids = page.rows.map((r) => r.id);
    expect(ids).toEqual([urgent, highEarlyOlder, highEarlyNewer, highLate, routineEarly]);
    expect(sortQueue(page.rows).map((r) => r.id)).toEqual(ids);
    expect(page.rows[0]).toMatchObject({
      type: 'short-notice-call',
      typeLabel: 'Call the patient: a short-notice appointment is free',
      status: 'open',
      priority: 'urgent',
      team,
      role: 'booking-clerk',
      owner: null,
      dueDate: '2026-12-20',
      overdue: false,
      daysOverdue: 0,
      patientId: h.fixture.patients.alice,
      patient: { id: h.fixture.patients.alice, nhsNumber: '9990000018', name: 'Example, Alice' },
      pathwayId: null,
      appointmentId: null,
    });

    // Paging: the total is the whole filter's.
    const second = (await get(`/api/v1/tasks?team=${team}&limit=2&offset=2`)).json();
    expect(second.total).toBe(5);
    expect(second.rows.map((r: TaskListRow) => r.id)).toEqual(ids.slice(2, 4));
    const past = (await get(`/api/v1/tasks?team=${team}&limit=2&offset=10`)).json();
    expect(past).toMatchObject({ total: 5, rows: [] });
  });

  it('filters by team, role, owner, status, type, patient, pathway and overdue', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const booking = teamFor('booking-clerk', code);
    const clinical = teamFor('clinician', code);
    const me = h.fixture.users['booking-clerk'].id;
    const [mine, nobodys, review, onPathway] = await createTasks(h.db.db, ctx(), [
      { type: 'call-patient', team: booking, ownerId: me, dueDate: '2026-11-20' },
      { type: 'validate', team: booking },
      { type: 'clinical-review', team: clinical, patientId: h.fixture.patients.bob },
      {
        type: 'rebook',
        team: booking,
        pathwayId: h.fixture.pathways.bobEnt,
        patientId: h.fixture.patients.bob,
      },
    ]);
    const [done] = await createTasks(h.db.db, ctx(), [{ type: 'call-patient', team: booking }]);
    await h.db.db.update(tasks).set({ status: 'done', outcome: 'no-answer' }).where(eq(tasks.id, done!));
    const ids = async (query: string, s: Session = clerk) => {
      const res = await get(`/api/v1/tasks?${query}`, s);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().rows as TaskListRow[]).map((r) => r.id).sort();
    };
    const sorted = (...x: (string | undefined)[]) => (x as string[]).sort();
    expect(await ids(`team=${booking}`)).toEqual(sorted(mine, nobodys, onPathway));
    expect(await ids(`team=${clinical}&role=clinician`)).toEqual([review]);
    expect(await ids(`team=${booking}&role=clinician`)).toEqual([]);
    expect(await ids(`team=${booking}&owner=me`)).toEqual([mine]);
    expect(await ids(`team=${booking}&owner=${me}`, clinician)).toEqual([mine]);
    expect(await ids(`team=${booking}&owner=none`)).toEqual(sorted(nobodys, onPathway));
    expect(await ids(`team=${booking}&status=done`)).toEqual([done]);
    expect(await ids(`team=${booking}&status=done&status=open`)).toEqual(
      sorted(mine, nobodys, onPathway, done),
    );
    expect(await ids(`team=${booking}&type=validate&type=rebook`)).toEqual(sorted(nobodys, onPathway));
    expect(await ids(`team=${booking}&overdue=true`)).toEqual([mine]);
    expect(await ids(`team=${booking}&overdue=false`)).toEqual(sorted(nobodys, onPathway));
    expect(await ids(`pathwayId=${h.fixture.pathways.bobEnt}&team=${booking}`)).toEqual([onPathway]);
    expect(await ids(`patientId=${h.fixture.patients.bob}&team=${clinical}`)).toEqual([review]);
    const row = (await get(`/api/v1/tasks?team=${booking}&owner=me`)).json().rows[0];
    expect(row).toMatchObject({
      owner: { id: me, name: 'Test booking-clerk' },
      overdue: true,
      daysOverdue: 3,
      patient: null,
    });
  });

  it('refuses bad filters with a 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['limit=201', '/query/limit'],
      ['limit=0', '/query/limit'],
      ['offset=-1', '/query/offset'],
      ['owner=someone', '/query/owner'],
      ['status=closed', '/query/status/0'],
      ['type=tea-break', '/query/type/0'],
      ['role=admin', '/query/role'],
      ['overdue=perhaps', '/query/overdue'],
      ['patientId=42', '/query/patientId'],
      ['colour=red', '/query/colour'],
    ] as const) {
      const res = await get(`/api/v1/tasks?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(
        res.json().errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
  });

  it('audits each task listed with its patient, and nothing for tasks without one', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const team = teamFor('booking-clerk', code);
    const [withPatient] = await createTasks(h.db.db, ctx(), [
      { type: 'call-patient', team, patientId: h.fixture.patients.bob },
      { type: 'validate', team },
    ]);
    const before = (await auditRows('Task.list')).length;
    const res = await get(`/api/v1/tasks?team=${team}`);
    expect(res.json().rows).toHaveLength(2);
    const after = await auditRows('Task.list');
    expect(after.length - before).toBe(1);
    const row = after.find((a) => a.resourceId === withPatient);
    expect(row).toMatchObject({
      resourceType: 'Task',
      patientId: h.fixture.patients.bob,
      actorId: h.fixture.users['booking-clerk'].id,
    });
  });

  it('moves overdue flags with the clock: due today is not overdue, the day after is one day overdue', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const team = teamFor('booking-clerk', code);
    // Made on Monday 23 November, due in 2 days: Wednesday 25 November.
    const [id] = await createTasks(h.db.db, ctx(), [{ type: 'book-interpreter', team }]);
    const flags = async () => {
      const row = (await get(`/api/v1/tasks?team=${team}`)).json().rows[0] as TaskListRow;
      const queue = (await get('/api/v1/tasks/queues'))
        .json()
        .queues.find((q: { team: string }) => q.team === team);
      const overdueOnly = (await get(`/api/v1/tasks?team=${team}&overdue=true`)).json().total;
      return {
        id: row.id,
        dueDate: row.dueDate,
        overdue: row.overdue,
        days: row.daysOverdue,
        queue: queue.overdue,
        overdueOnly,
      };
    };
    expect(await flags()).toEqual({
      id,
      dueDate: '2026-11-25',
      overdue: false,
      days: 0,
      queue: 0,
      overdueOnly: 0,
    });
    // 23:59 London on the due date: still not overdue.
    h.clock.set('2026-11-25T23:59:00Z');
    await fresh();
    expect(await flags()).toMatchObject({ overdue: false, days: 0, queue: 0 });
    h.clock.set('2026-11-26T00:00:00Z');
    await fresh();
    expect(await flags()).toMatchObject({ overdue: true, days: 1, queue: 1, overdueOnly: 1 });
    h.clock.set('2026-12-05T12:00:00Z');
    await fresh();
    expect(await flags()).toMatchObject({ overdue: true, days: 10, queue: 1 });
    // Done is never overdue.
    await h.db.db.update(tasks).set({ status: 'done', outcome: 'booked' }).where(eq(tasks.id, id!));
    const row = (await get(`/api/v1/tasks?team=${team}&status=done`)).json().rows[0];
    expect(row).toMatchObject({ overdue: false, daysOverdue: 0 });
    h.clock.set(NOW);
    await fresh();
  });

  it('counts the queues by team and role and puts the caller’s own first, with their teams’ empty ones', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const other = await freshSpecialty();
    const booking = teamFor('booking-clerk', code);
    const clinical = teamFor('clinician', code);
    const me = h.fixture.users['booking-clerk'].id;
    await createTasks(h.db.db, ctx(), [
      { type: 'call-patient', team: booking },
      { type: 'call-patient', team: booking, ownerId: me },
      { type: 'validate', team: booking, dueDate: '2026-11-01' },
      { type: 'clinical-review', team: clinical },
    ]);
    const [claimed] = await createTasks(h.db.db, ctx(), [{ type: 'rebook', team: booking, ownerId: me }]);
    await h.db.db.update(tasks).set({ status: 'in-progress' }).where(eq(tasks.id, claimed!));

    const queues = async (s: Session) => {
      const res = await get('/api/v1/tasks/queues', s);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const find = (body: { queues: { team: string; role: string }[] }, team: string, role: string) =>
      body.queues.find((q) => q.team === team && q.role === role);
    // No teams set: every booking team is the clerk's.
    let body = await queues(clerk);
    expect(body.teams).toEqual([]);
    expect(find(body, booking, 'booking-clerk')).toEqual({
      team: booking,
      role: 'booking-clerk',
      mine: true,
      open: 3,
      inProgress: 1,
      overdue: 1,
      unassigned: 2,
    });
    expect(find(body, clinical, 'clinician')).toMatchObject({ mine: false, open: 1, unassigned: 1 });
    expect(body.assignedToMe.total).toBeGreaterThanOrEqual(2);
    const firstOther = body.queues.findIndex((q: { mine: boolean }) => !q.mine);
    expect(body.queues.slice(firstOther).every((q: { mine: boolean }) => !q.mine)).toBe(true);

    // With teams set, only those are the clerk's; an empty team of theirs is listed too.
    const admin = await h.signIn('admin');
    const set = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${me}/teams`,
      headers: admin.write,
      payload: { teams: [teamFor('booking-clerk', other)] },
    });
    expect(set.statusCode, set.body).toBe(200);
    body = await queues(clerk);
    expect(body.teams).toEqual([teamFor('booking-clerk', other)]);
    expect(find(body, booking, 'booking-clerk')).toMatchObject({ mine: false, open: 3 });
    expect(body.queues[0]).toEqual({
      team: teamFor('booking-clerk', other),
      role: 'booking-clerk',
      mine: true,
      open: 0,
      inProgress: 0,
      overdue: 0,
      unassigned: 0,
    });
    // The clinician's own are the clinical queues.
    const theirs = await queues(clinician);
    expect(find(theirs, clinical, 'clinician')).toMatchObject({ mine: true });
    expect(find(theirs, booking, 'booking-clerk')).toMatchObject({ mine: false });
    await h.db.db.execute(sql`update staff_users set teams = '{}' where id = ${me}`);
  });

  it('makes a task by hand, shows it with its history, and audits both', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const team = teamFor('clinician', code);
    const res = await post('/api/v1/tasks', {
      type: 'clinical-review',
      team,
      pathwayId: h.fixture.pathways.bobEnt,
      dueDate: '2026-11-27',
      note: 'Patient asked to defer by 10 weeks',
    });
    expect(res.statusCode, res.body).toBe(201);
    const task = res.json();
    expect(task).toMatchObject({
      type: 'clinical-review',
      status: 'open',
      priority: 'high',
      team,
      role: 'clinician',
      dueDate: '2026-11-27',
      pathwayId: h.fixture.pathways.bobEnt,
      patientId: h.fixture.patients.bob,
      detail: { rule: 'manual' },
      outcomes: ['keep-on-list', 'rebook', 'discharge', 'active-monitoring', 'change-priority'],
      createdBy: { id: h.fixture.users['booking-clerk'].id, name: 'Test booking-clerk' },
      completedBy: null,
      history: [
        {
          action: 'created',
          actor: { id: h.fixture.users['booking-clerk'].id, name: 'Test booking-clerk' },
          at: '2026-11-23T09:00:00.000Z',
          detail: { rule: 'manual', note: 'Patient asked to defer by 10 weeks' },
        },
      ],
    });
    // Defaults: the type's role, priority and time to act.
    const plain = await post('/api/v1/tasks', { type: 'call-patient', team: teamFor('booking-clerk', code) });
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json()).toMatchObject({ priority: 'routine', dueDate: '2026-11-26', patient: null });
    const urgent = await post('/api/v1/tasks', {
      type: 'validate',
      team: teamFor('clinician', code),
      role: 'clinician',
      priority: 'urgent',
      patientId: h.fixture.patients.alice,
      dueDate: '2026-11-23',
    });
    expect(urgent.statusCode, urgent.body).toBe(201);
    expect(urgent.json()).toMatchObject({
      role: 'clinician',
      priority: 'urgent',
      patientId: h.fixture.patients.alice,
    });

    const read = await get(`/api/v1/tasks/${task.id}`, clinician);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id: task.id, patient: { nhsNumber: '9990000026' } });
    const created = (await auditRows('Task.create')).filter((a) => a.resourceId === task.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ patientId: h.fixture.patients.bob, resourceType: 'Task' });
    expect(JSON.stringify(created[0]!.detail)).not.toContain('defer');
    const reads = (await auditRows('Task.read')).filter((a) => a.resourceId === task.id);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      actorId: h.fixture.users.clinician.id,
      patientId: h.fixture.patients.bob,
    });
  });

  it('refuses a bad task with a 4xx naming the field, writing nothing', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const team = teamFor('booking-clerk', code);
    const cases: [object, string, RegExp?][] = [
      [{ type: 'tea-break', team }, '/body/type', /must be one of: call-patient/],
      [{ team }, '/body/type'],
      [{ type: 'call-patient' }, '/body/team'],
      [
        { type: 'call-patient', team, dueDate: '2026-11-22' },
        '/body/dueDate',
        /in the past: it must be today \(2026-11-23\)/,
      ],
      [{ type: 'call-patient', team, dueDate: '2026-02-30' }, '/body/dueDate'],
      [
        { type: 'call-patient', team, patientId: '00000000-0000-4000-8000-000000000000' },
        '/body/patientId',
        /no patient/,
      ],
      [
        { type: 'call-patient', team, pathwayId: '00000000-0000-4000-8000-000000000000' },
        '/body/pathwayId',
        /no pathway/,
      ],
      [
        {
          type: 'call-patient',
          team,
          patientId: h.fixture.patients.alice,
          pathwayId: h.fixture.pathways.bobEnt,
        },
        '/body/pathwayId',
        /different patient/,
      ],
      [{ type: 'call-patient', team: 'kitchen' }, '/body/team'],
      [{ type: 'call-patient', team: 'booking-999' }, '/body/team', /no specialty 999/],
      [
        { type: 'clinical-review', team },
        '/body/team',
        /not a team for clinician tasks: use clinical-<specialty code>/,
      ],
      [{ type: 'call-patient', team, role: 'admin' }, '/body/role'],
      [{ type: 'call-patient', team, priority: 'whenever' }, '/body/priority'],
      [{ type: 'call-patient', team, note: 'x'.repeat(1001) }, '/body/note'],
      [{ type: 'call-patient', team, ownerId: h.fixture.users.clinician.id }, '/body/ownerId'],
    ];
    const before = await taskCount();
    for (const [payload, field, message] of cases) {
      const res = await post('/api/v1/tasks', payload);
      const label = `${JSON.stringify(payload).slice(0, 120)} -> ${res.body.slice(0, 300)}`;
      expect(res.statusCode, label).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const errors = res.json().errors as { field: string; message: string }[];
      expect(
        errors.map((e) => e.field),
        label,
      ).toContain(field);
      if (message) expect(errors.find((e) => e.field === field)?.message, label).toMatch(message);
      expect(res.body).not.toMatch(/sql|relation|constraint/i);
    }
    expect(await taskCount()).toBe(before);
    const wrongClient = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: { ...clerk.write, 'content-type': 'application/json' },
      payload: '{"type":',
    });
    expect(wrongClient.statusCode).toBe(400);
    expect(await taskCount()).toBe(before);
  });

  it('answers 404 for a task that is not there, or another organisation’s', async () => {
    const res = await get('/api/v1/tasks/00000000-0000-4000-8000-000000000000');
    expect(res.statusCode).toBe(404);
    expect((await get('/api/v1/tasks/not-a-uuid')).statusCode).toBe(400);
  });

  it('createTasks makes one task per key, cancelTasks closes the open ones with the reason, tasksFor lists them', async () => {
    h.clock.set(NOW);
    const code = await freshSpecialty();
    const team = teamFor('booking-clerk', code);
    const pathwayId = h.fixture.pathways.aliceOrthopaedics;
    const item = {
      type: 'book-interpreter' as const,
      team,
      pathwayId,
      patientId: h.fixture.patients.alice,
      dedupeKey: `interp:${code}`,
      detail: { rule: 'test-needs' },
    };
    const [first] = await createTasks(h.db.db, ctx(), [item]);
    const [again, other] = await createTasks(h.db.db, ctx(), [
      item,
      { ...item, type: 'book-transport', dedupeKey: `transport:${code}` },
    ]);
    expect(again).toBe(first);
    const made = await tasksFor(h.db.db, h.fixture.orgId, {
      pathwayId,
      types: ['book-interpreter', 'book-transport'],
    });
    const mineOnly = made.filter((t) => t.team === team);
    expect(mineOnly.map((t) => t.id).sort()).toEqual([first, other].sort());
    expect(mineOnly.map((t) => t.dueDate)).toEqual(['2026-11-25', '2026-11-25']);
    expect(
      (await openTasksOn(h.db.db, h.fixture.orgId, pathwayId, ['book-interpreter'])).map((t) => t.id),
    ).toContain(first);
    // One history row for the task, though it was asked for twice.
    const detail = (await get(`/api/v1/tasks/${first}`)).json();
    expect(detail.history).toEqual([
      {
        action: 'created',
        actor: { id: 'scheduler', name: 'Pathflow (scheduler)' },
        at: '2026-11-23T09:00:00.000Z',
        detail: { rule: 'test-needs' },
      },
    ]);

    h.clock.set('2026-11-24T10:00:00Z');
    await fresh();
    const cancelled = await cancelTasks(
      h.db.db,
      ctx(),
      { dedupeKeys: [`interp:${code}`] },
      'appointment-cancelled',
    );
    expect(cancelled).toEqual([first]);
    // Already closed: a second cancel changes nothing.
    expect(await cancelTasks(h.db.db, ctx(), { dedupeKeys: [`interp:${code}`] }, 'again')).toEqual([]);
    const after = (await get(`/api/v1/tasks/${first}`)).json();
    expect(after).toMatchObject({
      status: 'cancelled',
      outcome: 'appointment-cancelled',
      completedAt: '2026-11-24T10:00:00.000Z',
    });
    expect(after.history.map((e: { action: string }) => e.action)).toEqual(['created', 'cancelled']);
    expect(after.history[1].detail).toEqual({ reason: 'appointment-cancelled' });
    // The key still holds: the event does not make a second task after the first was cancelled.
    expect(await createTasks(h.db.db, ctx(), [item])).toEqual([first]);
    const open = (await get(`/api/v1/tasks?team=${team}`)).json();
    expect(open.rows.map((r: TaskListRow) => r.id)).toEqual([other]);
    await expect(cancelTasks(h.db.db, ctx(), {}, 'nothing')).rejects.toThrow(/selector/);
    h.clock.set(NOW);
    await fresh();
  });
});

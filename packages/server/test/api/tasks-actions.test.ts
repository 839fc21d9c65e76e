/**
 * Working tasks: claiming (two at once: exactly one wins), reassigning to a person or team, completing with
 * one of the type's outcomes (and only by people who may work it: a booking clerk cannot decide a clinical
 * review), cancelling and reopening. Each write adds a history row and an audit row; each refusal writes
 * nothing. And the teams a member of staff works in, set by admins and team leaders.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamFor, type Role, type TaskType } from '@pathflow/core';
import { auditLog, specialties, staffUsers, taskEvents, tasks } from '../../src/db/schema';
import { systemContext } from '../../src/auth/principal';
import { createTasks } from '../../src/features/tasks/service';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

const NOW = '2026-11-23T09:00:00Z';

describe.each(ENGINES)('working tasks on %s', (engine) => {
  let h: Harness;
  const as = {} as Record<Role, Session>;
  let code = '';

  beforeAll(async () => {
    h = await createHarness(engine);
    for (const role of ['booking-clerk', 'team-leader', 'clinician', 'service-manager', 'admin'] as const) {
      as[role] = await h.signIn(role);
    }
    code = 'W1';
    await h.db.db.insert(specialties).values({ orgId: h.fixture.orgId, code, name: 'Work test' });
  });
  afterAll(() => h.close());

  const users = () => h.fixture.users;
  const ctx = () => systemContext(h.fixture.orgId, h.clock.now());
  const make = async (type: TaskType, over: { ownerId?: string; dueDate?: string } = {}) => {
    const role = type === 'clinical-review' || type === 'safeguarding-review' ? 'clinician' : 'booking-clerk';
    const [id] = await createTasks(h.db.db, ctx(), [
      { type, team: teamFor(role, code), patientId: h.fixture.patients.alice, ...over },
    ]);
    return id!;
  };
  const act = (id: string, action: string, payload: object | undefined, role: Role = 'booking-clerk') =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/${action}`,
      headers: as[role].write,
      ...(payload ? { payload } : {}),
    });
  const rowOf = async (id: string) => (await h.db.db.select().from(tasks).where(eq(tasks.id, id)))[0]!;
  const eventsOf = async (id: string) => h.db.db.select().from(taskEvents).where(eq(taskEvents.taskId, id));
  const auditOf = (id: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, h.fixture.orgId), eq(auditLog.resourceId, id)));
  /** Each refusal leaves the task, its history and the audit log's write rows as they were. */
  const unchanged = async (id: string, run: () => Promise<void>) => {
    const before = { row: await rowOf(id), events: (await eventsOf(id)).length };
    const writes = (await auditOf(id)).filter((a) => a.action !== 'Task.read').length;
    await run();
    expect(await rowOf(id)).toEqual(before.row);
    expect((await eventsOf(id)).length).toBe(before.events);
    expect((await auditOf(id)).filter((a) => a.action !== 'Task.read').length).toBe(writes);
  };

  it('claims a task: the caller owns it and it is in progress; claiming again changes nothing', async () => {
    h.clock.set(NOW);
    const id = await make('call-patient');
    h.clock.set('2026-11-23T09:05:00Z');
    const res = await act(id, 'claim', undefined);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      status: 'in-progress',
      owner: { id: users()['booking-clerk'].id, name: 'Test booking-clerk' },
    });
    expect(res.json().history.map((e: { action: string; at: string }) => [e.action, e.at])).toEqual([
      ['created', '2026-11-23T09:00:00.000Z'],
      ['claimed', '2026-11-23T09:05:00.000Z'],
    ]);
    const again = await act(id, 'claim', undefined);
    expect(again.statusCode).toBe(200);
    expect(await eventsOf(id)).toHaveLength(2);
    // Someone else cannot take it while it is in progress.
    await unchanged(id, async () => {
      const other = await act(id, 'claim', undefined, 'team-leader');
      expect(other.statusCode, other.body).toBe(409);
      expect(other.json().detail).toBe('Someone else is already working on this task');
    });
    const audits = (await auditOf(id)).filter((a) => a.action === 'Task.claim');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      patientId: h.fixture.patients.alice,
      actorId: users()['booking-clerk'].id,
    });
    h.clock.set(NOW);
  });

  it('lets exactly one of two people claiming at once have the task; the other gets 409', async () => {
    h.clock.set(NOW);
    for (let round = 0; round < 3; round++) {
      const id = await make('validate');
      const [a, b] = await Promise.all([
        act(id, 'claim', undefined, 'booking-clerk'),
        act(id, 'claim', undefined, 'team-leader'),
      ]);
      const codes = [a.statusCode, b.statusCode].sort();
      expect(codes, `${a.body} ${b.body}`).toEqual([200, 409]);
      const winner = a.statusCode === 200 ? a : b;
      const loser = a.statusCode === 200 ? b : a;
      expect(loser.json().code).toBe('conflict');
      expect(loser.json().detail).toMatch(/Someone else/);
      const row = await rowOf(id);
      expect(row.ownerId).toBe(winner.json().owner.id);
      expect((await eventsOf(id)).filter((e) => e.action === 'claimed')).toHaveLength(1);
      expect((await auditOf(id)).filter((a) => a.action === 'Task.claim')).toHaveLength(1);
    }
  });

  it('lets only people who may work a task claim or complete it: a booking clerk cannot decide a clinical review', async () => {
    h.clock.set(NOW);
    const review = await make('clinical-review');
    for (const role of ['booking-clerk', 'team-leader', 'service-manager'] as const) {
      await unchanged(review, async () => {
        const claim = await act(review, 'claim', undefined, role);
        expect(claim.statusCode, claim.body).toBe(403);
        expect(claim.json().detail).toBe('Only clinicians can claim this task (clinical review)');
        const complete = await act(review, 'complete', { outcome: 'discharge' }, role);
        expect(complete.statusCode, complete.body).toBe(403);
        expect(complete.json()).toMatchObject({
          code: 'forbidden',
          detail: 'Only clinicians can complete this task (clinical review)',
        });
      });
    }
    const done = await act(
      review,
      'complete',
      { outcome: 'keep-on-list', note: 'Reviewed the notes' },
      'clinician',
    );
    expect(done.statusCode, done.body).toBe(200);
    // A booking task: booking clerks and team leaders, not clinicians or service managers.
    const call = await make('call-patient');
    for (const role of ['clinician', 'service-manager'] as const) {
      const res = await act(call, 'complete', { outcome: 'no-answer' }, role);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().detail).toBe(
        'Only booking clerks and team leaders can complete this task (call the patient)',
      );
    }
    const byLeader = await act(call, 'complete', { outcome: 'no-answer' }, 'team-leader');
    expect(byLeader.statusCode, byLeader.body).toBe(200);
    // Roles without Task.write are refused before anything is read.
    const admin = await act(await make('call-patient'), 'claim', undefined, 'admin');
    expect(admin.statusCode).toBe(403);
  });

  it('completes a task with one of its type’s outcomes; any other is refused naming /body/outcome with the list', async () => {
    h.clock.set(NOW);
    const id = await make('clinical-review');
    await unchanged(id, async () => {
      for (const payload of [
        { outcome: 'booked' },
        { outcome: '' },
        {},
        { outcome: 'discharge', extra: 1 },
      ]) {
        const res = await act(id, 'complete', payload, 'clinician');
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().errors[0].field).toMatch(/^\/body\/(outcome|extra)$/);
      }
      const wrong = await act(id, 'complete', { outcome: 'booked' }, 'clinician');
      expect(wrong.json().errors).toEqual([
        {
          field: '/body/outcome',
          message:
            '"booked" is not an outcome of this task (clinical review). Choose one of: keep-on-list, rebook, discharge, active-monitoring, change-priority',
        },
      ]);
    });
    h.clock.set('2026-11-23T09:20:00Z');
    const res = await act(
      id,
      'complete',
      { outcome: 'discharge', note: ' Discussed with the GP ' },
      'clinician',
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'done',
      outcome: 'discharge',
      outcomeNote: 'Discussed with the GP',
      completedBy: { id: users().clinician.id, name: 'Test clinician' },
      completedAt: '2026-11-23T09:20:00.000Z',
      overdue: false,
    });
    expect(res.json().history.at(-1)).toMatchObject({
      action: 'completed',
      detail: { outcome: 'discharge', note: 'Discussed with the GP' },
    });
    const audit = (await auditOf(id)).filter((a) => a.action === 'Task.complete');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toEqual({ type: 'clinical-review', outcome: 'discharge' });
    // Done: it cannot be claimed, completed, reassigned or cancelled.
    await unchanged(id, async () => {
      for (const [action, payload, detail] of [
        ['claim', undefined, 'This task is done: it cannot be claimed'],
        ['complete', { outcome: 'rebook' }, 'This task is done: it cannot be completed'],
        ['reassign', { ownerId: null }, 'This task is done: it cannot be reassigned'],
        ['cancel', { reason: 'Duplicate' }, 'This task is done: it cannot be cancelled again'],
      ] as const) {
        const again = await act(id, action, payload, 'clinician');
        expect(again.statusCode, again.body).toBe(409);
        expect(again.json().detail).toBe(detail);
      }
    });
    h.clock.set(NOW);
  });

  it('reassigns a task to a person whose role can work it, or to another team', async () => {
    h.clock.set(NOW);
    const id = await make('call-patient', { ownerId: users()['booking-clerk'].id });
    const leader = users()['team-leader'].id;
    await unchanged(id, async () => {
      const cases: [object, string, RegExp][] = [
        [
          { ownerId: users().clinician.id },
          '/body/ownerId',
          /Test clinician cannot work this task: only booking clerks and team leaders can/,
        ],
        [{ ownerId: '00000000-0000-4000-8000-000000000000' }, '/body/ownerId', /no active member of staff/],
        [{}, '/body/ownerId', /Give ownerId/],
        [{ team: teamFor('clinician', code) }, '/body/team', /not a team for booking-clerk tasks/],
        [{ team: 'booking-999' }, '/body/team', /no specialty 999/],
        [{ ownerId: 'someone' }, '/body/ownerId', /./],
      ];
      for (const [payload, field, message] of cases) {
        const res = await act(id, 'reassign', payload, 'team-leader');
        expect(res.statusCode, res.body).toBe(400);
        const error = res.json().errors.find((e: { field: string }) => e.field === field);
        expect(error?.message, res.body).toMatch(message);
      }
      // A clinician cannot move a booking task.
      const clinician = await act(id, 'reassign', { ownerId: leader }, 'clinician');
      expect(clinician.statusCode).toBe(403);
    });
    // An inactive member of staff cannot be given work.
    const [inactive] = await h.db.db
      .insert(staffUsers)
      .values({
        orgId: h.fixture.orgId,
        id: '00000000-0000-4000-8000-00000000aaaa',
        username: `gone-${engine}`,
        displayName: 'Gone',
        role: 'booking-clerk',
        active: false,
      })
      .returning();
    expect((await act(id, 'reassign', { ownerId: inactive!.id }, 'team-leader')).statusCode).toBe(400);

    const toLeader = await act(id, 'reassign', { ownerId: leader, note: 'Covering' }, 'service-manager');
    expect(toLeader.statusCode, toLeader.body).toBe(200);
    expect(toLeader.json()).toMatchObject({
      status: 'open',
      owner: { id: leader, name: 'Test team-leader' },
    });
    expect(toLeader.json().history.at(-1)).toMatchObject({
      action: 'reassigned',
      actor: { id: users()['service-manager'].id },
      detail: { fromOwnerId: users()['booking-clerk'].id, toOwnerId: leader, note: 'Covering' },
    });
    // The new owner may claim it; nobody else may.
    expect((await act(id, 'claim', undefined, 'booking-clerk')).statusCode).toBe(409);
    expect((await act(id, 'claim', undefined, 'team-leader')).statusCode).toBe(200);
    // To another team: nobody's, open, on that team's queue.
    const toTeam = await act(id, 'reassign', { team: 'booking-110' }, 'team-leader');
    expect(toTeam.statusCode, toTeam.body).toBe(200);
    expect(toTeam.json()).toMatchObject({ team: 'booking-110', owner: null, status: 'open' });
    const back = await act(id, 'reassign', { ownerId: null }, 'booking-clerk');
    expect(back.json()).toMatchObject({ team: 'booking-110', owner: null });
    expect((await auditOf(id)).filter((a) => a.action === 'Task.reassign')).toHaveLength(3);
    // A clinical review goes only to a clinician.
    const review = await make('clinical-review');
    const toClerk = await act(review, 'reassign', { ownerId: users()['booking-clerk'].id }, 'team-leader');
    expect(toClerk.statusCode).toBe(400);
    const toClinician = await act(review, 'reassign', { ownerId: users().clinician.id }, 'team-leader');
    expect(toClinician.json().owner.id).toBe(users().clinician.id);
  });

  it('cancels a task with a reason and reopens it', async () => {
    h.clock.set(NOW);
    const id = await make('book-transport');
    await unchanged(id, async () => {
      for (const payload of [{}, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
        const res = await act(id, 'cancel', payload);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().errors[0].field).toBe('/body/reason');
      }
      expect((await act(id, 'reopen', { reason: 'Still open' })).statusCode).toBe(409);
    });
    const cancelled = await act(id, 'cancel', { reason: 'Patient will drive' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', outcome: 'Patient will drive' });
    h.clock.set('2026-11-23T09:25:00Z');
    const reopened = await act(id, 'reopen', { reason: 'Car broke down' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json()).toMatchObject({ status: 'open', owner: null, outcome: null, completedAt: null });
    expect(reopened.json().history.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'cancelled',
      'reopened',
    ]);
    expect(reopened.json().history[1].detail).toEqual({ reason: 'Patient will drive' });
    const actions = (await auditOf(id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['Task.cancel', 'Task.reopen']));
    // Audit details hold no free text.
    for (const a of await auditOf(id)) expect(JSON.stringify(a.detail ?? {})).not.toMatch(/drive|Car/);
    h.clock.set(NOW);
  });

  it('answers 404 for an unknown task and 400 for a bad id, writing nothing', async () => {
    const before = (await h.db.db.select({ n: sql<number>`count(*)::int` }).from(taskEvents))[0]!.n;
    for (const action of ['claim', 'reassign', 'complete', 'cancel', 'reopen']) {
      const payload = {
        reassign: { ownerId: null },
        complete: { outcome: 'x' },
        cancel: { reason: 'x' },
        reopen: { reason: 'x' },
      }[action];
      const missing = await act('00000000-0000-4000-8000-000000000000', action, payload);
      expect(missing.statusCode, `${action} ${missing.body}`).toBe(404);
      const bad = await act('nope', action, payload);
      expect(bad.statusCode).toBe(400);
    }
    expect((await h.db.db.select({ n: sql<number>`count(*)::int` }).from(taskEvents))[0]!.n).toBe(before);
  });

  it('lets admins and team leaders set the teams a member of staff works in', async () => {
    const clerkId = users()['booking-clerk'].id;
    const put = (role: Role, id: string, payload: object) =>
      h.app.inject({ method: 'PUT', url: `/api/v1/users/${id}/teams`, headers: as[role].write, payload });
    const teamsOf = async () =>
      (
        await h.db.db.select({ teams: staffUsers.teams }).from(staffUsers).where(eq(staffUsers.id, clerkId))
      )[0]!.teams;
    const ok = await put('team-leader', clerkId, { teams: ['booking-110', 'booking-120'] });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ id: clerkId, teams: ['booking-110', 'booking-120'] });
    const byAdmin = await put('admin', clerkId, { teams: ['booking-110'] });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(await teamsOf()).toEqual(['booking-110']);
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/users', headers: as.admin.read });
    expect(listed.json().users.find((u: { id: string }) => u.id === clerkId).teams).toEqual(['booking-110']);
    // Refused, with nothing changed.
    for (const [role, id, payload, status, field] of [
      ['service-manager', clerkId, { teams: [] }, 403, undefined],
      ['booking-clerk', clerkId, { teams: [] }, 403, undefined],
      ['admin', clerkId, { teams: ['kitchen'] }, 400, '/body/teams/0'],
      ['admin', clerkId, { teams: ['booking-110', 'booking-999'] }, 400, '/body/teams/1'],
      ['admin', clerkId, { teams: ['booking-110', 'booking-110'] }, 400, '/body/teams'],
      ['admin', clerkId, {}, 400, '/body/teams'],
      ['admin', '00000000-0000-4000-8000-000000000000', { teams: [] }, 404, undefined],
    ] as const) {
      const res = await put(role, id, payload);
      expect(res.statusCode, `${role} ${JSON.stringify(payload)} ${res.body}`).toBe(status);
      if (field) expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await teamsOf()).toEqual(['booking-110']);
    const audits = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'StaffUser.teams'), eq(auditLog.resourceId, clerkId)));
    expect(audits).toHaveLength(2);
    const cleared = await put('admin', clerkId, { teams: [] });
    expect(cleared.json().teams).toEqual([]);
  });
});

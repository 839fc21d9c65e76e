/**
 * A pathway's cancer and diagnostic timers through the API: the worked examples of spec §3 (EX-CWT-01..04,
 * EX-DX-01), the two-week-wait default, sequences refused with the rule, bad input, audit, permissions, and
 * the DM01 summary recounted from the rows with core.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DM01_TESTS, diagnosticWait, dm01Performance, type Dm01Test } from '@pathflow/core';
import { auditLog, cancerEvents, diagnosticRequests, pathways } from '../../src/db/schema';
import { ENGINES } from '../support/db';
import { createHarness, type Harness, type Session } from '../support/app';

interface Clock {
  standard: string;
  start: string;
  end: string | null;
  days: number;
  status: string;
}

const NO_RATE_LIMIT = { PATHFLOW_SIGN_IN_RATE_LIMIT: '100000' };

let ppidCounter = 0;

/** Inserts an open pathway straight into the database, as the fixture does. */
async function insertPathway(
  h: Harness,
  options: { priority?: string; referralReceived?: string; patient?: 'alice' | 'bob' } = {},
): Promise<string> {
  const id = randomUUID();
  const received = options.referralReceived ?? '2025-01-02';
  ppidCounter += 1;
  await h.db.db.insert(pathways).values({
    orgId: h.fixture.orgId,
    id,
    patientId: h.fixture.patients[options.patient ?? 'alice'],
    ppid: `XT1TMR${String(ppidCounter).padStart(6, '0')}`,
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: '120',
    source: 'gp-referral',
    priority: options.priority ?? 'routine',
    referralReceivedDate: received,
    clockStartDate: received,
    status: 'open',
    rttRunning: true,
    rttPeriodStart: received,
  });
  return id;
}

describe.each(ENGINES)('cancer and diagnostic timers on %s', (engine) => {
  let h: Harness;
  let clerk: Session;

  /** Sets the clock (09:00 London in winter, 10:00 in summer) and signs the clerk in again at that time. */
  const at = async (date: string) => {
    h.clock.set(`${date}T09:00:00Z`);
    clerk = await h.signIn('booking-clerk');
  };

  beforeAll(async () => {
    h = await createHarness(engine, NO_RATE_LIMIT);
    await at('2025-08-01');
  });
  afterAll(() => h.close());

  const timers = (id: string, s: Session = clerk) =>
    h.app.inject({ method: 'GET', url: `/api/v1/pathways/${id}/timers`, headers: s.read });
  const cancer = (id: string, body: object, s: Session = clerk) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/pathways/${id}/cancer-events`,
      headers: s.write,
      payload: body,
    });
  const diagnostic = (id: string, body: object, s: Session = clerk) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/pathways/${id}/diagnostic-requests`,
      headers: s.write,
      payload: body,
    });
  const close = (id: string, requestId: string, what: 'performed' | 'cancelled', body: object) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/pathways/${id}/diagnostic-requests/${requestId}/${what}`,
      headers: clerk.write,
      payload: body,
    });
  const clock = (body: { cancer: { clocks: Clock[] } }, standard: string) =>
    body.cancer.clocks.filter((c) => c.standard === standard);
  const storedEvents = async (id: string) =>
    h.db.db.select().from(cancerEvents).where(eq(cancerEvents.pathwayId, id));
  const audited = (action: string, resourceId: string) =>
    h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.resourceId, resourceId)));

  /** Records the events in order, expecting each to be stored, and answers the last response's body. */
  const record = async (id: string, ...events: object[]) => {
    let body: unknown;
    for (const event of events) {
      const res = await cancer(id, event);
      expect(res.statusCode, `${JSON.stringify(event)} -> ${res.body}`).toBe(201);
      body = res.json();
    }
    return body as { asOf: string; cancer: { route: string | null; clocks: Clock[] } };
  };

  it('a routine pathway with nothing recorded has no cancer clocks and no diagnostics; the read is audited', async () => {
    const id = await insertPathway(h, { patient: 'bob' });
    const res = await timers(id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      asOf: '2025-08-01',
      cancer: { route: null, referralAssumed: false, clocks: [], events: [] },
      diagnostics: [],
    });
    const rows = await audited('PathwayTimers.read', id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ patientId: h.fixture.patients.bob, actorRole: 'booking-clerk' });
  });

  describe('the worked examples (spec §3.1)', () => {
    it.each([
      { communicated: '2025-03-31', days: 28, status: 'met' },
      { communicated: '2025-04-01', days: 29, status: 'breached' },
    ])(
      'EX-CWT-01: USC referral 2025-03-03, cancer ruled out $communicated → $days days, FDS $status',
      async (row) => {
        const id = await insertPathway(h, { referralReceived: '2025-03-03' });
        const body = await record(
          id,
          { kind: 'referral', date: '2025-03-03', route: 'urgent-suspected-cancer' },
          { kind: 'diagnosis-communicated', date: row.communicated, note: 'Cancer ruled out' },
        );
        expect(body.cancer.route).toBe('urgent-suspected-cancer');
        expect(clock(body, 'fds-28')).toEqual([
          {
            standard: 'fds-28',
            start: '2025-03-03',
            end: row.communicated,
            days: row.days,
            adjustmentDays: 0,
            limitDays: 28,
            lastDayWithin: '2025-03-31',
            status: row.status,
          },
        ]);
        // Ruling cancer out does not stop the 62-day clock: it runs on to today (151 days: overdue).
        expect(clock(body, 'rtt-62')).toMatchObject([
          { start: '2025-03-03', end: null, days: 151, status: 'overdue' },
        ]);
      },
    );

    it.each([
      { treated: '2025-03-10', days: 62, status: 'met' },
      { treated: '2025-03-11', days: 63, status: 'breached' },
    ])(
      'EX-CWT-02: USC referral 2025-01-07, first treatment $treated → $days days, 62-day $status',
      async (row) => {
        const id = await insertPathway(h, { referralReceived: '2025-01-07' });
        const body = await record(
          id,
          { kind: 'referral', date: '2025-01-07', route: 'urgent-suspected-cancer' },
          { kind: 'decision-to-treat', date: '2025-02-20' },
          { kind: 'treatment-start', date: row.treated, treatment: 'first' },
        );
        expect(clock(body, 'rtt-62')).toMatchObject([
          {
            start: '2025-01-07',
            end: row.treated,
            days: row.days,
            status: row.status,
            lastDayWithin: '2025-03-10',
          },
        ]);
      },
    );

    it.each([
      { treated: '2025-03-06', days: 31, status: 'met' },
      { treated: '2025-03-07', days: 32, status: 'breached' },
    ])(
      'EX-CWT-03: decision to treat 2025-02-03, treatment $treated → $days days, 31-day $status',
      async (row) => {
        // The 31-day standard applies to every cancer patient, with or without a referral-based clock.
        const id = await insertPathway(h);
        const body = await record(
          id,
          { kind: 'decision-to-treat', date: '2025-02-03' },
          { kind: 'treatment-start', date: row.treated, treatment: 'first' },
        );
        expect(body.cancer.route).toBeNull();
        expect(body.cancer.clocks).toMatchObject([
          { standard: 'dtt-31', start: '2025-02-03', end: row.treated, days: row.days, status: row.status },
        ]);
      },
    );

    it('EX-CWT-03 for a subsequent treatment: its own decision to treat, the same 31-day standard', async () => {
      const id = await insertPathway(h);
      const body = await record(
        id,
        { kind: 'decision-to-treat', date: '2025-01-02' },
        { kind: 'treatment-start', date: '2025-01-20', treatment: 'first' },
        { kind: 'decision-to-treat', date: '2025-02-03' },
        { kind: 'treatment-start', date: '2025-03-07', treatment: 'subsequent' },
      );
      expect(clock(body, 'dtt-31')).toMatchObject([
        { start: '2025-01-02', end: '2025-01-20', days: 18, status: 'met' },
        { start: '2025-02-03', end: '2025-03-07', days: 32, status: 'breached' },
      ]);
    });

    it('EX-CWT-04: consultant upgrade 2025-05-01 on a routine pathway, treatment 2025-07-02 → 62 days from the upgrade, met', async () => {
      const id = await insertPathway(h, { referralReceived: '2025-03-12' });
      const before = await timers(id);
      expect(before.json().cancer).toMatchObject({ route: null, clocks: [] });
      const body = await record(
        id,
        { kind: 'consultant-upgrade', date: '2025-05-01' },
        { kind: 'decision-to-treat', date: '2025-06-16' },
        { kind: 'treatment-start', date: '2025-07-02', treatment: 'first' },
      );
      expect(body.cancer.route).toBe('consultant-upgrade');
      expect(body.cancer.clocks.map((c) => c.standard)).toEqual(['rtt-62', 'dtt-31']);
      expect(clock(body, 'rtt-62')).toMatchObject([
        { start: '2025-05-01', end: '2025-07-02', days: 62, status: 'met' },
      ]);
    });
  });

  it('a two-week-wait pathway with no cancer referral is on the FDS and 62-day clocks from its referral date', async () => {
    const id = await insertPathway(h, { priority: 'two-week-wait', referralReceived: '2025-07-10' });
    const res = await timers(id);
    expect(res.statusCode).toBe(200);
    expect(res.json().cancer).toMatchObject({
      route: 'urgent-suspected-cancer',
      referralAssumed: true,
      clocks: [
        {
          standard: 'fds-28',
          start: '2025-07-10',
          end: null,
          days: 22,
          status: 'waiting',
          lastDayWithin: '2025-08-07',
        },
        { standard: 'rtt-62', start: '2025-07-10', end: null, days: 22, status: 'waiting' },
      ],
      events: [],
    });
    // The diagnosis communicated stops the assumed referral's FDS clock; an upgrade makes no sense on it.
    const body = await record(id, { kind: 'diagnosis-communicated', date: '2025-07-31' });
    expect(clock(body, 'fds-28')).toMatchObject([{ end: '2025-07-31', days: 21, status: 'met' }]);
    const upgrade = await cancer(id, { kind: 'consultant-upgrade', date: '2025-07-31' });
    expect(upgrade.statusCode).toBe(422);
    expect(upgrade.json()).toMatchObject({ rule: '§3.1/upgrade-route', errors: [{ field: '/body/kind' }] });
    // Recording the referral itself takes the place of the assumption.
    const referred = await record(id, { kind: 'referral', date: '2025-07-09', route: 'breast-symptomatic' });
    expect(referred.cancer).toMatchObject({ route: 'breast-symptomatic', referralAssumed: false });
    expect(referred.cancer.clocks).toMatchObject([{ standard: 'fds-28', start: '2025-07-09', days: 22 }]);
  });

  it('stores and audits each cancer event, and lists it with the timers', async () => {
    const id = await insertPathway(h, { patient: 'bob', referralReceived: '2025-06-02' });
    const res = await cancer(id, {
      kind: 'referral',
      date: '2025-06-02',
      route: 'urgent-screening',
      note: '  Bowel screening  ',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().cancer.events).toMatchObject([
      {
        kind: 'referral',
        date: '2025-06-02',
        route: 'urgent-screening',
        treatment: null,
        adjustmentDays: 0,
        recordedBy: h.fixture.users['booking-clerk'].id,
        note: 'Bowel screening',
      },
    ]);
    const rows = await audited('CancerEvent.create', id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ patientId: h.fixture.patients.bob, resourceType: 'Pathway' });
    expect(rows[0]!.detail).toMatchObject({ kind: 'referral' });
    expect(JSON.stringify(rows[0]!.detail)).not.toContain('screening');
    // An adjustment on the treatment start comes off the clocks it stops.
    const body = await record(
      id,
      { kind: 'decision-to-treat', date: '2025-07-01' },
      { kind: 'treatment-start', date: '2025-08-01', treatment: 'first', adjustmentDays: 7 },
    );
    expect(body.cancer.clocks).toMatchObject([
      { standard: 'fds-28', start: '2025-06-02', end: null, days: 60, status: 'overdue' },
      {
        standard: 'rtt-62',
        start: '2025-06-02',
        end: '2025-08-01',
        days: 53,
        adjustmentDays: 7,
        status: 'met',
      },
      {
        standard: 'dtt-31',
        start: '2025-07-01',
        end: '2025-08-01',
        days: 24,
        adjustmentDays: 7,
        status: 'met',
      },
    ]);
    expect(await storedEvents(id)).toHaveLength(3);
    expect(await audited('CancerEvent.create', id)).toHaveLength(3);
  });

  describe('sequences that make no sense are refused with a 422 naming the field and the rule, and nothing is stored', () => {
    const uscReferral = { kind: 'referral', date: '2025-03-03', route: 'urgent-suspected-cancer' };
    const cases: {
      name: string;
      priority?: string;
      before: object[];
      event: object;
      rule: string;
      field: string;
    }[] = [
      {
        name: 'a second referral',
        before: [uscReferral],
        event: { kind: 'referral', date: '2025-03-04', route: 'other' },
        rule: '§3.1/one-referral',
        field: '/body/kind',
      },
      {
        name: 'a referral without its route',
        before: [],
        event: { kind: 'referral', date: '2025-03-03' },
        rule: '§3.1/referral-route',
        field: '/body/route',
      },
      {
        name: 'a route on an event that is not a referral',
        before: [uscReferral],
        event: { kind: 'decision-to-treat', date: '2025-03-20', route: 'other' },
        rule: '§3.1/referral-route',
        field: '/body/route',
      },
      {
        name: 'a treatment start that is neither first nor subsequent',
        before: [{ kind: 'decision-to-treat', date: '2025-03-20' }],
        event: { kind: 'treatment-start', date: '2025-03-25' },
        rule: '§3.1/treatment-kind',
        field: '/body/treatment',
      },
      {
        name: 'a diagnosis communicated before the referral',
        before: [uscReferral],
        event: { kind: 'diagnosis-communicated', date: '2025-03-02' },
        rule: '§3.1/before-clock-start',
        field: '/body/date',
      },
      {
        name: 'a treatment before the referral',
        before: [uscReferral, { kind: 'decision-to-treat', date: '2025-03-03' }],
        event: { kind: 'treatment-start', date: '2025-03-01', treatment: 'first' },
        rule: '§3.1/before-clock-start',
        field: '/body/date',
      },
      {
        name: 'a decision to treat before the two-week-wait referral date',
        priority: 'two-week-wait',
        before: [],
        event: { kind: 'decision-to-treat', date: '2025-03-02' },
        rule: '§3.1/before-clock-start',
        field: '/body/date',
      },
      {
        name: 'a consultant upgrade on a route that already has a 62-day clock',
        before: [{ ...uscReferral, route: 'urgent-screening' }],
        event: { kind: 'consultant-upgrade', date: '2025-03-20' },
        rule: '§3.1/upgrade-route',
        field: '/body/kind',
      },
      {
        name: 'a consultant upgrade after the first treatment',
        before: [
          { kind: 'decision-to-treat', date: '2025-03-05' },
          { kind: 'treatment-start', date: '2025-03-10', treatment: 'first' },
        ],
        event: { kind: 'consultant-upgrade', date: '2025-03-20' },
        rule: '§3.1/before-clock-start',
        field: '/body/date',
      },
      {
        name: 'a subsequent treatment before any first treatment',
        before: [{ kind: 'decision-to-treat', date: '2025-03-05' }],
        event: { kind: 'treatment-start', date: '2025-03-10', treatment: 'subsequent' },
        rule: '§3.1/first-treatment',
        field: '/body/treatment',
      },
      {
        name: 'a second first treatment',
        before: [
          { kind: 'decision-to-treat', date: '2025-03-05' },
          { kind: 'treatment-start', date: '2025-03-10', treatment: 'first' },
          { kind: 'decision-to-treat', date: '2025-04-01' },
        ],
        event: { kind: 'treatment-start', date: '2025-04-10', treatment: 'first' },
        rule: '§3.1/first-treatment',
        field: '/body/treatment',
      },
      {
        name: 'a treatment with no decision to treat',
        before: [uscReferral],
        event: { kind: 'treatment-start', date: '2025-04-10', treatment: 'first' },
        rule: '§3.1/treatment-without-decision',
        field: '/body/kind',
      },
      {
        name: 'a diagnosis communicated on a route without the Faster Diagnosis Standard',
        before: [{ ...uscReferral, route: 'other' }],
        event: { kind: 'diagnosis-communicated', date: '2025-03-20' },
        rule: '§3.1/diagnosis-route',
        field: '/body/kind',
      },
      {
        name: 'an adjustment on the referral',
        before: [],
        event: { ...uscReferral, adjustmentDays: 3 },
        rule: '§3.1/adjustment-on-stop',
        field: '/body/adjustmentDays',
      },
    ];

    it.each(cases)('$name: $rule', async (c) => {
      const id = await insertPathway(h, {
        referralReceived: '2025-03-03',
        ...(c.priority ? { priority: c.priority } : {}),
      });
      if (c.before.length > 0) await record(id, ...c.before);
      const res = await cancer(id, c.event);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const problem = res.json();
      expect(problem).toMatchObject({
        code: 'waiting_time_rule_violation',
        rule: c.rule,
        errors: [{ field: c.field, message: expect.any(String) }],
      });
      expect(problem.detail).not.toMatch(/already on the pathway/);
      expect(await storedEvents(id)).toHaveLength(c.before.length);
    });
  });

  it('refuses bad input with 400s naming the field; an unknown pathway is a 404', async () => {
    const id = await insertPathway(h);
    const cases: [object, string][] = [
      [{ kind: 'decision-to-treat', date: '2025-08-02' }, '/body/date'],
      [{ kind: 'decision-to-treat', date: '2025-02-30' }, '/body/date'],
      [{ kind: 'decision-to-treat' }, '/body/date'],
      [{ kind: 'biopsy', date: '2025-07-01' }, '/body/kind'],
      [{ kind: 'referral', date: '2025-07-01', route: 'two-week-wait' }, '/body/route'],
      [{ kind: 'treatment-start', date: '2025-07-01', treatment: 'third' }, '/body/treatment'],
      [
        { kind: 'treatment-start', date: '2025-07-01', treatment: 'first', adjustmentDays: -1 },
        '/body/adjustmentDays',
      ],
      [
        { kind: 'treatment-start', date: '2025-07-01', treatment: 'first', adjustmentDays: 1.5 },
        '/body/adjustmentDays',
      ],
      [{ kind: 'decision-to-treat', date: '2025-07-01', colour: 'red' }, '/body/colour'],
      [{ kind: 'decision-to-treat', date: '2025-07-01', note: 'x'.repeat(501) }, '/body/note'],
    ];
    for (const [body, field] of cases) {
      const res = await cancer(id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await storedEvents(id)).toHaveLength(0);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await timers(missing)).statusCode).toBe(404);
    expect((await cancer(missing, { kind: 'decision-to-treat', date: '2025-07-01' })).statusCode).toBe(404);
    expect(
      (await diagnostic(missing, { test: 'mri', route: 'request', requestedOn: '2025-07-01' })).statusCode,
    ).toBe(404);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/pathways/not-a-uuid/timers', headers: clerk.read }))
        .statusCode,
    ).toBe(400);
  });

  describe('diagnostic requests (DM01, spec §3.2)', () => {
    it.each([
      { census: '2025-02-16', days: 41, sixWeeksOrMore: false },
      { census: '2025-02-17', days: 42, sixWeeksOrMore: true },
    ])(
      'EX-DX-01: request 2025-01-06, census $census → $days days, 6 weeks or more: $sixWeeksOrMore',
      async ({ census, days, sixWeeksOrMore }) => {
        await at('2025-01-10');
        const id = await insertPathway(h, { referralReceived: '2025-01-02' });
        const created = await diagnostic(id, { test: 'mri', route: 'request', requestedOn: '2025-01-06' });
        expect(created.statusCode, created.body).toBe(201);
        expect(created.json().request).toMatchObject({
          test: 'mri',
          testName: 'Magnetic resonance imaging',
          route: 'request',
          clockStart: '2025-01-06',
          wait: { days: 4, status: 'waiting' },
        });
        await at(census);
        const res = await timers(id);
        expect(res.statusCode).toBe(200);
        expect(res.json().diagnostics).toEqual([
          expect.objectContaining({
            id: created.json().request.id,
            clockStart: '2025-01-06',
            performedOn: null,
            cancelledOn: null,
            wait: {
              days,
              completedWeeks: Math.floor(days / 7),
              sixWeeksOrMore,
              sixWeekDate: '2025-02-17',
              status: 'waiting',
            },
          }),
        ]);
        await at('2025-08-01');
      },
    );

    it('an e-RS referral starts its clock on the earlier of the UBRN booking and the ASI worklist; done, the wait is fixed', async () => {
      const id = await insertPathway(h, { patient: 'bob' });
      const created = await diagnostic(id, {
        test: 'colonoscopy',
        route: 'e-rs',
        ubrnBookedOn: '2025-06-10',
        asiWorklistOn: '2025-06-05',
        note: 'Bowel prep letter sent',
      });
      expect(created.statusCode, created.body).toBe(201);
      const request = created.json().request;
      expect(request).toMatchObject({
        route: 'e-rs',
        requestedOn: null,
        ubrnBookedOn: '2025-06-10',
        asiWorklistOn: '2025-06-05',
        clockStart: '2025-06-05',
        wait: { days: 57, sixWeeksOrMore: true, status: 'waiting' },
      });
      expect(created.json().timers.diagnostics).toHaveLength(1);
      const done = await close(id, request.id, 'performed', { performedOn: '2025-07-10' });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json().request).toMatchObject({
        performedOn: '2025-07-10',
        wait: { days: 35, sixWeeksOrMore: false, status: 'performed' },
      });
      const again = await close(id, request.id, 'performed', { performedOn: '2025-07-11' });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('conflict');
      const cancel = await close(id, request.id, 'cancelled', {
        cancelledOn: '2025-07-11',
        reason: 'Not needed',
      });
      expect(cancel.statusCode).toBe(409);
      const created_ = await audited('DiagnosticRequest.create', request.id);
      expect(created_).toHaveLength(1);
      expect(created_[0]).toMatchObject({
        patientId: h.fixture.patients.bob,
        resourceType: 'DiagnosticRequest',
      });
      expect(created_[0]!.detail).toMatchObject({ pathwayId: id, test: 'colonoscopy', route: 'e-rs' });
      expect(await audited('DiagnosticRequest.performed', request.id)).toHaveLength(1);
    });

    it('a cancelled request leaves the waiting list, keeps its reason, and cannot then be done or cancelled again', async () => {
      const id = await insertPathway(h);
      const created = await diagnostic(id, {
        test: 'ct',
        route: 'request',
        requestedOn: '2025-07-01',
        note: 'Chest',
      });
      const requestId = created.json().request.id;
      const cancelled = await close(id, requestId, 'cancelled', {
        cancelledOn: '2025-07-15',
        reason: 'No longer needed',
      });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.json().request).toMatchObject({
        cancelledOn: '2025-07-15',
        note: 'Chest\nCancelled: No longer needed',
        wait: null,
      });
      expect((await close(id, requestId, 'performed', { performedOn: '2025-07-20' })).statusCode).toBe(409);
      expect(
        (await close(id, requestId, 'cancelled', { cancelledOn: '2025-07-20', reason: 'Again' })).statusCode,
      ).toBe(409);
      const rows = await audited('DiagnosticRequest.cancelled', requestId);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0]!.detail)).not.toContain('needed');
    });

    it('refuses a date before the clock start (422) or in the future (400), naming the field', async () => {
      const id = await insertPathway(h);
      const requestId = (
        await diagnostic(id, { test: 'dexa', route: 'request', requestedOn: '2025-07-01' })
      ).json().request.id;
      const early = await close(id, requestId, 'performed', { performedOn: '2025-06-30' });
      expect(early.statusCode).toBe(422);
      expect(early.json()).toMatchObject({
        code: 'waiting_time_rule_violation',
        rule: '§3.2/before-clock-start',
        errors: [{ field: '/body/performedOn' }],
      });
      const earlyCancel = await close(id, requestId, 'cancelled', { cancelledOn: '2025-06-30', reason: 'x' });
      expect(earlyCancel.json()).toMatchObject({
        rule: '§3.2/before-clock-start',
        errors: [{ field: '/body/cancelledOn' }],
      });
      const future = await close(id, requestId, 'performed', { performedOn: '2025-08-02' });
      expect(future.statusCode).toBe(400);
      expect(future.json().errors).toMatchObject([{ field: '/body/performedOn' }]);
      const [row] = await h.db.db
        .select()
        .from(diagnosticRequests)
        .where(eq(diagnosticRequests.id, requestId));
      expect(row).toMatchObject({ performedOn: null, cancelledOn: null });
      // Another pathway's request, or none, is not found here.
      const other = await insertPathway(h);
      expect((await close(other, requestId, 'performed', { performedOn: '2025-07-10' })).statusCode).toBe(
        404,
      );
      expect(
        (await close(id, '00000000-0000-4000-8000-000000000000', 'performed', { performedOn: '2025-07-10' }))
          .statusCode,
      ).toBe(404);
    });

    it('refuses bad diagnostic input with 400s naming the field, and stores nothing', async () => {
      const id = await insertPathway(h);
      const cases: [object, string[]][] = [
        [{ test: 'x-ray', route: 'request', requestedOn: '2025-07-01' }, ['/body/test']],
        [{ test: 'mri', route: 'post', requestedOn: '2025-07-01' }, ['/body/route']],
        [{ route: 'request', requestedOn: '2025-07-01' }, ['/body/test']],
        [{ test: 'mri', route: 'request' }, ['/body/requestedOn']],
        [{ test: 'mri', route: 'e-rs' }, ['/body/ubrnBookedOn', '/body/asiWorklistOn']],
        [
          { test: 'mri', route: 'request', requestedOn: '2025-07-01', ubrnBookedOn: '2025-07-02' },
          ['/body/ubrnBookedOn'],
        ],
        [
          { test: 'mri', route: 'e-rs', ubrnBookedOn: '2025-07-02', requestedOn: '2025-07-01' },
          ['/body/requestedOn'],
        ],
        [{ test: 'mri', route: 'request', requestedOn: '2025-08-02' }, ['/body/requestedOn']],
        [{ test: 'mri', route: 'e-rs', asiWorklistOn: '2025-13-01' }, ['/body/asiWorklistOn']],
      ];
      for (const [body, fields] of cases) {
        const res = await diagnostic(id, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(
          expect.arrayContaining(fields),
        );
      }
      const requestId = (
        await diagnostic(id, { test: 'mri', route: 'request', requestedOn: '2025-07-01' })
      ).json().request.id;
      for (const [body, field] of [
        [{ cancelledOn: '2025-07-10' }, '/body/reason'],
        [{ cancelledOn: '2025-07-10', reason: '   ' }, '/body/reason'],
        [{ reason: 'Duplicate' }, '/body/cancelledOn'],
      ] as const) {
        const res = await close(id, requestId, 'cancelled', body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      const rows = await h.db.db
        .select()
        .from(diagnosticRequests)
        .where(eq(diagnosticRequests.pathwayId, id));
      expect(rows).toMatchObject([{ id: requestId, cancelledOn: null }]);
    });
  });

  it('a service manager can read the timers but not record; a flow coordinator can do neither; a clinician can record', async () => {
    const id = await insertPathway(h);
    const manager = await h.signIn('service-manager');
    expect((await timers(id, manager)).statusCode).toBe(200);
    const refused = await cancer(id, { kind: 'decision-to-treat', date: '2025-07-01' }, manager);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('forbidden');
    expect(
      (await diagnostic(id, { test: 'mri', route: 'request', requestedOn: '2025-07-01' }, manager))
        .statusCode,
    ).toBe(403);
    const flow = await h.signIn('flow-coordinator');
    expect((await timers(id, flow)).statusCode).toBe(403);
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/diagnostics/summary', headers: flow.read }))
        .statusCode,
    ).toBe(403);
    const denied = await h.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'access.denied'), eq(auditLog.actorRole, 'flow-coordinator')));
    expect(denied.length).toBeGreaterThanOrEqual(2);
    const clinician = await h.signIn('clinician');
    expect((await cancer(id, { kind: 'decision-to-treat', date: '2025-07-01' }, clinician)).statusCode).toBe(
      201,
    );
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/pathways/${id}/timers` })).statusCode).toBe(
      401,
    );
    expect(await storedEvents(id)).toHaveLength(1);
  });

  if (engine === 'postgres') {
    it('applies two simultaneous referrals one after the other: one is stored, the other refused', async () => {
      const id = await insertPathway(h);
      const referral = { kind: 'referral', date: '2025-07-01', route: 'urgent-suspected-cancer' };
      const [a, b] = await Promise.all([cancer(id, referral), cancer(id, referral)]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 422]);
      expect(await storedEvents(id)).toHaveLength(1);
    });
  }
});

describe.each(ENGINES)('DM01 summary on %s', (engine) => {
  let h: Harness;
  let manager: Session;
  let clerk: Session;
  beforeAll(async () => {
    h = await createHarness(engine, NO_RATE_LIMIT);
    h.clock.set('2025-03-31T09:00:00Z');
    manager = await h.signIn('service-manager');
    clerk = await h.signIn('booking-clerk');
  });
  afterAll(() => h.close());

  const summary = async (asOf?: string) => {
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/diagnostics/summary${asOf ? `?asOf=${asOf}` : ''}`,
      headers: manager.read,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      asOf: string;
      tests: ({ test: string; name: string; group: string } & ReturnType<typeof dm01Performance>)[];
      total: ReturnType<typeof dm01Performance>;
    }>();
  };
  const byTest = (s: Awaited<ReturnType<typeof summary>>, test: string) =>
    s.tests.find((t) => t.test === test);

  it('lists every DM01 test, empty ones too, with no patient data', async () => {
    const s = await summary();
    expect(s.asOf).toBe('2025-03-31');
    expect(s.tests.map((t) => t.test)).toEqual(Object.keys(DM01_TESTS));
    expect(s.total).toEqual({
      waiting: 0,
      sixWeeksOrMore: 0,
      percentSixWeeksOrMore: null,
      maxPercent: 1,
      meetsStandard: null,
    });
  });

  it('EX-DX-01 in the census: 41 days is under 6 weeks, 42 days is 6 weeks or more; done and cancelled requests leave it', async () => {
    const pathway = await insertPathway(h);
    const post = async (url: string, payload: object) => {
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/pathways/${pathway}${url}`,
        headers: clerk.write,
        payload,
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json();
    };
    await post('/diagnostic-requests', { test: 'mri', route: 'request', requestedOn: '2025-01-06' });
    const ct = await post('/diagnostic-requests', {
      test: 'ct',
      route: 'e-rs',
      ubrnBookedOn: '2025-01-20',
      asiWorklistOn: '2025-01-10',
    });
    await post(`/diagnostic-requests/${ct.request.id}/performed`, { performedOn: '2025-02-20' });
    const cancelled = await post('/diagnostic-requests', {
      test: 'mri',
      route: 'request',
      requestedOn: '2025-02-01',
    });
    await post(`/diagnostic-requests/${cancelled.request.id}/cancelled`, {
      cancelledOn: '2025-02-10',
      reason: 'Duplicate',
    });

    const under = await summary('2025-02-16');
    expect(byTest(under, 'mri')).toMatchObject({
      waiting: 1,
      sixWeeksOrMore: 0,
      percentSixWeeksOrMore: 0,
      meetsStandard: true,
    });
    expect(byTest(under, 'ct')).toMatchObject({ waiting: 1, sixWeeksOrMore: 0 });
    const over = await summary('2025-02-17');
    expect(byTest(over, 'mri')).toMatchObject({
      name: 'Magnetic resonance imaging',
      group: 'imaging',
      waiting: 1,
      sixWeeksOrMore: 1,
      percentSixWeeksOrMore: 100,
      maxPercent: 1,
      meetsStandard: false,
    });
    expect(over.total).toMatchObject({ waiting: 2, sixWeeksOrMore: 1, percentSixWeeksOrMore: 50 });
    // Before the second MRI was cancelled it was waiting too.
    expect(byTest(await summary('2025-02-05'), 'mri')).toMatchObject({ waiting: 2, sixWeeksOrMore: 0 });
    // Once the CT is done it leaves the census.
    expect(byTest(await summary('2025-02-20'), 'ct')).toMatchObject({
      waiting: 0,
      percentSixWeeksOrMore: null,
    });
    expect((await summary()).total).toMatchObject({ waiting: 1, sixWeeksOrMore: 1 });
    // No patient data, and the read of aggregates is not audited per patient.
    expect(JSON.stringify(await summary())).not.toMatch(/Alice|9990000018|[0-9a-f]{8}-[0-9a-f]{4}/);
    const reads = await h.db.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.patientId, h.fixture.patients.alice));
    expect(reads.map((r) => r.action)).not.toContain('DiagnosticSummary.read');
  });

  it('equals a recount of every request with core on any census date', async () => {
    // Many requests straight into the table: waiting, done and cancelled, across tests and dates.
    const pathway = await insertPathway(h, { patient: 'bob' });
    const tests = Object.keys(DM01_TESTS) as Dm01Test[];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const day = (offset: number) =>
      new Date(Date.UTC(2024, 9, 1) + offset * 86_400_000).toISOString().slice(0, 10);
    const rows = Array.from({ length: 300 }, () => {
      const start = next(150);
      const ends = next(3);
      // Never after today (2025-03-31): the API refuses a test done or a cancellation dated in the future.
      const endOn = [day(start + next(90)), '2025-03-31'].sort()[0]!;
      return {
        orgId: h.fixture.orgId,
        id: randomUUID(),
        pathwayId: pathway,
        test: tests[next(tests.length)]!,
        route: 'request',
        requestedOn: day(start),
        clockStart: day(start),
        performedOn: ends === 1 ? endOn : null,
        cancelledOn: ends === 2 ? endOn : null,
        recordedBy: 'test',
        recordedAt: new Date(),
      };
    });
    await h.db.db.insert(diagnosticRequests).values(rows);
    const all = await h.db.db.select().from(diagnosticRequests);
    for (const asOf of ['2024-10-15', '2024-12-31', '2025-01-31', '2025-02-17', '2025-03-31']) {
      const waits = (of: typeof all) =>
        of
          .filter((r) => r.clockStart <= asOf && !(r.cancelledOn !== null && r.cancelledOn <= asOf))
          .map((r) => diagnosticWait({ clockStart: r.clockStart, asOf, performedOn: r.performedOn }));
      const s = await summary(asOf);
      expect(s.total, asOf).toEqual(dm01Performance(waits(all)));
      for (const t of tests) {
        const { test: _t, name: _n, group: _g, ...performance } = byTest(s, t)!;
        expect(performance, `${asOf} ${t}`).toEqual(dm01Performance(waits(all.filter((r) => r.test === t))));
      }
    }
    expect((await summary('2025-03-31')).total.waiting).toBeGreaterThan(20);
  });

  it('refuses a census date in the future or malformed, naming the field', async () => {
    for (const asOf of ['2025-04-01', '2025-02-30', 'today']) {
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/v1/diagnostics/summary?asOf=${asOf}`,
        headers: manager.read,
      });
      expect(res.statusCode, asOf).toBe(400);
      expect(res.json().errors).toMatchObject([{ field: '/query/asOf' }]);
    }
  });
});

/**
 * `POST /api/v1/rtt/evaluate` through HTTP: worked examples from the domain spec §1.8 (EX-RTT-*) with their
 * exact output, every kind of bad input as a 422 naming the event and the rule, who may call it, and a fuzz
 * test that no body whatsoever gives a 500. The route does not touch the database, so PGlite is enough.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { RTT_RULES, RTT_STATUS_CODES, type Problem } from '@pathflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client';
import { createHarness, type Harness, type Session } from '../support/app';

const URL = '/api/v1/rtt/evaluate';

const NOT_RUNNING = {
  running: false,
  start: null,
  daysWaited: null,
  weekBand: null,
  over18Weeks: false,
  breachDates: null,
};

interface Example {
  id: string;
  body: Record<string, unknown>;
  expected: { periods: unknown[]; current: unknown };
}

// Exact responses, written out by hand from the spec (breach date N = start + 7N + 1 days).
const EXAMPLES: Example[] = [
  {
    id: 'EX-RTT-01 admitted FDT: stops on the admission date with 30',
    body: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [
        { date: '2025-02-03', code: '10' },
        { date: '2025-04-14', code: '30' },
      ],
      asOf: '2025-06-30',
    },
    expected: {
      periods: [{ start: '2025-01-06', end: '2025-04-14', endCode: '30', nullified: false }],
      current: NOT_RUNNING,
    },
  },
  {
    id: 'EX-RTT-06 communicated first-appointment DNA nullifies; the rebooking call starts a new clock',
    body: {
      priority: 'routine',
      referralReceived: '2025-02-03',
      events: [
        { date: '2025-03-03', code: '33', appointmentCommunicated: true },
        { date: '2025-03-10', code: '10' },
      ],
      asOf: '2025-03-31',
    },
    expected: {
      periods: [
        { start: '2025-02-03', end: '2025-03-03', endCode: '33', nullified: true },
        { start: '2025-03-10', end: null, endCode: null, nullified: false },
      ],
      current: {
        running: true,
        start: '2025-03-10',
        daysWaited: 21,
        weekBand: 3,
        over18Weeks: false,
        breachDates: {
          '18': '2025-07-15',
          '52': '2026-03-10',
          '65': '2026-06-09',
          '78': '2026-09-08',
          '104': '2027-03-09',
        },
      },
    },
  },
  {
    id: 'EX-RTT-08 no evidence the appointment was communicated: the original clock continues',
    body: {
      priority: 'routine',
      referralReceived: '2025-02-03',
      events: [{ date: '2025-03-03', code: '33', appointmentCommunicated: false }],
      asOf: '2025-03-31',
    },
    expected: {
      periods: [{ start: '2025-02-03', end: null, endCode: null, nullified: false }],
      current: {
        running: true,
        start: '2025-02-03',
        daysWaited: 56,
        weekBand: 8,
        over18Weeks: false,
        breachDates: {
          '18': '2025-06-10',
          '52': '2026-02-03',
          '65': '2026-05-05',
          '78': '2026-08-04',
          '104': '2027-02-02',
        },
      },
    },
  },
  {
    id: 'EX-RTT-09 two-week-wait first-appointment DNA without a discharge decision: the period continues',
    body: {
      priority: 'two-week-wait',
      referralReceived: '2025-02-03',
      events: [
        { date: '2025-02-14', code: '33', appointmentCommunicated: true },
        { date: '2025-02-21', code: '10' },
      ],
      asOf: '2025-02-28',
    },
    expected: {
      periods: [{ start: '2025-02-03', end: null, endCode: null, nullified: false }],
      current: {
        running: true,
        start: '2025-02-03',
        daysWaited: 25,
        weekBand: 4,
        over18Weeks: false,
        breachDates: {
          '18': '2025-06-10',
          '52': '2026-02-03',
          '65': '2026-05-05',
          '78': '2026-08-04',
          '104': '2027-02-02',
        },
      },
    },
  },
  {
    id: 'EX-RTT-11 discharge after a follow-up DNA stops on the DNA date (default)',
    body: {
      priority: 'routine',
      referralReceived: '2025-01-06',
      events: [
        { date: '2025-02-03', code: '10' },
        {
          date: '2025-05-14',
          code: '34',
          dnaDate: '2025-05-12',
          clinicianDecision: true,
          appointmentCommunicated: true,
        },
      ],
      asOf: '2025-05-31',
    },
    expected: {
      periods: [{ start: '2025-01-06', end: '2025-05-12', endCode: '34', nullified: false }],
      current: NOT_RUNNING,
    },
  },
  {
    id: 'EX-RTT-16 active monitoring (32) stops the clock; the decision to operate (11) starts a new one',
    body: {
      priority: 'routine',
      referralReceived: '2025-01-13',
      events: [
        { date: '2025-02-10', code: '10' },
        { date: '2025-03-01', code: '32', clinicianDecision: true },
        { date: '2025-06-02', code: '91' },
        { date: '2025-09-01', code: '11' },
      ],
      asOf: '2025-09-15',
    },
    expected: {
      periods: [
        { start: '2025-01-13', end: '2025-03-01', endCode: '32', nullified: false },
        { start: '2025-09-01', end: null, endCode: null, nullified: false },
      ],
      current: {
        running: true,
        start: '2025-09-01',
        daysWaited: 14,
        weekBand: 2,
        over18Weeks: false,
        breachDates: {
          '18': '2026-01-06',
          '52': '2026-09-01',
          '65': '2026-12-01',
          '78': '2027-03-02',
          '104': '2027-08-31',
        },
      },
    },
  },
  {
    id: 'EX-RTT-21 census 2025-05-08: 127 days, band 18–19, over 18 weeks',
    body: { priority: 'routine', referralReceived: '2025-01-01', events: [], asOf: '2025-05-08' },
    expected: {
      periods: [{ start: '2025-01-01', end: null, endCode: null, nullified: false }],
      current: {
        running: true,
        start: '2025-01-01',
        daysWaited: 127,
        weekBand: 19,
        over18Weeks: true,
        breachDates: {
          '18': '2025-05-08',
          '52': '2026-01-01',
          '65': '2026-04-02',
          '78': '2026-07-02',
          '104': '2026-12-31',
        },
      },
    },
  },
  {
    id: 'EX-RTT-23 breach dates from a 2024-01-01 start',
    body: { priority: 'urgent', referralReceived: '2024-01-01', events: [], asOf: '2024-01-01' },
    expected: {
      periods: [{ start: '2024-01-01', end: null, endCode: null, nullified: false }],
      current: {
        running: true,
        start: '2024-01-01',
        daysWaited: 0,
        weekBand: 1,
        over18Weeks: false,
        breachDates: {
          '18': '2024-05-07',
          '52': '2024-12-31',
          '65': '2025-04-01',
          '78': '2025-07-01',
          '104': '2025-12-30',
        },
      },
    },
  },
  {
    id: 'EX-RTT-24 drop-in clinic, seen and treated the same day: start = stop',
    body: {
      priority: 'routine',
      referralReceived: '2025-05-06',
      events: [
        { date: '2025-05-06', code: '10' },
        { date: '2025-05-06', code: '30' },
      ],
      asOf: '2025-05-31',
    },
    expected: {
      periods: [{ start: '2025-05-06', end: '2025-05-06', endCode: '30', nullified: false }],
      current: NOT_RUNNING,
    },
  },
];

const valid = EXAMPLES[0]!.body;

function expect422(res: { statusCode: number; headers: Record<string, unknown>; body: string }): Problem {
  expect(res.statusCode, res.body).toBe(422);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const problem = JSON.parse(res.body) as Problem;
  expect(problem).toMatchObject({
    status: 422,
    code: 'rtt_rule_violation',
    type: 'https://pathflow.dev/problems/rtt-rule-violation',
    title: 'The events break an RTT rule',
    detail: expect.any(String),
    instance: URL,
  });
  expect(problem.errors?.length).toBeGreaterThan(0);
  expect(res.body).not.toMatch(/at .*\.ts:\d+|node_modules|RangeError|TypeError/);
  return problem;
}

describe('POST /api/v1/rtt/evaluate', () => {
  let h: Harness;
  let clerk: Session;
  const post = (payload: unknown, headers: Record<string, string> = clerk.write) =>
    h.app.inject({ method: 'POST', url: URL, headers, payload: payload as object });

  beforeAll(async () => {
    h = await createHarness('pglite');
    clerk = await h.signIn('booking-clerk');
  });
  afterAll(() => h.close());

  describe('worked examples (spec §1.8)', () => {
    it.each(EXAMPLES)('$id', async ({ body, expected }) => {
      const res = await post(body);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.json()).toEqual(expected);
    });
  });

  it('answers a machine client with a WaitingList.read token', async () => {
    const token = await h.token('service-manager', 'system/WaitingList.read');
    const res = await post(EXAMPLES[1]!.body, { authorization: `Bearer ${token}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(EXAMPLES[1]!.expected);
  });

  it('reads and writes nothing: no audit row, whatever the outcome', async () => {
    const count = async () =>
      (await queryRows<{ n: number }>(h.db.db, sql`select count(*)::int as n from audit_log`))[0]!.n;
    const before = await count();
    await post(valid);
    await post({ ...valid, events: [{ date: '2025-02-03', code: '13' }] });
    expect(await count()).toBe(before);
  });

  describe('bad input is a 422 naming the field and the rule', () => {
    it.each([
      ['an impossible event date', { date: '2026-02-30', code: '10' }, '/body/events/0/date', 'input.date'],
      ['a date in the wrong format', { date: '03/02/2025', code: '10' }, '/body/events/0/date', 'input.date'],
      ['an unknown code', { date: '2025-02-03', code: '13' }, '/body/events/0/code', '§1.6/unknown-code'],
      ['a missing code', { date: '2025-02-03' }, '/body/events/0/code', 'input.events'],
      [
        'an unknown field on an event',
        { date: '2025-02-03', code: '10', colour: 'red' },
        '/body/events/0/colour',
        'input.events',
      ],
      [
        'an impossible DNA date',
        { date: '2025-05-14', code: '34', dnaDate: '2025-04-31' },
        '/body/events/0/dnaDate',
        'input.date',
      ],
    ])('%s', async (_name, event, field, rule) => {
      const problem = expect422(await post({ ...valid, events: [event] }));
      expect(problem.errors?.map((e) => e.field)).toContain(field);
      expect(problem.rule).toBe(rule);
    });

    it('an impossible referral date (2026-02-30)', async () => {
      const problem = expect422(await post({ ...valid, referralReceived: '2026-02-30' }));
      expect(problem.errors).toEqual([
        {
          field: '/body/referralReceived',
          message: 'referralReceived must be a real calendar date written YYYY-MM-DD',
        },
      ]);
      expect(problem.rule).toBe('input.date');
    });

    it('an unknown priority, and missing fields', async () => {
      const bad = expect422(await post({ ...valid, priority: 'soon' }));
      expect(bad.errors?.[0]).toMatchObject({
        field: '/body/priority',
        message: expect.stringMatching(/routine/),
      });
      expect(bad.rule).toBe('input.priority');
      const missing = expect422(await post({ priority: 'routine', events: [] }));
      expect(missing.errors?.map((e) => e.field).sort()).toEqual(['/body/asOf', '/body/referralReceived']);
      expect(missing.detail).toMatch(/and 1 more/);
      expect422(await post({}));
      expect422(await post([]));
    });

    it('too many events', async () => {
      const events = Array.from({ length: 501 }, () => ({ date: '2025-02-03', code: '20' }));
      const problem = expect422(await post({ ...valid, events }));
      expect(problem.errors?.[0]?.field).toBe('/body/events');
      expect(problem.rule).toBe('input.events');
    });

    it('an illegal sequence names the event and the rule (activity after treatment)', async () => {
      const problem = expect422(
        await post({
          ...valid,
          events: [
            { date: '2025-02-03', code: '10' },
            { date: '2025-03-03', code: '20' },
            { date: '2025-04-14', code: '30' },
            { date: '2025-05-01', code: '20' },
          ],
        }),
      );
      expect(problem.rule).toBe('§1.6/after-treatment');
      expect(problem.errors).toEqual([{ field: '/body/events/3/code', message: problem.detail }]);
      expect(problem.detail).toMatch(/2025-05-01.*first definitive treatment \(30\) on 2025-04-14/);
      expect(RTT_RULES[problem.rule as keyof typeof RTT_RULES]).toBeDefined();
    });

    it('an automatic discharge after DNAs without a clinician’s decision (EX-RTT-12)', async () => {
      const problem = expect422(
        await post({
          ...valid,
          events: [
            { date: '2025-02-03', code: '10' },
            { date: '2025-03-10', code: '34', dnaDate: '2025-03-10', appointmentCommunicated: true },
          ],
        }),
      );
      expect(problem.rule).toBe('§1.4/dna-discharge');
      expect(problem.errors?.[0]?.field).toBe('/body/events/1/clinicianDecision');
    });

    it('events out of date order name the event that is out of place', async () => {
      const problem = expect422(
        await post({
          ...valid,
          events: [
            { date: '2025-02-03', code: '10' },
            { date: '2025-04-14', code: '20' },
            { date: '2025-03-03', code: '20' },
          ],
        }),
      );
      expect(problem.rule).toBe('input.event-order');
      expect(problem.errors).toEqual([{ field: '/body/events/2/date', message: problem.detail }]);
    });

    it('an as-of date so late that breach dates would pass the year 9999', async () => {
      const problem = expect422(
        await post({ priority: 'routine', referralReceived: '9999-01-01', events: [], asOf: '9999-06-01' }),
      );
      expect(problem.errors?.[0]?.field).toBe('/body/asOf');
      expect(problem.rule).toBe('input.date');
    });

    it('malformed JSON is still a 400 problem: the request cannot be read', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: URL,
        headers: { ...clerk.write, 'content-type': 'application/json' },
        payload: '{"priority": ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('bad_request');
    });
  });

  it('other routes keep answering schema errors with 400', async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/patients?birthDate=2026-02-30',
      headers: clerk.read,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
  });

  describe('who may call it', () => {
    it('401 without credentials', async () => {
      const res = await h.app.inject({ method: 'POST', url: URL, payload: valid });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('403 for a session without the CSRF header', async () => {
      const res = await post(valid, clerk.read);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('csrf_failed');
    });

    it('403 for a flow coordinator (no WaitingList.read), signed in or as a client', async () => {
      const s = await h.signIn('flow-coordinator');
      const signedIn = await post(valid, s.write);
      expect(signedIn.statusCode).toBe(403);
      expect(signedIn.json().code).toBe('forbidden');
      const token = await h.token('flow-coordinator');
      const client = await post(valid, { authorization: `Bearer ${token}` });
      expect(client.statusCode).toBe(403);
    });

    it('403 for a token without the WaitingList.read scope', async () => {
      const token = await h.token('booking-clerk', 'system/Patient.read');
      const res = await post(valid, { authorization: `Bearer ${token}` });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('never a 500 for bad input', () => {
    const date = fc.oneof(
      // Real dates, mostly in a small window so that sequences overlap…
      fc
        .date({
          min: new Date('2024-01-01T00:00:00Z'),
          max: new Date('2026-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10)),
      // …anywhere in the four-digit years…
      fc
        .date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10)),
      // …and strings that only look like dates.
      fc
        .tuple(
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
        )
        .map(
          ([y, m, d]) =>
            `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
        ),
      fc.string({ maxLength: 12 }),
    );
    const code = fc.oneof(fc.constantFrom(...RTT_STATUS_CODES), fc.string({ maxLength: 3 }));
    const event = fc.record(
      {
        date,
        code,
        appointmentCommunicated: fc.oneof(fc.boolean(), fc.anything()),
        clinicianDecision: fc.oneof(fc.boolean(), fc.anything()),
        dnaDate: date,
      },
      { requiredKeys: ['date', 'code'] },
    );
    const body = fc.oneof(
      fc.record(
        {
          priority: fc.oneof(fc.constantFrom('routine', 'urgent', 'two-week-wait'), fc.anything()),
          referralReceived: date,
          events: fc.oneof(fc.array(event, { maxLength: 12 }), fc.anything()),
          asOf: date,
          extra: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );

    it('random bodies answer 200 or 422', async () => {
      await fc.assert(
        fc.asyncProperty(body, async (payload) => {
          const res = await h.app.inject({
            method: 'POST',
            url: URL,
            headers: { ...clerk.write, 'content-type': 'application/json' },
            payload: JSON.stringify(payload) ?? 'null',
          });
          const text = JSON.stringify(payload) ?? 'null';
          if (text.includes('"__proto__"') || text.includes('"constructor"')) {
            // Fastify refuses prototype-poisoning keys before the body is read: a 400, not a 500.
            expect([200, 400, 422], res.body).toContain(res.statusCode);
            if (res.statusCode === 400) expect(res.json().code).toBe('bad_request');
          } else if (res.statusCode !== 200) {
            expect(res.statusCode, res.body).toBe(422);
            expect(res.json().code).toBe('rtt_rule_violation');
          }
        }),
        { numRuns: 300 },
      );
    });

    it('mostly valid bodies answer 200 or 422 with the rule named', async () => {
      const sequence = fc.record({
        priority: fc.constantFrom('routine', 'urgent', 'two-week-wait'),
        referralReceived: fc.constant('2025-01-06'),
        events: fc
          .array(
            fc.record(
              {
                date: fc.integer({ min: 0, max: 400 }),
                code: fc.constantFrom(...RTT_STATUS_CODES),
                appointmentCommunicated: fc.boolean(),
                clinicianDecision: fc.boolean(),
              },
              { requiredKeys: ['date', 'code'] },
            ),
            { maxLength: 8 },
          )
          .map((events) =>
            events
              .sort((a, b) => a.date - b.date)
              .map((e) => ({
                ...e,
                date: new Date(Date.UTC(2025, 0, 6 + e.date)).toISOString().slice(0, 10),
              })),
          ),
        asOf: fc.constant('2026-03-31'),
      });
      let ok = 0;
      await fc.assert(
        fc.asyncProperty(sequence, async (payload) => {
          const res = await post(payload);
          if (res.statusCode === 200) {
            ok += 1;
            return;
          }
          expect(res.statusCode, res.body).toBe(422);
          const problem = res.json<Problem>();
          expect(Object.keys(RTT_RULES)).toContain(problem.rule);
          expect(problem.errors?.[0]?.field).toMatch(/^\/body\/events\/\d+\/\w+$/);
        }),
        { numRuns: 200 },
      );
      expect(ok).toBeGreaterThan(0);
    });
  });
});

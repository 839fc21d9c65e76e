/**
 * The patient tracking list over the API, on the seeded synthetic trust (demo size, seed 3, as of 2026-11-23):
 * paging, sorting and filtering on the server; derived values equal core's functions; the summary equals a
 * plain recount of the clocks from the events with core's engine; bad input is a 400 naming the field; every
 * patient listed or exported is audited; the CSV and XLSX downloads read back.
 */
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  breachDates,
  completedWeeks,
  evaluateRtt,
  formatNhsNumber,
  measureWait,
  validationDue,
  weekBand,
  type PtlPage,
  type PtlRow,
  type PtlSummary,
  type RttEvent,
  type RttPriority,
} from '@pathflow/core';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { queryRows } from '../../src/db/client';
import { DEMO_PASSWORD, seedTrust } from '../../src/seed';
import { cookieFrom, testClock, type TestApp, type TestClock } from '../support/app';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/db';

const TODAY = '2026-11-23';

interface SeededHarness {
  app: TestApp;
  db: TestDatabase;
  orgId: string;
  clock: TestClock;
  signIn(username: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** The app on a freshly seeded trust, with the clock at mid-morning in London on TODAY. */
async function seededHarness(engine: (typeof ENGINES)[number]): Promise<SeededHarness> {
  const db = await createTestDatabase(engine);
  const seeded = await seedTrust(db, { size: 'demo', seed: 3, today: TODAY });
  const clock = testClock(`${TODAY}T10:30:00Z`);
  const app = await buildApp({ handle: db, config: loadConfig({ PATHFLOW_SEED: 'none' }), now: clock.now });
  await app.ready();
  const signIn = async (username: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { username, password: DEMO_PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`sign-in as ${username}: ${res.statusCode} ${res.body}`);
    return { cookie: cookieFrom(res) };
  };
  return {
    app,
    db,
    orgId: seeded.orgId,
    clock,
    signIn,
    close: async () => {
      await app.close();
      await db.dispose();
    },
  };
}

const PRIORITY_RANK: Record<RttPriority, number> = { 'two-week-wait': 0, urgent: 1, routine: 2 };

function expectSorted<T>(items: readonly T[], key: (t: T) => string | number, label: string): void {
  for (let i = 1; i < items.length; i++) {
    const a = key(items[i - 1]!);
    const b = key(items[i]!);
    expect(a <= b, `${label}: item ${i - 1} (${a}) before item ${i} (${b})`).toBe(true);
  }
}

describe.each(ENGINES)('the PTL on %s', (engine) => {
  let h: SeededHarness;
  let clerk: Record<string, string>;
  /** The whole list, sorted by breach date, fetched page by page. */
  let all: PtlRow[];

  const get = async (url: string, headers = clerk) => h.app.inject({ method: 'GET', url, headers });
  const page = async (query: string): Promise<PtlPage> => {
    const res = await get(`/api/v1/ptl?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<PtlPage>();
  };
  const everything = async (query: string): Promise<{ total: number; rows: PtlRow[] }> => {
    const rows: PtlRow[] = [];
    let total = 0;
    for (let offset = 0; ; offset += 500) {
      const p = await page(`${query}&limit=500&offset=${offset}`);
      total = p.total;
      rows.push(...p.rows);
      if (p.rows.length < 500) break;
    }
    return { total, rows };
  };

  beforeAll(async () => {
    h = await seededHarness(engine);
    clerk = await h.signIn('booking-clerk');
    all = (await everything('sort=breach-date')).rows;
  }, 120_000);
  afterAll(() => h.close());

  it('pages the list: default limit 50, total over the filter, pages that do not overlap', async () => {
    const [open] = await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from pathways where org_id = ${h.orgId} and status = 'open' and rtt_running`,
    );
    expect(open!.n).toBeGreaterThan(1000);
    const first = await page('');
    expect(first).toMatchObject({ asOf: TODAY, total: open!.n, limit: 50, offset: 0 });
    expect(first.rows).toHaveLength(50);
    const second = await page('limit=50&offset=50');
    expect(second.total).toBe(open!.n);
    expect(second.rows.map((r) => r.pathwayId)).toEqual(all.slice(50, 100).map((r) => r.pathwayId));
    expect(new Set(all.map((r) => r.pathwayId)).size).toBe(open!.n);
    const last = await page(`limit=10&offset=${open!.n - 3}`);
    expect(last.rows).toHaveLength(3);
    expect(last.total).toBe(open!.n);
    const beyond = await page(`limit=10&offset=${open!.n + 10}`);
    expect(beyond).toMatchObject({ total: open!.n, rows: [] });
  });

  it('sorts by breach date, by weeks waited and by priority', async () => {
    expectSorted(all, (r) => `${r.breachDates['18']} ${r.pathwayId}`, 'breach-date');
    const byWeeks = (await everything('sort=weeks-waited')).rows;
    expect(byWeeks).toHaveLength(all.length);
    expectSorted(byWeeks, (r) => -r.daysWaited, 'weeks-waited');
    const byPriority = (await everything('sort=priority')).rows;
    expect(byPriority).toHaveLength(all.length);
    expectSorted(
      byPriority,
      (r) => `${PRIORITY_RANK[r.priority]} ${r.clockStart} ${r.pathwayId}`,
      'priority',
    );
    expect(new Set(byPriority.map((r) => r.priority))).toEqual(
      new Set(['two-week-wait', 'urgent', 'routine']),
    );
  });

  it('filters by specialty, consultant, priority, weeks waited and breach date', async () => {
    const check = async (query: string, keep: (r: PtlRow) => boolean) => {
      const expected = all.filter(keep);
      expect(expected.length, `${query} selects something`).toBeGreaterThan(0);
      expect(expected.length, `${query} leaves something out`).toBeLessThan(all.length);
      const got = await everything(`sort=breach-date&${query}`);
      expect(got.total, query).toBe(expected.length);
      expect(
        got.rows.map((r) => r.pathwayId),
        query,
      ).toEqual(expected.map((r) => r.pathwayId));
    };
    const specialty = all[0]!.specialty.code;
    await check(`specialty=${specialty}`, (r) => r.specialty.code === specialty);
    const clinician = all.find((r) => r.clinician !== null)!.clinician!.id;
    await check(`clinicianId=${clinician}`, (r) => r.clinician?.id === clinician);
    await check('priority=urgent', (r) => r.priority === 'urgent');
    await check('minWeeks=18', (r) => r.weeksWaited >= 18);
    await check('maxWeeks=17', (r) => r.weeksWaited <= 17);
    await check('minWeeks=10&maxWeeks=20', (r) => r.weeksWaited >= 10 && r.weeksWaited <= 20);
    await check('minWeeks=52', (r) => r.weeksWaited >= 52);
    await check('breachBy=2026-12-31', (r) => r.breachDates['18'] <= '2026-12-31');
    await check(
      `specialty=${specialty}&priority=routine&minWeeks=5`,
      (r) => r.specialty.code === specialty && r.priority === 'routine' && r.weeksWaited >= 5,
    );
  });

  it("gives each row the values core's functions give, from the clock start and today in London", async () => {
    const [db] = await queryRows<{ id: string; start: string }>(
      h.db.db,
      sql`select id, to_char(rtt_period_start, 'YYYY-MM-DD') as start from pathways where id = ${all[0]!.pathwayId}`,
    );
    expect(all[0]!.clockStart).toBe(db!.start);
    for (const row of [all[0]!, all[400]!, all[all.length - 1]!]) {
      const wait = measureWait(row.clockStart, TODAY);
      expect(row.daysWaited).toBe(wait.days);
      expect(row.weeksWaited).toBe(completedWeeks(wait.days));
      expect(row.weekBand).toBe(weekBand(wait.days));
      expect(row.breachDates).toEqual(breachDates(row.clockStart));
      const due = validationDue({
        clockStart: row.clockStart,
        lastValidatedOn: null,
        lastContactOn: null,
        asOf: TODAY,
      });
      expect(row.validation).toEqual({ lastContact: null, due: due.due, dueOn: due.dueOn });
      const bookBy = measureWait(row.clockStart, row.nextAction.due).days;
      expect(row.nextAction.label).toBe('Book first appointment');
      if (row.nextAction.due === TODAY) expect(bookBy).toBeGreaterThanOrEqual(127 - 21);
      else expect(bookBy).toBe(127 - 21);
      expect(row.appointment).toBeNull();
      expect(row.patient.name).toMatch(/^[^,]+, .+$/);
      expect(row.patient.nhsNumber).toMatch(/^\d{10}$/);
    }
  });

  it('counts the last contact with the patient, as well as the last validation, for validation due', async () => {
    // A long waiter due for validation: contact alone does not meet a 12/26/52-week milestone, so core decides.
    const row = all.find((r) => r.validation.due && r.daysWaited > 200);
    expect(row).toBeDefined();
    await h.db.db.execute(sql`update pathways set last_contact_on = ${TODAY} where id = ${row!.pathwayId}`);
    try {
      const after = (await everything('sort=breach-date')).rows.find((r) => r.pathwayId === row!.pathwayId)!;
      const due = validationDue({
        clockStart: row!.clockStart,
        lastValidatedOn: null,
        lastContactOn: TODAY,
        asOf: TODAY,
      });
      expect(after.validation).toEqual({ lastContact: TODAY, due: due.due, dueOn: due.dueOn });
    } finally {
      await h.db.db.execute(sql`update pathways set last_contact_on = null where id = ${row!.pathwayId}`);
    }
  });

  it('reads the list as of today in London, not in UTC', async () => {
    // Sessions time out when the clock jumps: sign in again at each time.
    const asOfAt = async (instant: string) => {
      h.clock.set(instant);
      const res = await get('/api/v1/ptl?limit=1', await h.signIn('booking-clerk'));
      expect(res.statusCode, res.body).toBe(200);
      return res.json<PtlPage>().asOf;
    };
    try {
      expect(await asOfAt('2026-11-23T23:59:00Z')).toBe('2026-11-23');
      // 23:30 UTC on 1 July is 00:30 on 2 July in London (BST).
      expect(await asOfAt('2026-07-01T23:30:00Z')).toBe('2026-07-02');
    } finally {
      h.clock.set(`${TODAY}T10:30:00Z`);
      clerk = await h.signIn('booking-clerk');
    }
  });

  it('summarises waits by specialty exactly as a recount of every clock from its events', async () => {
    const res = await get('/api/v1/ptl/summary');
    expect(res.statusCode, res.body).toBe(200);
    const summary = res.json<PtlSummary>();
    expect(summary.asOf).toBe(TODAY);

    const paths = await queryRows<{
      id: string;
      specialty: string;
      start: string;
      priority: RttPriority;
      status: string;
    }>(
      h.db.db,
      sql`select id, specialty_code as specialty, to_char(clock_start_date, 'YYYY-MM-DD') as start, priority, status
            from pathways where org_id = ${h.orgId}`,
    );
    const events = await queryRows<{
      pathway: string;
      date: string;
      code: string;
      communicated: boolean | null;
      decision: boolean | null;
      dna: string | null;
    }>(
      h.db.db,
      sql`select pathway_id as pathway, to_char(event_date, 'YYYY-MM-DD') as date, code,
                 appointment_communicated as communicated, clinician_decision as decision,
                 to_char(dna_date, 'YYYY-MM-DD') as dna
            from rtt_events where org_id = ${h.orgId} order by pathway_id, event_date, seq`,
    );
    const byPathway = new Map<string, RttEvent[]>();
    for (const e of events) {
      const list = byPathway.get(e.pathway) ?? [];
      list.push({
        date: e.date,
        code: e.code,
        ...(e.communicated === null ? {} : { appointmentCommunicated: e.communicated }),
        ...(e.decision === null ? {} : { clinicianDecision: e.decision }),
        ...(e.dna === null ? {} : { dnaDate: e.dna }),
      });
      byPathway.set(e.pathway, list);
    }
    expect(events.length).toBeGreaterThan(0);

    type Counts = Omit<PtlSummary['trust'], 'percentWithin18'>;
    const empty = (): Counts => ({
      total: 0,
      within18: 0,
      over18to52: 0,
      over52: 0,
      over65: 0,
      over78: 0,
      over104: 0,
    });
    const recount = new Map<string, Counts>();
    const trust = empty();
    for (const p of paths) {
      if (p.status !== 'open') continue;
      const result = evaluateRtt({
        priority: p.priority,
        referralReceived: p.start,
        events: byPathway.get(p.id) ?? [],
        asOf: TODAY,
      });
      if (!result.current.running) continue;
      const days = result.current.daysWaited!;
      const c = recount.get(p.specialty) ?? empty();
      for (const counts of [c, trust]) {
        counts.total++;
        if (days <= 126) counts.within18++;
        else if (days <= 364) counts.over18to52++;
        if (days > 364) counts.over52++;
        if (days > 455) counts.over65++;
        if (days > 546) counts.over78++;
        if (days > 728) counts.over104++;
      }
      recount.set(p.specialty, c);
    }
    const percent = (c: Counts) => (c.total === 0 ? null : Math.round((1000 * c.within18) / c.total) / 10);

    const [specialtyCount] = await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from specialties where org_id = ${h.orgId}`,
    );
    expect(summary.specialties).toHaveLength(specialtyCount!.n);
    for (const s of summary.specialties) {
      const c = recount.get(s.code) ?? empty();
      expect(s, s.code).toEqual({ code: s.code, name: s.name, ...c, percentWithin18: percent(c) });
    }
    expect(summary.trust).toEqual({ ...trust, percentWithin18: percent(trust) });
    expect(trust.total).toBe(all.length);
    expect(trust.over52).toBeGreaterThan(0);
    expect(summary.trust.percentWithin18).toBeGreaterThan(0);
  });

  it('writes no audit rows for the summary', async () => {
    const res = await get('/api/v1/ptl/summary');
    const rows = await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from audit_log where request_id = ${String(res.headers['x-request-id'])}`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it.each([
    ['limit=0', '/query/limit'],
    ['limit=501', '/query/limit'],
    ['offset=-1', '/query/offset'],
    ['offset=1e308', '/query/offset'],
    ['limit=Infinity', '/query/limit'],
    ['sort=longest', '/query/sort'],
    ['minWeeks=20&maxWeeks=10', '/query/minWeeks'],
    ['breachBy=2026-02-30x', '/query/breachBy'],
    ['priority=soon', '/query/priority'],
    ['status=paused', '/query/status'],
    ['status=', '/query/status'],
    ['validationDue=maybe', '/query/validationDue'],
    ['clinicianId=ada', '/query/clinicianId'],
    ['status=booked&validationDue=true&priority=later', '/query/priority'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const res = await get(`/api/v1/ptl?${query}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
    expect(fields).toContain(field);
  });

  it('refuses an export whose filters contradict each other', async () => {
    const res = await get('/api/v1/ptl/export?format=csv&minWeeks=9&maxWeeks=8');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('/query/minWeeks');
  });

  it('audits one row per patient listed, in one go with the read', async () => {
    const res = await get('/api/v1/ptl?limit=25&offset=10&sort=priority');
    const listed = res.json<PtlPage>().rows;
    const audited = await queryRows<{
      action: string;
      resource_type: string;
      resource_id: string;
      patient_id: string;
      actor_role: string;
    }>(
      h.db.db,
      sql`select action, resource_type, resource_id, patient_id, actor_role from audit_log
           where request_id = ${String(res.headers['x-request-id'])} order by id`,
    );
    expect(audited).toEqual(
      listed.map((r) => ({
        action: 'Ptl.read',
        resource_type: 'Pathway',
        resource_id: r.pathwayId,
        patient_id: r.patient.id,
        actor_role: 'booking-clerk',
      })),
    );
  });

  it('exports CSV: attachment named for today, BOM, RFC 4180, formula guard, every filtered row audited', async () => {
    const specialty = all[0]!.specialty.code;
    const expected = all.filter((r) => r.specialty.code === specialty);
    // A hostile name: a spreadsheet would run it as a formula.
    const target = expected[0]!;
    await h.db.db.execute(
      sql`update patients set family_name = ${'=HYPERLINK("http://evil.example")'}, given_name = ${'@Ann'} where id = ${target.patient.id}`,
    );
    try {
      const res = await get(`/api/v1/ptl/export?format=csv&specialty=${specialty}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="ptl-${TODAY}.csv"`);
      expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const records = parse<Record<string, string>>(res.rawPayload, { bom: true, columns: true });
      expect(Object.keys(records[0]!)).toEqual([
        'NHS number',
        'Patient',
        'Date of birth',
        'Specialty',
        'Consultant',
        'Priority',
        'Clock start',
        'Weeks waited',
        'Week band',
        '18-week breach date',
        '52-week breach date',
        'Next action',
        'Due',
      ]);
      expect(records).toHaveLength(expected.length);
      const first = records[0]!;
      expect(first['NHS number']).toBe(formatNhsNumber(target.patient.nhsNumber));
      expect(first['NHS number']).toMatch(/^\d{3} \d{3} \d{4}$/);
      expect(first.Patient).toBe(`'=HYPERLINK("http://evil.example"), @Ann`);
      expect(first['Clock start']).toBe(target.clockStart);
      expect(first['Weeks waited']).toBe(String(target.weeksWaited));
      expect(first['18-week breach date']).toBe(target.breachDates['18']);
      expect(first.Due).toBe(target.nextAction.due);
      const audited = await queryRows<{ resource_id: string }>(
        h.db.db,
        sql`select resource_id from audit_log where request_id = ${String(res.headers['x-request-id'])}
             and action = 'Ptl.export' and resource_type = 'Pathway'`,
      );
      expect(audited.map((a) => a.resource_id).sort()).toEqual(expected.map((r) => r.pathwayId).sort());
    } finally {
      await h.db.db.execute(
        sql`update patients set family_name = ${target.patient.name.split(', ')[0]!}, given_name = ${target.patient.name.split(', ')[1]!} where id = ${target.patient.id}`,
      );
    }
  });

  it('exports an Excel workbook with a frozen header row and real dates', async () => {
    const res = await get('/api/v1/ptl/export?format=xlsx&priority=urgent&sort=weeks-waited');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe(`attachment; filename="ptl-${TODAY}.xlsx"`);
    const expected = all.filter((r) => r.priority === 'urgent');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(1).value).toBe('NHS number');
    expect(sheet.getRow(1).getCell(13).value).toBe('Due');
    expect(sheet.rowCount).toBe(expected.length + 1);
    const row = sheet.getRow(2);
    const first = expected[0]!;
    expect(row.getCell(1).value).toBe(formatNhsNumber(first.patient.nhsNumber));
    const clockStart = row.getCell(7).value;
    expect(clockStart).toBeInstanceOf(Date);
    expect((clockStart as Date).toISOString().slice(0, 10)).toBe(first.clockStart);
    expect(row.getCell(8).value).toBe(first.weeksWaited);
    const audited = await queryRows<{ n: number }>(
      h.db.db,
      sql`select count(*)::int as n from audit_log where request_id = ${String(res.headers['x-request-id'])} and action = 'Ptl.export'`,
    );
    expect(audited[0]!.n).toBe(expected.length);
  });

  it('refuses roles without WaitingList.read', async () => {
    const flow = await h.signIn('flow-coordinator');
    for (const url of ['/api/v1/ptl', '/api/v1/ptl/summary', '/api/v1/ptl/export?format=csv']) {
      const res = await get(url, flow);
      expect(res.statusCode, url).toBe(403);
    }
  });

  /**
   * The status and validation-due filters, on the seeded list made busier: a quarter of the pathways given an
   * appointment (some since cancelled), validations and contacts of every kind the rule distinguishes (before a
   * milestone, after it, after today, before the clock start), and patients unavailable today, formerly, or
   * in a period since withdrawn.
   */
  describe('status and validation due', () => {
    let busy: PtlRow[];
    let unavailableToday: Set<string>;

    beforeAll(async () => {
      const org = h.orgId;
      await h.db.db.execute(sql`
        update pathways set
          last_validated_on = case abs(hashtext(id::text)) % 7
            when 0 then rtt_period_start + 84 when 1 then rtt_period_start + 190 when 2 then rtt_period_start + 370
            when 3 then rtt_period_start + 40 when 4 then ${TODAY}::date + 3 when 5 then rtt_period_start + 83
            else null end,
          last_contact_on = case abs(hashtext(id::text || 'contact')) % 6
            when 0 then ${TODAY}::date - 30 when 1 then ${TODAY}::date - 84 when 2 then rtt_period_start - 5
            when 3 then ${TODAY}::date + 2 when 4 then ${TODAY}::date - 85 else null end
        where org_id = ${org} and status = 'open' and rtt_running`);
      await h.db.db.execute(sql`
        with p as (select id, patient_id, row_number() over (order by id) as rn from pathways
                    where org_id = ${org} and status = 'open' and rtt_running),
             s as (select id, starts_at, ends_at, slot_type, row_number() over (order by id) as rn from slots
                    where org_id = ${org} and status = 'open')
        insert into appointments (org_id, id, slot_id, pathway_id, patient_id, starts_at, ends_at, slot_type,
                                  status, offered_on, notice_days, reasonable_offer, booked_by, booked_at)
        select ${org}, gen_random_uuid(), s.id, p.id, p.patient_id, s.starts_at, s.ends_at, s.slot_type,
               case when p.rn % 12 = 0 then 'cancelled' else 'booked' end, ${TODAY}, 21, true, 'ptl-test', now()
          from p join s on s.rn = p.rn where p.rn % 4 = 0`);
      await h.db.db.execute(sql`
        with q as (select patient_id, row_number() over (order by patient_id) as rn
                     from (select distinct patient_id from pathways
                            where org_id = ${org} and status = 'open' and rtt_running) d)
        insert into patient_unavailability (org_id, id, patient_id, from_date, to_date, reason, recorded_by,
                                            recorded_at, removed_by, removed_at)
        select ${org}, gen_random_uuid(), patient_id,
               case rn % 10 when 1 then ${TODAY}::date - 3 when 2 then ${TODAY}::date when 3 then ${TODAY}::date - 20
                            when 4 then ${TODAY}::date - 3 else ${TODAY}::date + 1 end,
               case rn % 10 when 1 then ${TODAY}::date + 10 when 2 then ${TODAY}::date when 3 then ${TODAY}::date - 1
                            when 4 then ${TODAY}::date + 10 else ${TODAY}::date + 9 end,
               'Holiday', 'ptl-test', now(),
               case when rn % 10 = 4 then 'ptl-test' end, case when rn % 10 = 4 then now() end
          from q where rn % 10 in (1, 2, 3, 4, 5)`);
      const periods = await queryRows<{ patient_id: string; from: string; to: string; removed: boolean }>(
        h.db.db,
        sql`select patient_id, to_char(from_date, 'YYYY-MM-DD') as "from", to_char(to_date, 'YYYY-MM-DD') as "to",
                   removed_at is not null as removed
              from patient_unavailability where org_id = ${org}`,
      );
      unavailableToday = new Set(
        periods.filter((p) => !p.removed && p.from <= TODAY && p.to >= TODAY).map((p) => p.patient_id),
      );
      busy = (await everything('sort=breach-date')).rows;
    }, 120_000);

    const check = async (query: string, keep: (r: PtlRow) => boolean) => {
      const expected = busy.filter(keep);
      expect(expected.length, `${query} selects something`).toBeGreaterThan(0);
      expect(expected.length, `${query} leaves something out`).toBeLessThan(busy.length);
      const got = await everything(`sort=breach-date&${query}`);
      expect(got.total, query).toBe(expected.length);
      expect(
        got.rows.map((r) => r.pathwayId),
        query,
      ).toEqual(expected.map((r) => r.pathwayId));
      // A page and its count: the total of a short page agrees with the count of a full one.
      const first = await page(`sort=breach-date&${query}&limit=7`);
      expect(first.total, `${query} counted`).toBe(expected.length);
      return expected;
    };

    it('finds exactly the pathways core says are due for validation, and the rest', async () => {
      const validated = busy.filter((r) => r.validation.lastContact !== null);
      expect(validated.length).toBeGreaterThan(busy.length / 2);
      // The SQL filter against core's rule, recomputed here from each pathway's stored dates.
      const stored = await queryRows<{ id: string; v: string | null; c: string | null }>(
        h.db.db,
        sql`select id, to_char(last_validated_on, 'YYYY-MM-DD') as v, to_char(last_contact_on, 'YYYY-MM-DD') as c
              from pathways where org_id = ${h.orgId} and status = 'open' and rtt_running`,
      );
      const byId = new Map(stored.map((r) => [r.id, r]));
      const dueByCore = (r: PtlRow) => {
        const d = byId.get(r.pathwayId)!;
        return validationDue({
          clockStart: r.clockStart,
          lastValidatedOn: d.v,
          lastContactOn: d.c,
          asOf: TODAY,
        }).due;
      };
      const due = await check('validationDue=true', dueByCore);
      const notDue = await check('validationDue=false', (r) => !dueByCore(r));
      expect(due.length + notDue.length).toBe(busy.length);
      // Both sides hold pathways whose validation or contact changed the answer.
      expect(due.filter((r) => r.validation.lastContact !== null).length).toBeGreaterThan(0);
      expect(notDue.filter((r) => r.daysWaited >= 84).length).toBeGreaterThan(0);
      // Each row says the same as the filter that chose it.
      expect(due.every((r) => r.validation.due)).toBe(true);
      expect(notDue.every((r) => !r.validation.due)).toBe(true);
    });

    it('filters by status: booked, not booked, and on hold while the patient is unavailable today', async () => {
      const booked = await check('status=booked', (r) => r.appointment !== null);
      const toBook = await check(
        'status=not-booked',
        (r) => r.appointment === null && !unavailableToday.has(r.patient.id),
      );
      const onHold = await check(
        'status=on-hold',
        (r) => r.appointment === null && unavailableToday.has(r.patient.id),
      );
      expect(booked.length + toBook.length + onHold.length).toBe(busy.length);
      expect(booked.every((r) => r.nextAction.label === 'Attend appointment')).toBe(true);
      // A pathway with a booked appointment whose patient is unavailable today is booked, not on hold.
      const bookedAway = booked.filter((r) => unavailableToday.has(r.patient.id));
      expect(bookedAway.length).toBeGreaterThan(0);
      const onHoldIds = new Set(onHold.map((r) => r.pathwayId));
      expect(bookedAway.some((r) => onHoldIds.has(r.pathwayId))).toBe(false);
      // And one whose only appointment was cancelled, the patient unavailable today, is on hold.
      const cancelledAway = await queryRows<{ id: string }>(
        h.db.db,
        sql`select a.pathway_id as id from appointments a
             where a.org_id = ${h.orgId} and a.status = 'cancelled'
               and not exists (select 1 from appointments b where b.org_id = a.org_id
                                  and b.pathway_id = a.pathway_id and b.status = 'booked')`,
      );
      const heldAfterCancel = busy.filter(
        (r) => cancelledAway.some((c) => c.id === r.pathwayId) && unavailableToday.has(r.patient.id),
      );
      expect(heldAfterCancel.length).toBeGreaterThan(0);
      expect(heldAfterCancel.every((r) => onHoldIds.has(r.pathwayId))).toBe(true);
      // A cancelled appointment does not count as booked.
      const [cancelled] = await queryRows<{ n: number }>(
        h.db.db,
        sql`select count(*)::int as n from appointments where org_id = ${h.orgId} and status = 'cancelled'`,
      );
      expect(cancelled!.n).toBeGreaterThan(0);
    });

    it('partitions the list by status under every other filter: the three counts add up to the whole', async () => {
      const specialty = busy[0]!.specialty.code;
      const clinician = busy.find((r) => r.clinician !== null)!.clinician!.id;
      const filters = [
        '',
        `specialty=${specialty}`,
        `clinicianId=${clinician}`,
        'priority=routine',
        'minWeeks=6&maxWeeks=40',
        'breachBy=2027-01-31',
        'validationDue=true',
        `specialty=${specialty}&validationDue=false&sort=priority`,
      ];
      // limit=1: a full page, so each total is the count query's, not the page's length.
      const total = async (query: string) => (await page(`${query}&limit=1`)).total;
      for (const filter of filters) {
        const whole = await total(filter);
        const parts = await Promise.all(
          ['booked', 'not-booked', 'on-hold'].map((s) => total(`${filter}&status=${s}`)),
        );
        expect(whole, filter).toBeGreaterThan(1);
        expect(
          parts.reduce((a, b) => a + b, 0),
          `${filter}: booked ${parts[0]}, not booked ${parts[1]}, on hold ${parts[2]}`,
        ).toBe(whole);
      }
      // Unfiltered, each status has pathways of its own.
      for (const s of ['booked', 'not-booked', 'on-hold']) {
        expect(await total(`status=${s}`), s).toBeGreaterThan(1);
      }
    });

    it('combines the new filters with each other and with the others', async () => {
      const specialty = busy[0]!.specialty.code;
      const clinician = busy.find((r) => r.clinician !== null)!.clinician!.id;
      await check(
        `status=not-booked&validationDue=true`,
        (r) => r.appointment === null && !unavailableToday.has(r.patient.id) && r.validation.due,
      );
      await check(
        `specialty=${specialty}&status=booked&validationDue=false`,
        (r) => r.specialty.code === specialty && r.appointment !== null && !r.validation.due,
      );
      await check(
        `priority=routine&minWeeks=12&validationDue=true&breachBy=2027-02-28`,
        (r) =>
          r.priority === 'routine' &&
          r.weeksWaited >= 12 &&
          r.validation.due &&
          r.breachDates['18'] <= '2027-02-28',
      );
      const byConsultant = busy.filter((r) => r.clinician?.id === clinician);
      expect(byConsultant.length).toBeGreaterThan(2);
      const got = await everything(`sort=priority&clinicianId=${clinician}&status=not-booked`);
      expectSorted(
        got.rows,
        (r) => `${PRIORITY_RANK[r.priority]} ${r.clockStart} ${r.pathwayId}`,
        'priority within a status',
      );
      // A status's pages in priority order, over the whole list: the pages neither overlap nor skip.
      const held = await everything('sort=priority&status=on-hold');
      const heldInPages: PtlRow[] = [];
      for (let offset = 0; offset < held.total; offset += 7) {
        heldInPages.push(...(await page(`sort=priority&status=on-hold&limit=7&offset=${offset}`)).rows);
      }
      expect(heldInPages.map((r) => r.pathwayId)).toEqual(held.rows.map((r) => r.pathwayId));
      expectSorted(
        held.rows,
        (r) => `${PRIORITY_RANK[r.priority]} ${r.clockStart} ${r.pathwayId}`,
        'priority, on hold',
      );
      expect(got.rows.map((r) => r.pathwayId).sort()).toEqual(
        byConsultant
          .filter((r) => r.appointment === null && !unavailableToday.has(r.patient.id))
          .map((r) => r.pathwayId)
          .sort(),
      );
    });

    it('exports with the new filters', async () => {
      const res = await get('/api/v1/ptl/export?format=csv&status=booked&validationDue=true');
      expect(res.statusCode, res.body).toBe(200);
      const records = parse<Record<string, string>>(res.rawPayload, { bom: true, columns: true });
      expect(records).toHaveLength(busy.filter((r) => r.appointment !== null && r.validation.due).length);
      expect(new Set(records.map((r) => r['Next action']))).toEqual(new Set(['Attend appointment']));
    });
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import type { PtlPage, PtlRow } from '@pathflow/core';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading, type TestPage } from './support/harness';

/** The fixture's open pathways: Alice and Bob in Trauma and orthopaedics, Bob in ENT. */
const ALICE = '999 000 0018';
const BOB = '999 000 0026';

describe('the patient tracking list', () => {
  const suite = useWebHarness();
  let t: TestPage;

  const signedIn = async (role: string) => {
    t = await suite.signedIn(role);
    return t.page;
  };

  /** Signs in and opens the list from the home page's link, as a person would. */
  const openPtl = async (role = 'booking-clerk') => {
    const page = await signedIn(role);
    await page.getByRole('link', { name: 'View the patient tracking list' }).click();
    await waitForHeading(page, 'Patient tracking list');
    await page.getByText(/^Showing|^No patients match/).waitFor();
    return page;
  };

  const bodyRows = (page: Page) => page.locator('table tbody tr');
  const rowTexts = (page: Page) => bodyRows(page).allInnerTexts();

  /** Chooses filters by their labels and applies them. */
  const apply = async (page: Page, choices: Record<string, string>) => {
    for (const [label, value] of Object.entries(choices)) {
      await page.getByLabel(label, { exact: true }).selectOption(value);
    }
    await page.getByRole('button', { name: 'Apply' }).click();
  };

  it('opens from the home page and lists the patients waiting, with the summary', async () => {
    const page = await openPtl();
    expect(new URL(page.url()).pathname).toBe('/ptl');
    expect(await page.title()).toBe('Patient tracking list – Pathflow');
    expect(await focused(page)).toBe('H1: Patient tracking list');

    expect(await page.getByTestId('ptl-summary').innerText()).toBe(
      '3 patients waiting, 100% within 18 weeks',
    );
    expect(await page.getByRole('status').innerText()).toBe('Showing 1 to 3 of 3 patients');

    const table = page.getByRole('table', { name: 'Patients waiting' });
    const headers = await table.locator('thead th').allInnerTexts();
    expect(headers).toEqual([
      'Patient',
      'Specialty',
      'Consultant',
      'Priority',
      'Clock start',
      'Weeks waited',
      '18-week breach date',
      'Next action',
    ]);
    expect(await table.locator('th[scope="col"]').count()).toBe(8);
    expect(await table.locator('tbody th[scope="row"]').count()).toBe(3);

    const rows = await rowTexts(page);
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.includes(ALICE))).toHaveLength(1);
    expect(rows.filter((r) => r.includes(BOB))).toHaveLength(2);
    const alice = rows.find((r) => r.includes(ALICE)) ?? '';
    expect(alice).toContain('Example, Alice');
    expect(alice).toContain('Trauma and orthopaedics');
    expect(alice).toContain('Ada Surgeon');
    expect(alice).toContain('Routine');
    expect(alice).toContain('1 Sep 2026');
    // The 18-week breach date, as the server works it out, in the NHS's short date style.
    expect(alice).toMatch(/\t\d{1,2} Jan 2027\t/);
    expect(alice).toContain('Book first appointment');
    expect(alice).not.toContain('Breached');
    expect(await table.locator('.nhsuk-tag--grey', { hasText: 'Routine' }).count()).toBe(3);
    expect(await table.locator('td.nhsuk-table__cell--numeric').count()).toBe(3);

    // Three patients: one page, so no pagination.
    expect(await page.getByRole('navigation', { name: 'Pagination' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('filters by specialty in the address, and the back button goes back to every specialty', async () => {
    const page = await openPtl();
    await apply(page, { Specialty: '120' });
    await page.getByRole('table', { name: 'Patients waiting in Ear, nose and throat' }).waitFor();
    expect(new URL(page.url()).searchParams.get('specialty')).toBe('120');
    // The form stays in place, so focus stays on the button, and the new count is announced.
    expect(await focused(page)).toBe('BUTTON: Apply');
    expect(await page.getByRole('status').innerText()).toBe('Showing 1 to 1 of 1 patient');
    const rows = await rowTexts(page);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(BOB);
    expect(rows[0]).toContain('Ear, nose and throat');
    expect(await page.getByTestId('ptl-summary').innerText()).toBe(
      '1 patient waiting in Ear, nose and throat, 100% within 18 weeks',
    );

    // A bookmark of the view shows the same list.
    await page.reload();
    await page.getByRole('table', { name: 'Patients waiting in Ear, nose and throat' }).waitFor();
    expect(await bodyRows(page).count()).toBe(1);
    expect(await page.getByLabel('Specialty', { exact: true }).inputValue()).toBe('120');

    await page.goBack();
    await page.getByRole('table', { name: 'Patients waiting', exact: true }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await bodyRows(page).count()).toBe(3);
    expect(await page.getByLabel('Specialty', { exact: true }).inputValue()).toBe('');
  });

  it('sorts, asking the server for the order chosen', async () => {
    const page = await openPtl();
    // Wait for the list's own request in the order chosen: the page already shows 3 patients,
    // so waiting for the text alone could pass before the new request is made.
    const askedFor = (sort: string) =>
      page.waitForRequest((req) => {
        const url = new URL(req.url());
        return url.pathname === '/api/v1/ptl' && url.searchParams.get('sort') === sort;
      });
    let asked = askedFor('weeks-waited');
    await apply(page, { 'Sort by': 'weeks-waited' });
    let url = new URL((await asked).url());
    await page.waitForURL(/sort=weeks-waited/);
    await page.getByText('Showing 1 to 3 of 3 patients').waitFor();
    expect(url.searchParams.get('limit')).toBe('50');
    expect(url.searchParams.get('offset')).toBe('0');
    expect(await page.getByLabel('Sort by').inputValue()).toBe('weeks-waited');

    asked = askedFor('priority');
    await apply(page, { 'Sort by': 'priority' });
    url = new URL((await asked).url());
    await page.waitForURL(/sort=priority/);
    await page.getByText('Showing 1 to 3 of 3 patients').waitFor();
    expect(url.searchParams.get('limit')).toBe('50');
  });

  it('says plainly when no patients match, and has no accessibility problems', async () => {
    const page = await openPtl();
    await apply(page, { Priority: 'two-week-wait', 'Weeks waited': 'over-52' });
    await page.getByRole('status').getByText('No patients match these filters.').waitFor();
    const search = new URL(page.url()).searchParams;
    expect(search.get('priority')).toBe('two-week-wait');
    expect(search.get('weeks')).toBe('over-52');
    expect(await page.getByRole('table').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('links to the downloads with the filters chosen, and the downloads work', async () => {
    const page = await openPtl();
    await apply(page, { Specialty: '110', Priority: 'routine', 'Weeks waited': '18-to-52' });
    await page.waitForURL(/specialty=110/);
    await page.getByText(/^Showing|^No patients match/).waitFor();

    for (const [name, format] of [
      ['Download as Excel', 'xlsx'],
      ['Download as CSV', 'csv'],
    ] as const) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      const url = new URL(href ?? '', suite.h.baseUrl);
      expect(url.pathname).toBe('/api/v1/ptl/export');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        format,
        specialty: '110',
        priority: 'routine',
        minWeeks: '18',
        maxWeeks: '51',
        sort: 'breach-date',
      });
    }

    await apply(page, { 'Weeks waited': '' });
    await page.getByText('Showing 1 to 2 of 2 patients').waitFor();
    const csvHref = await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href');
    const csv = await t.context.request.get(new URL(csvHref ?? '', suite.h.baseUrl).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="ptl-.*\.csv"$/);
    const text = await csv.text();
    expect(text).toContain('Example, Alice');
    expect(text).not.toContain('Ear, nose and throat');
  });

  it('pages through a long list with NHS.UK pagination', async () => {
    const page = await signedIn('booking-clerk');
    const template: PtlRow = {
      pathwayId: '',
      ppid: 'XT1PPID000000',
      patient: { id: '', nhsNumber: '9990000018', name: 'Example, Alice', dateOfBirth: '1970-01-31' },
      specialty: { code: '110', name: 'Trauma and orthopaedics' },
      clinician: null,
      priority: 'two-week-wait',
      clockStart: '2026-01-05',
      daysWaited: 322,
      weeksWaited: 46,
      weekBand: 46,
      breachDates: {
        '18': '2026-05-11',
        '52': '2027-01-04',
        '65': '2027-04-05',
        '78': '2027-07-05',
        '104': '2028-01-03',
      },
      nextAction: { label: 'Book first appointment', due: '2026-11-30' },
      appointment: null,
      validation: { lastContact: null, due: false, dueOn: null },
    };
    await page.route('**/api/v1/ptl?*', async (route: Route) => {
      const url = new URL(route.request().url());
      const offset = Number(url.searchParams.get('offset'));
      const total = 120;
      const count = Math.min(50, total - offset);
      const body: PtlPage = {
        asOf: '2026-11-23',
        total,
        limit: 50,
        offset,
        rows: Array.from({ length: count }, (_, i) => ({
          ...template,
          pathwayId: `00000000-0000-4000-8000-${String(offset + i).padStart(12, '0')}`,
        })),
      };
      await route.fulfill({ json: body });
    });
    await page.getByRole('link', { name: 'View the patient tracking list' }).click();
    await page.getByText('Showing 1 to 50 of 120 patients').waitFor();
    const table = page.getByRole('table');
    expect(await table.locator('.nhsuk-tag--red', { hasText: 'Two-week wait' }).count()).toBe(50);
    expect(await table.locator('.nhsuk-tag--red', { hasText: 'Breached' }).count()).toBe(50);
    expect(await table.locator('tbody tr').first().innerText()).toContain('11 May 2026');

    const pagination = page.getByRole('navigation', { name: 'Pagination' });
    expect(await pagination.getByRole('link', { name: /Previous/ }).count()).toBe(0);
    await screenshot(page, 'ptl-paged');
    await pagination.getByRole('link', { name: /^Next page\s*:\s*51 to 100$/ }).click();
    await page.getByText('Showing 51 to 100 of 120 patients').waitFor();
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    expect(await focused(page)).toBe('H1: Patient tracking list');

    await pagination.getByRole('link', { name: /^Next page\s*:\s*101 to 120$/ }).click();
    await page.getByText('Showing 101 to 120 of 120 patients').waitFor();
    expect(await pagination.getByRole('link', { name: /Next/ }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await pagination.getByRole('link', { name: /^Previous page\s*:\s*51 to 100$/ }).click();
    await page.getByText('Showing 51 to 100 of 120 patients').waitFor();
  });

  it('shows the problem when the list cannot be loaded', async () => {
    const page = await signedIn('booking-clerk');
    await page.route('**/api/v1/ptl?*', (route: Route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        json: {
          type: 'about:blank',
          title: 'Service unavailable',
          status: 503,
          code: 'unavailable',
          detail: 'The database is not answering.',
        },
      }),
    );
    await page.getByRole('link', { name: 'View the patient tracking list' }).click();
    await page.getByRole('heading', { name: 'The patient tracking list is not available' }).waitFor();
    expect(await page.locator('.nhsuk-card--warning').innerText()).toContain(
      'The database is not answering. Try again later.',
    );
    expect(await axeViolations(page)).toEqual([]);
  });

  it('tells a booking clerk plainly when the server refuses them (403)', async () => {
    const page = await signedIn('booking-clerk');
    await page.route('**/api/v1/ptl?*', (route: Route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/problem+json',
        json: { type: 'about:blank', title: 'Forbidden', status: 403, code: 'forbidden', detail: '' },
      }),
    );
    await page.getByRole('link', { name: 'View the patient tracking list' }).click();
    await waitForHeading(page, 'You do not have access');
    expect(await page.title()).toBe('You do not have access – Pathflow');
  });

  it('has no link for a flow coordinator, and tells them plainly they do not have access', async () => {
    const page = await signedIn('flow-coordinator');
    const ptlRequests: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/api/v1/ptl')) ptlRequests.push(req.url());
    });
    expect(await page.getByRole('link', { name: /patient tracking list/i }).count()).toBe(0);

    await page.goto(`${suite.h.baseUrl}/ptl`);
    await waitForHeading(page, 'You do not have access');
    expect(await page.title()).toBe('You do not have access – Pathflow');
    expect(await page.locator('main').innerText()).toContain(
      'The patient tracking list is not part of your role as a patient flow coordinator.',
    );
    expect(await page.getByRole('table').count()).toBe(0);
    expect(ptlRequests).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);

    // The server says no too.
    const answer = await t.context.request.get(`${suite.h.baseUrl}/api/v1/ptl`);
    expect(answer.status()).toBe(403);
  });

  /** Today in London, as the server counts the list. */
  const londonToday = () =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());

  /**
   * Bob's ENT pathway validated today (so not due; the two orthopaedic pathways are, at over 12 weeks), and Bob
   * unavailable today (so his pathways are on hold). Undone afterwards: the other tests see the plain fixture.
   */
  const withActivity = async (run: () => Promise<void>) => {
    const { db, fixture } = suite.h;
    const today = londonToday();
    await db.db.execute(
      sql`update pathways set last_validated_on = ${today}, last_contact_on = ${today} where id = ${fixture.pathways.bobEnt}`,
    );
    await db.db.execute(sql`insert into patient_unavailability
        (org_id, id, patient_id, from_date, to_date, reason, recorded_by, recorded_at)
        values (${fixture.orgId}, gen_random_uuid(), ${fixture.patients.bob}, ${today}::date - 1, ${today}::date + 7,
                'Holiday', 'e2e', now())`);
    try {
      await run();
    } finally {
      await db.db.execute(
        sql`update pathways set last_validated_on = null, last_contact_on = null where id = ${fixture.pathways.bobEnt}`,
      );
      await db.db.execute(sql`delete from patient_unavailability where recorded_by = 'e2e'`);
    }
  };

  const fillBreachDate = async (page: Page, day: string, month: string, year: string) => {
    const group = page.getByRole('group', { name: /Breaches on or before/ });
    await group.getByLabel('Day').fill(day);
    await group.getByLabel('Month').fill(month);
    await group.getByLabel('Year').fill(year);
  };

  it('filters by consultant, booking status, validation and breach date, kept in the address', async () => {
    await withActivity(async () => {
      const page = await openPtl();
      // Every patient here has waited over 12 weeks with no validation but Bob's ENT pathway.
      expect(await page.locator('tbody .nhsuk-tag', { hasText: 'Validation due' }).count()).toBe(2);

      await apply(page, { Consultant: 'Ms Ada Surgeon' });
      await page.getByText('Showing 1 to 2 of 2 patients').waitFor();
      expect(new URL(page.url()).searchParams.get('consultant')).toMatch(/^[0-9a-f-]{36}$/);
      expect((await rowTexts(page)).every((r) => r.includes('Ada Surgeon'))).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      await apply(page, { 'Booking status': 'on-hold' });
      await page.getByText('Showing 1 to 1 of 1 patient').waitFor();
      expect(new URL(page.url()).searchParams.get('status')).toBe('on-hold');
      expect((await rowTexts(page))[0]).toContain(BOB);

      await apply(page, { 'Booking status': 'not-booked' });
      await page.waitForURL(/status=not-booked/);
      // The count reads the same as on hold's ("1 of 1"): wait for the new list's row, not for the count.
      await bodyRows(page).filter({ hasText: ALICE }).first().waitFor();
      await page.getByText('Showing 1 to 1 of 1 patient').waitFor();
      expect(await rowTexts(page)).toHaveLength(1);
      expect((await rowTexts(page))[0]).toContain(ALICE);

      await page.getByRole('link', { name: 'Clear filters and sort' }).click();
      await page.getByText('Showing 1 to 3 of 3 patients').waitFor();
      expect(new URL(page.url()).search).toBe('');

      await apply(page, { Validation: 'due' });
      await page.getByText('Showing 1 to 2 of 2 patients').waitFor();
      expect(new URL(page.url()).searchParams.get('validation')).toBe('due');
      expect((await rowTexts(page)).some((r) => r.includes('Ear, nose and throat'))).toBe(false);
      await apply(page, { Validation: 'not-due' });
      await page.waitForURL(/validation=not-due/);
      await page.getByText('Showing 1 to 1 of 1 patient').waitFor();
      expect((await rowTexts(page))[0]).toContain('Ear, nose and throat');
      await apply(page, { Validation: '' });
      await page.getByText('Showing 1 to 3 of 3 patients').waitFor();

      // The 18-week breach date of a clock started on 1 September 2026 is 6 January 2027.
      await fillBreachDate(page, '5', '1', '2027');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('status').getByText('No patients match these filters.').waitFor();
      expect(new URL(page.url()).searchParams.get('breachBy')).toBe('2027-01-05');
      await fillBreachDate(page, '6', '1', '2027');
      await apply(page, { 'Booking status': 'not-booked' });
      await page.waitForURL(/breachBy=2027-01-06/);
      await page.getByText('Showing 1 to 1 of 1 patient').waitFor();
      const search = new URL(page.url()).searchParams;
      expect(search.get('breachBy')).toBe('2027-01-06');
      expect(search.get('status')).toBe('not-booked');
      expect(await axeViolations(page)).toEqual([]);

      // The Excel download takes the same filters, as the API names them.
      const href = await page.getByRole('link', { name: 'Download as Excel' }).getAttribute('href');
      const url = new URL(href ?? '', suite.h.baseUrl);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        format: 'xlsx',
        breachBy: '2027-01-06',
        status: 'not-booked',
        sort: 'breach-date',
      });
      const xlsx = await t.context.request.get(url.toString());
      expect(xlsx.status()).toBe(200);
      expect(xlsx.headers()['content-type']).toContain('spreadsheetml');

      // A date that does not exist is refused on the page, with the NHS error summary.
      await fillBreachDate(page, '31', '2', '2027');
      await page.getByRole('button', { name: 'Apply' }).click();
      const summary = page.locator('.nhsuk-error-summary');
      await summary.waitFor();
      expect(await summary.innerText()).toContain('Breach date must be a real date');
      expect(await focused(page)).toMatch(/^DIV/);
      expect(new URL(page.url()).searchParams.get('breachBy')).toBe('2027-01-06');
      expect(await axeViolations(page)).toEqual([]);
    });
  });

  it("links each patient's name to their record", async () => {
    const page = await openPtl();
    await page.getByRole('link', { name: 'Example, Alice' }).click();
    await page.waitForURL(/\/patients\//);
    expect(new URL(page.url()).pathname).toBe(`/patients/${suite.h.fixture.patients.alice}`);
  });

  it('saves a view under a name, opens it, refuses a name used already, and deletes it', async () => {
    await withActivity(async () => {
      const page = await openPtl();
      await page.getByRole('heading', { name: 'Your saved views' }).waitFor();
      await page.getByText('You have no saved views.').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // Nothing to save without a name.
      await page.getByRole('button', { name: 'Save this view' }).click();
      await page.locator('.nhsuk-error-summary').getByText('Enter a name for this view').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await apply(page, { Specialty: '110', Validation: 'due' });
      await page.getByText('Showing 1 to 2 of 2 patients').waitFor();
      await page.getByLabel('Name for this view').fill('Orthopaedics to validate');
      await page.getByRole('button', { name: 'Save this view' }).click();
      await page
        .getByTestId('saved-views-outcome')
        .getByText('View saved: Orthopaedics to validate')
        .waitFor();
      await page.getByRole('link', { name: 'Orthopaedics to validate', exact: true }).waitFor();
      expect(await page.getByLabel('Name for this view').inputValue()).toBe('');
      expect(await page.locator('.nhsuk-error-summary').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      // The same name again: the server says so, by the field.
      await page.getByLabel('Name for this view').fill('Orthopaedics to validate');
      await page.getByRole('button', { name: 'Save this view' }).click();
      await page
        .locator('.nhsuk-error-summary')
        .getByText('You already have a view called "Orthopaedics to validate"')
        .waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // Opening the view from the whole list puts its filters back in the address and the form.
      await page.getByRole('link', { name: 'Clear filters and sort' }).click();
      await page.getByText('Showing 1 to 3 of 3 patients').waitFor();
      await page.getByRole('link', { name: 'Orthopaedics to validate', exact: true }).click();
      await page.getByText('Showing 1 to 2 of 2 patients').waitFor();
      const search = new URL(page.url()).searchParams;
      expect(search.get('specialty')).toBe('110');
      expect(search.get('validation')).toBe('due');
      expect(await page.getByLabel('Validation', { exact: true }).inputValue()).toBe('due');

      // Another user does not see it.
      const other = await suite.signedIn('team-leader');
      await other.page.getByRole('link', { name: 'View the patient tracking list' }).click();
      await other.page.getByText('You have no saved views.').waitFor();

      await page.getByRole('button', { name: 'Delete view Orthopaedics to validate' }).click();
      await page
        .getByTestId('saved-views-outcome')
        .getByText('View deleted: Orthopaedics to validate')
        .waitFor();
      await page.getByText('You have no saved views.').waitFor();
      expect(await focused(page)).toBe('H2: Your saved views');
      expect(await axeViolations(page)).toEqual([]);
    });
  });

  it('takes a screenshot', async () => {
    const page = await openPtl();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: '/tmp/pathflow-ptl.png', fullPage: true });
  });
});

/**
 * The breach forecast page's potential-breaches list beyond its first view: the specialty filter (kept in the
 * address, only that specialty's rows, and cleared again), paging past the first page, and what the page says
 * when the server refuses a request with a 400 (a specialty in the address it does not know, and what-ifs the
 * form lets through but the server refuses), and with page numbers in the address that cannot be pages. Each
 * list is compared with the API's own answer; axe on each state.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, beforeAll } from 'vitest';
import type { Locator, Page, Route } from 'playwright-core';
import type { PotentialBreachReason } from '@pathflow/core';
import { pathways, patients } from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { cells } from './support/tables';
import { useWebHarness, waitForHeading, type WebHarness } from './support/harness';
import { newNhsNumber, staffApi } from './support/referrals';
import { daysFromToday } from './support/work';

const SLOW_MS = 180_000;
const PAGE_SIZE = 25;
const TAG = 'EFF';

interface BreachPage {
  total: number;
  rows: {
    patient: { name: string };
    specialty: { code: string; name: string };
    reason: PotentialBreachReason;
  }[];
}

/** The reasons as the page words them, in the table's caption. */
const REASON_LABELS: Record<PotentialBreachReason, string> = {
  'no-capacity': 'No clinic of the right type in the next 26 weeks',
  unbooked: 'Not booked and unlikely to be seen in time',
  'patient-delay': 'Patient unavailable',
  'booked-after-breach': 'Booked after the breach date',
  'rebooking-risk': 'Likely to need rebooking',
};

/**
 * A waiting patient whose clock started `days` ago, not booked: with no clinics in the test data, everyone
 * waiting 100 days or so is a potential breach of 18 weeks. Family names are numbered so rows can be told apart.
 */
async function addNearBreach(
  h: WebHarness,
  p: { familyName: string; specialtyCode: string; days: number },
): Promise<void> {
  const orgId = h.fixture.orgId;
  const patientId = randomUUID();
  const nhsNumber = newNhsNumber();
  const start = daysFromToday(-p.days);
  await h.db.db.insert(patients).values({
    orgId,
    id: patientId,
    nhsNumber,
    mrn: `${TAG}${nhsNumber}`,
    givenName: 'Robin',
    familyName: p.familyName,
    dateOfBirth: '1968-07-09',
    sex: 'male',
    addressLine1: '5 Test Street',
    town: 'Leeds',
    postcode: 'LS1 4AP',
  });
  await h.db.db.insert(pathways).values({
    orgId,
    id: randomUUID(),
    patientId,
    ppid: `XT1${TAG}${nhsNumber}`,
    ppidIssuer: h.fixture.odsCode,
    specialtyCode: p.specialtyCode,
    source: 'gp-paper',
    priority: 'routine',
    referralReceivedDate: start,
    clockStartDate: start,
    status: 'open',
    rttRunning: true,
    rttPeriodStart: start,
  });
}

/** The patient names of the potential breaches table, top to bottom. */
const namesIn = (table: Locator) => table.locator('tbody tr th a').allInnerTexts();

/** The list's status line ("Showing 1 to 25 of 40 potential breaches"), once it has its answer. */
async function statusText(page: Page): Promise<string> {
  const status = page.getByRole('main').locator('#breaches-heading ~ p[role="status"]');
  await expect.poll(() => status.innerText(), { timeout: 120_000 }).not.toMatch(/^Working out|^$/);
  return status.innerText();
}

describe('breach forecast: filters, pages and refusals', () => {
  const suite = useWebHarness();

  // 34 potential breaches (30 in Trauma and orthopaedics, 4 in Ear, nose and throat) besides the fixture's:
  // more than one page of 25, fewer than two. Written before the first forecast, which is then cached.
  beforeAll(async () => {
    for (let i = 0; i < 30; i++) {
      await addNearBreach(suite.h, {
        familyName: `Ortho${String(i + 1).padStart(2, '0')}`,
        specialtyCode: '110',
        days: 95 + i,
      });
    }
    for (let i = 0; i < 4; i++) {
      await addNearBreach(suite.h, {
        familyName: `Throat${String(i + 1).padStart(2, '0')}`,
        specialtyCode: '120',
        days: 100 + i,
      });
    }
  });

  it(
    'filters the potential breaches by specialty, keeps it in the address, and clears it',
    async () => {
      const t = await suite.signedIn('service-manager');
      const { page } = t;
      await page.goto(`${suite.h.baseUrl}/forecast`);
      await waitForHeading(page, 'Breach forecast');
      const main = page.getByRole('main');
      const api = await staffApi(t, suite.h.baseUrl);

      const all = await api.get<BreachPage>(`/forecast/potential-breaches?limit=${PAGE_SIZE}&offset=0`);
      expect(all.status).toBe(200);
      expect(new Set(all.body.rows.map((r) => r.specialty.code))).toEqual(new Set(['110', '120']));
      const table = main.getByRole('table', { name: 'Potential breaches', exact: true });
      await table.waitFor({ timeout: 120_000 });
      expect(await namesIn(table)).toEqual(all.body.rows.map((r) => r.patient.name));

      // Ear, nose and throat only: the address says so, and every row is of that specialty.
      const ent = await api.get<BreachPage>(
        `/forecast/potential-breaches?limit=${PAGE_SIZE}&offset=0&specialty=120`,
      );
      expect(ent.status).toBe(200);
      expect(ent.body.total).toBeGreaterThanOrEqual(4);
      expect(ent.body.total).toBeLessThanOrEqual(PAGE_SIZE);
      const specialty = main.getByLabel('Specialty', { exact: true });
      await specialty.selectOption({ label: 'Ear, nose and throat' });
      await main.getByRole('button', { name: 'Apply' }).first().click();
      await page.waitForURL(/\/forecast\?specialty=120$/);
      const entTable = main.getByRole('table', { name: 'Potential breaches in Ear, nose and throat' });
      await entTable.waitFor({ timeout: 120_000 });
      expect(await namesIn(entTable)).toEqual(ent.body.rows.map((r) => r.patient.name));
      expect((await cells(entTable)).map((row) => row[1])).toEqual(
        ent.body.rows.map(() => 'Ear, nose and throat'),
      );
      expect(await statusText(page)).toBe(
        `Showing 1 to ${ent.body.total} of ${ent.body.total} potential breaches`,
      );
      expect(await specialty.inputValue()).toBe('120');
      expect(await main.locator('nav[aria-label="Pagination"]').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      // The address alone brings the filter back, and the reason filter keeps it.
      await page.reload();
      await waitForHeading(page, 'Breach forecast');
      await entTable.waitFor({ timeout: 120_000 });
      expect(await namesIn(entTable)).toEqual(ent.body.rows.map((r) => r.patient.name));
      expect(await specialty.inputValue()).toBe('120');
      const reason = ent.body.rows[0]!.reason;
      const entByReason = await api.get<BreachPage>(
        `/forecast/potential-breaches?limit=${PAGE_SIZE}&offset=0&specialty=120&reason=${reason}`,
      );
      expect(entByReason.body.total).toBeGreaterThan(0);
      await main.getByLabel('Reason').selectOption(reason);
      await main.getByRole('button', { name: 'Apply' }).nth(1).click();
      await page.waitForURL(new RegExp(`/forecast\\?specialty=120&reason=${reason}$`));
      const entByReasonTable = main.getByRole('table', {
        name: `Potential breaches in Ear, nose and throat: ${REASON_LABELS[reason].toLowerCase()}`,
      });
      await entByReasonTable.waitFor({ timeout: 120_000 });
      expect(await namesIn(entByReasonTable)).toEqual(entByReason.body.rows.map((r) => r.patient.name));

      // Cleared: every specialty again, and the address drops it (the reason stays).
      await specialty.selectOption({ label: 'All specialties' });
      await main.getByRole('button', { name: 'Apply' }).first().click();
      await page.waitForURL(new RegExp(`/forecast\\?reason=${reason}$`));
      const byReason = await api.get<BreachPage>(
        `/forecast/potential-breaches?limit=${PAGE_SIZE}&offset=0&reason=${reason}`,
      );
      expect(byReason.body.total).toBeGreaterThan(entByReason.body.total);
      const byReasonTable = main.getByRole('table', {
        name: `Potential breaches: ${REASON_LABELS[reason].toLowerCase()}`,
      });
      await byReasonTable.waitFor({ timeout: 120_000 });
      expect(await namesIn(byReasonTable)).toEqual(byReason.body.rows.map((r) => r.patient.name));
      const shown = new Set(byReason.body.rows.map((r) => r.specialty.name));
      expect(shown.size).toBe(2);
      expect(new Set((await cells(byReasonTable)).map((row) => row[1]))).toEqual(shown);
      expect(await specialty.inputValue()).toBe('');
      expect(await axeViolations(page)).toEqual([]);
    },
    SLOW_MS,
  );

  it(
    'pages through the potential breaches, as the API pages them',
    async () => {
      const t = await suite.signedIn('service-manager');
      const { page } = t;
      const api = await staffApi(t, suite.h.baseUrl);
      const first = await api.get<BreachPage>(`/forecast/potential-breaches?limit=${PAGE_SIZE}&offset=0`);
      const second = await api.get<BreachPage>(
        `/forecast/potential-breaches?limit=${PAGE_SIZE}&offset=${PAGE_SIZE}`,
      );
      const total = first.body.total;
      // The 34 written here and those of the fixture's that are near breach on today's date.
      expect(total).toBeGreaterThanOrEqual(34);
      expect(total).toBeLessThanOrEqual(2 * PAGE_SIZE);
      expect(second.body.rows).toHaveLength(total - PAGE_SIZE);

      await page.goto(`${suite.h.baseUrl}/forecast`);
      await waitForHeading(page, 'Breach forecast');
      const main = page.getByRole('main');
      const table = main.getByRole('table', { name: 'Potential breaches', exact: true });
      await table.waitFor({ timeout: 120_000 });
      expect(await statusText(page)).toBe(`Showing 1 to 25 of ${total} potential breaches`);
      const firstNames = await namesIn(table);
      expect(firstNames).toEqual(first.body.rows.map((r) => r.patient.name));
      const pagination = main.getByRole('navigation', { name: 'Pagination' });
      expect(await pagination.getByRole('link', { name: /Previous/ }).count()).toBe(0);
      const next = pagination.getByRole('link', { name: /Next/ });
      expect(await next.innerText()).toContain(`26 to ${total}`);

      await next.click();
      await page.waitForURL(/\/forecast\?page=2$/);
      await expect.poll(() => statusText(page)).toBe(`Showing 26 to ${total} of ${total} potential breaches`);
      const secondNames = await namesIn(table);
      expect(secondNames).toEqual(second.body.rows.map((r) => r.patient.name));
      expect(secondNames.filter((n) => firstNames.includes(n))).toEqual([]);
      expect(await pagination.getByRole('link', { name: /Next/ }).count()).toBe(0);
      const previous = pagination.getByRole('link', { name: /Previous/ });
      expect(await previous.innerText()).toContain('1 to 25');
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
      expect(await axeViolations(page)).toEqual([]);

      // Page 2 by its address, then back to page 1.
      await page.goto(`${suite.h.baseUrl}/forecast?page=2`);
      await waitForHeading(page, 'Breach forecast');
      await table.waitFor({ timeout: 120_000 });
      expect(await namesIn(table)).toEqual(secondNames);
      await pagination.getByRole('link', { name: /Previous/ }).click();
      await page.waitForURL(/\/forecast$/);
      await expect.poll(() => statusText(page)).toBe(`Showing 1 to 25 of ${total} potential breaches`);
      expect(await namesIn(table)).toEqual(firstNames);

      // Past the end: a way back to the first page, not an error.
      await page.goto(`${suite.h.baseUrl}/forecast?page=9`);
      await waitForHeading(page, 'Breach forecast');
      const back = main.getByRole('link', { name: 'Go to the first page' });
      await back.waitFor({ timeout: 120_000 });
      expect(await main.innerText()).toContain('There are no potential breaches on this page.');
      expect(await axeViolations(page)).toEqual([]);
      await back.click();
      await page.waitForURL(/\/forecast$/);
      await table.waitFor({ timeout: 120_000 });
      expect(await namesIn(table)).toEqual(firstNames);
    },
    SLOW_MS,
  );

  it(
    'says what is wrong when the server refuses the address, and the filter clears it',
    async () => {
      const t = await suite.signedIn('service-manager');
      const { page } = t;
      const main = page.getByRole('main');

      // A specialty code the organisation does not have: the server answers 400 naming it, for both lists.
      await page.goto(`${suite.h.baseUrl}/forecast?specialty=999`);
      await waitForHeading(page, 'Breach forecast');
      const api = await staffApi(t, suite.h.baseUrl);
      const refused = await api.get<{ code: string; errors: { field: string; message: string }[] }>(
        '/forecast/potential-breaches?limit=25&offset=0&specialty=999',
      );
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { field: '/query/specialty', message: 'There is no specialty with the code 999' },
      ]);
      const forecastCard = main.locator('.nhsuk-card--warning', {
        has: page.getByRole('heading', { name: 'The forecast is not available' }),
      });
      const breachesCard = main.locator('.nhsuk-card--warning', {
        has: page.getByRole('heading', { name: 'The potential breaches are not available' }),
      });
      await forecastCard.waitFor({ timeout: 120_000 });
      await breachesCard.waitFor({ timeout: 120_000 });
      expect(await forecastCard.innerText()).toContain('There is no specialty with the code 999');
      expect(await breachesCard.innerText()).toContain('There is no specialty with the code 999');
      expect(await main.getByRole('table').count()).toBe(0);
      expect(await main.locator('#breaches-heading ~ p[role="status"]').innerText()).toBe('');
      expect(await axeViolations(page)).toEqual([]);

      // The specialty filter shows "All specialties", and applying it, as it shows, clears the code.
      const specialty = main.getByLabel('Specialty', { exact: true });
      expect(await specialty.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text)).toBe(
        'All specialties',
      );
      await main.getByRole('button', { name: 'Apply' }).first().click();
      await page.waitForURL(/\/forecast$/);
      const table = main.getByRole('table', { name: 'Potential breaches', exact: true });
      await table.waitFor({ timeout: 120_000 });
      expect(await main.locator('.nhsuk-card--warning').count()).toBe(0);

      // A code that cannot be one (not letters and digits) is not sent: the page is every specialty's.
      const first = await api.get<BreachPage>(`/forecast/potential-breaches?limit=${PAGE_SIZE}&offset=0`);
      const firstNames = first.body.rows.map((r) => r.patient.name);
      const showing = `Showing 1 to 25 of ${first.body.total} potential breaches`;
      await page.goto(`${suite.h.baseUrl}/forecast?specialty=!!`);
      await waitForHeading(page, 'Breach forecast');
      await table.waitFor({ timeout: 120_000 });
      expect(await statusText(page)).toBe(showing);
      expect(await namesIn(table)).toEqual(firstNames);
      expect(await main.locator('.nhsuk-card--warning').count()).toBe(0);

      // Page numbers that are not pages show the first page; one far past the end offers the way back.
      for (const bad of ['abc', '0', '-2', '2.5', '1e308']) {
        await page.goto(`${suite.h.baseUrl}/forecast?page=${bad}`);
        await waitForHeading(page, 'Breach forecast');
        await table.waitFor({ timeout: 120_000 });
        expect(await statusText(page), `page=${bad}`).toBe(showing);
        expect(await namesIn(table), `page=${bad}`).toEqual(firstNames);
        expect(await main.locator('.nhsuk-card--warning').count(), `page=${bad}`).toBe(0);
      }
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(`${suite.h.baseUrl}/forecast?page=1000000000000`);
      await waitForHeading(page, 'Breach forecast');
      await main.getByRole('link', { name: 'Go to the first page' }).waitFor({ timeout: 120_000 });
      expect(await main.locator('.nhsuk-card--warning').count()).toBe(0);
    },
    SLOW_MS,
  );

  it(
    'shows the server’s refusal of a what-if in the error summary, by the field it names',
    async () => {
      const t = await suite.signedIn('service-manager');
      const { page } = t;
      await page.goto(`${suite.h.baseUrl}/forecast`);
      await waitForHeading(page, 'Breach forecast');
      const main = page.getByRole('main');
      const summary = page.locator('.nhsuk-error-summary');

      // What the form sends, changed on its way to the real server, which refuses it.
      let change: ((body: string) => string) | null = null;
      const answers: number[] = [];
      await page.route('**/api/v1/forecast/what-if', async (route: Route) => {
        const body = route.request().postData() ?? '';
        const response = await route.fetch(change ? { postData: change(body) } : {});
        answers.push(response.status());
        await route.fulfill({ response });
      });
      const adjust = (edit: (a: Record<string, unknown>) => void) => (body: string) => {
        const parsed = JSON.parse(body) as { adjustments: Record<string, unknown>[] };
        edit(parsed.adjustments[0]!);
        return JSON.stringify(parsed);
      };
      const submit = async () => {
        await main.getByRole('button', { name: 'Show what would change' }).click();
        await summary.waitFor({ timeout: 120_000 });
      };
      await main.getByLabel('Specialty to change').selectOption('110');
      await main.getByLabel('Places per week', { exact: true }).fill('5');

      // A specialty the organisation does not have: named by the server, linked to the specialty field.
      change = adjust((a) => (a.specialty = '999'));
      await submit();
      expect(answers).toEqual([400]);
      expect(await summary.getByRole('heading').innerText()).toBe('There is a problem');
      const specialtyLink = summary.getByRole('link', { name: 'There is no specialty with the code 999' });
      expect(await specialtyLink.getAttribute('href')).toBe('#what-if-specialty');
      expect(await main.locator('#what-if-specialty-error').innerText()).toContain(
        'There is no specialty with the code 999',
      );
      expect(await page.title()).toBe('Error: Breach forecast – Pathflow');
      expect(await main.locator('#what-if-result').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await specialtyLink.click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('what-if-specialty');

      // Places that are not a whole number: the server's own check, linked to the places field.
      change = adjust((a) => (a.placesPerWeek = 2.5));
      await submit();
      expect(answers).toEqual([400, 400]);
      const placesLink = summary.getByRole('link', { name: 'placesPerWeek must be integer' });
      expect(await placesLink.getAttribute('href')).toBe('#what-if-places');
      expect(await main.locator('#what-if-places-error').innerText()).toContain(
        'placesPerWeek must be integer',
      );
      expect(await main.locator('#what-if-specialty-error').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      // A request the server cannot read at all: its words, with no field to link to.
      change = () => '{"adjustments": [';
      await submit();
      expect(answers).toEqual([400, 400, 400]);
      expect(await summary.locator('li').innerText()).toBe('body must be object');
      expect(await summary.getByRole('link').count()).toBe(0);
      expect(await page.title()).toBe('Error: Breach forecast – Pathflow');
      expect(await axeViolations(page)).toEqual([]);

      // Sent as the form has it, the what-if is worked out and the errors go.
      change = null;
      await main.getByRole('button', { name: 'Show what would change' }).click();
      await main.getByRole('table', { name: 'Before and after the change' }).waitFor({ timeout: 120_000 });
      expect(answers).toEqual([400, 400, 400, 200]);
      expect(await summary.count()).toBe(0);
      expect(await page.title()).toBe('Breach forecast – Pathflow');
    },
    SLOW_MS,
  );
});

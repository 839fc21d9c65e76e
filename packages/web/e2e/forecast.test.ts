/**
 * The breach forecast page (issue 7): the summary and per-specialty and per-directorate figures, the list size
 * chart's table, the potential breaches (filtered by directorate, and by reason), a what-if that adds places and
 * one with a mistake, and a role without the waiting list. Every figure is compared with the API's own answer;
 * axe on each state.
 */
import { describe, expect, it } from 'vitest';
import { specialties } from '../../server/src/db/schema';
import { axeViolations } from './support/axe';
import { type ByThreshold, THRESHOLDS, cells, change, expected } from './support/tables';
import { addDashboardData } from './support/dashboard';
import { screenshot, useWebHarness, waitForHeading } from './support/harness';
import { staffApi } from './support/referrals';

const SLOW_MS = 180_000;
const WOMEN = "Women's and children's";
const count = (n: number) => n.toLocaleString('en-GB');

interface Totals {
  pathways: number;
  alreadyOver: ByThreshold;
  expectedBreaches: ByThreshold;
  listSizeAtHorizon: number;
  over18AtHorizon: number;
}

describe('breach forecast', () => {
  const suite = useWebHarness();

  it(
    'shows the forecast, the potential breaches and a what-if, as the API answers them',
    async () => {
      // A specialty of another directorate than the fixture's two (Surgery), with one patient near a breach.
      await suite.h.db.db
        .insert(specialties)
        .values({ orgId: suite.h.fixture.orgId, code: '420', name: 'Paediatrics', directorate: WOMEN });
      await addDashboardData(suite.h, {
        tag: 'EFC',
        waiting: [
          { days: 105, specialty: '420' },
          { days: 100, specialty: '110' },
          { days: 110, specialty: '110' },
          { days: 115, specialty: '110' },
          { days: 120, specialty: '120' },
          { days: 60, specialty: '110', bookIn: 100 },
          { days: 300, specialty: '110' },
        ],
        places: [{ inDays: 7, capacity: 1, booked: 0 }],
      });
      const t = await suite.signedIn('service-manager');
      const { page } = t;
      await page.goto(`${suite.h.baseUrl}/dashboard`);
      await waitForHeading(page, 'Dashboards');
      await page.getByRole('main').getByRole('link', { name: 'See the breach forecast and what-if' }).click();
      await waitForHeading(page, 'Breach forecast');
      expect(await page.title()).toBe('Breach forecast – Pathflow');
      const main = page.getByRole('main');
      await main
        .getByRole('table', { name: /Patients over each waiting time now/ })
        .waitFor({ timeout: 120_000 });

      const api = await staffApi(t, suite.h.baseUrl);
      const forecast = await api.get<{
        weeks: number;
        totals: Totals & { potentialBreaches: number };
        specialties: {
          name: string;
          pathways: number;
          alreadyOver: ByThreshold;
          expectedBreaches: ByThreshold;
          potentialBreaches: number;
        }[];
        directorates: { name: string | null; expectedBreaches: ByThreshold; potentialBreaches: number }[];
      }>('/forecast');
      expect(forecast.status).toBe(200);
      const f = forecast.body;
      expect(await cells(main.getByRole('table', { name: /Patients over each waiting time now/ }))).toEqual(
        THRESHOLDS.map((k) => [
          `${k} weeks`,
          count(f.totals.alreadyOver[k]),
          expected(f.totals.expectedBreaches[k]),
        ]),
      );
      const list = main.locator('#list-size');
      await expect.poll(() => list.innerText()).toContain(count(f.totals.pathways));
      expect(await list.innerText()).toContain(expected(f.totals.listSizeAtHorizon));
      expect(
        await cells(
          main.getByRole('table', { name: `Expected breaches by specialty in the next ${f.weeks} weeks` }),
        ),
      ).toEqual(
        f.specialties.map((s) => [
          s.name,
          count(s.pathways),
          count(s.alreadyOver['18']),
          expected(s.expectedBreaches['18']),
          expected(s.expectedBreaches['52']),
          count(s.potentialBreaches),
        ]),
      );
      expect(await main.locator('[data-chart="list-size-forecast"] .app-chart__row').count()).toBe(f.weeks);
      expect(f.directorates.map((d) => d.name)).toEqual(['Surgery', WOMEN]);
      expect(
        await cells(
          main.getByRole('table', { name: `Expected breaches by directorate in the next ${f.weeks} weeks` }),
        ),
      ).toEqual(
        f.directorates.map((d) => [
          d.name ?? 'No directorate',
          expected(d.expectedBreaches['18']),
          expected(d.expectedBreaches['52']),
          count(d.potentialBreaches),
        ]),
      );

      // The potential breaches, as the API lists them.
      const breaches = await api.get<{
        total: number;
        rows: { patient: { name: string }; reason: string }[];
      }>('/forecast/potential-breaches?limit=25&offset=0');
      expect(breaches.body.total).toBeGreaterThan(0);
      const table = main.getByRole('table', { name: 'Potential breaches' });
      await table.waitFor();
      expect(await table.locator('tbody tr th a').allInnerTexts()).toEqual(
        breaches.body.rows.map((r) => r.patient.name),
      );
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-summary');

      // One directorate, chosen beside the specialty: its specialties' potential breaches only, in the address.
      type BreachRows = { total: number; rows: { patient: { name: string }; specialty: { name: string } }[] };
      const women = await api.get<BreachRows>(
        `/forecast/potential-breaches?limit=25&offset=0&directorate=${encodeURIComponent(WOMEN)}`,
      );
      expect(women.status).toBe(200);
      expect(women.body.total).toBeGreaterThan(0);
      expect(women.body.total).toBeLessThan(breaches.body.total);
      const directorate = main.getByLabel('Directorate', { exact: true });
      expect(await directorate.locator('option').allInnerTexts()).toEqual([
        'All directorates',
        'Surgery',
        WOMEN,
      ]);
      await directorate.selectOption(WOMEN);
      await main.getByRole('button', { name: 'Apply' }).first().click();
      await page.waitForURL(/\/forecast\?directorate=Women%27s\+and\+children%27s$/);
      const womenTable = main.getByRole('table', { name: `Potential breaches in the ${WOMEN} directorate` });
      await womenTable.waitFor({ timeout: 120_000 });
      const womenCells = await cells(womenTable);
      expect(await womenTable.locator('tbody tr th a').allInnerTexts()).toEqual(
        women.body.rows.map((r) => r.patient.name),
      );
      expect(womenCells.map((row) => [row[1], row[2]])).toEqual(
        women.body.rows.map((r) => [r.specialty.name, WOMEN]),
      );
      expect(await directorate.inputValue()).toBe(WOMEN);
      // The forecast itself is still the organisation's.
      expect(await list.innerText()).toContain(count(f.totals.pathways));
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-directorate');

      // Cleared: every directorate again.
      await directorate.selectOption({ label: 'All directorates' });
      await main.getByRole('button', { name: 'Apply' }).first().click();
      await page.waitForURL(/\/forecast$/);
      const allTable = main.getByRole('table', { name: 'Potential breaches', exact: true });
      await allTable.waitFor();
      expect(await allTable.locator('tbody tr th a').allInnerTexts()).toEqual(
        breaches.body.rows.map((r) => r.patient.name),
      );
      expect(await directorate.inputValue()).toBe('');

      // Filter by the first row's reason: the address keeps it.
      const reason = breaches.body.rows[0]!.reason;
      const filtered = await api.get<{ total: number; rows: { patient: { name: string } }[] }>(
        `/forecast/potential-breaches?limit=25&offset=0&reason=${reason}`,
      );
      await main.getByLabel('Reason').selectOption(reason);
      await main.getByRole('button', { name: 'Apply' }).nth(1).click();
      await page.waitForURL(new RegExp(`reason=${reason}`));
      const filteredTable = main.getByRole('table', { name: /^Potential breaches: / });
      await filteredTable.waitFor();
      expect(await filteredTable.locator('tbody tr').count()).toBe(filtered.body.rows.length);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-filtered');

      // A what-if with a mistake: no specialty, and places that are not a whole number.
      await main.getByLabel('Places per week', { exact: true }).fill('2.5');
      await main.getByRole('button', { name: 'Show what would change' }).click();
      const summary = page.locator('.nhsuk-error-summary');
      await summary.waitFor();
      expect(await summary.innerText()).toContain('Select a specialty');
      expect(await summary.innerText()).toContain('The number of places per week must be a whole number');
      expect(await page.title()).toBe('Error: Breach forecast – Pathflow');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if-error');

      // A what-if that adds places: the figures are the API's, and breaches do not go up.
      await main.getByLabel('Specialty to change').selectOption('110');
      await main.getByLabel('Places per week', { exact: true }).fill('20');
      await main.getByRole('button', { name: 'Show what would change' }).click();
      const result = main.getByRole('table', { name: 'Before and after the change' });
      await result.waitFor({ timeout: 120_000 });
      const whatIf = await api.post<{ weeks: number; before: Totals; after: Totals; change: Totals }>(
        '/forecast/what-if',
        { adjustments: [{ specialty: '110', slotType: 'new', placesPerWeek: 20 }] },
      );
      expect(whatIf.status).toBe(200);
      const w = whatIf.body;
      expect(w.after.expectedBreaches['18']).toBeLessThanOrEqual(w.before.expectedBreaches['18']);
      const rows = await cells(result);
      expect(rows.slice(0, 4)).toEqual(
        THRESHOLDS.map((k) => [
          `Expected to pass ${k} weeks`,
          expected(w.before.expectedBreaches[k]),
          expected(w.after.expectedBreaches[k]),
          change(w.after.expectedBreaches[k] - w.before.expectedBreaches[k]),
        ]),
      );
      expect(rows[4]).toEqual([
        `Expected on the waiting list in ${w.weeks} weeks`,
        expected(w.before.listSizeAtHorizon),
        expected(w.after.listSizeAtHorizon),
        change(w.after.listSizeAtHorizon - w.before.listSizeAtHorizon),
      ]);
      expect(await main.innerText()).toContain('This is a what-if: no clinics or slots have been changed.');
      expect(await page.locator('.nhsuk-error-summary').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-what-if');
    },
    SLOW_MS,
  );

  it(
    'says a role without the waiting list has no access',
    async () => {
      const { page } = await suite.signedIn('flow-coordinator');
      await page.goto(`${suite.h.baseUrl}/forecast`);
      await waitForHeading(page, 'You do not have access');
      expect(await page.getByRole('main').innerText()).toContain('Seeing the breach forecast');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'forecast-no-access');
    },
    SLOW_MS,
  );
});

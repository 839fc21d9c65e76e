/**
 * The dashboards: the waiting list by weeks waited per specialty, the 18-week breaches coming up and clinic
 * utilisation by week, each drawn as SVG bars with a sentence for screen readers and every figure in a table
 * under it. The figures are worked out here from the data written. Also: one chart failing, and a role
 * without access. axe on each state.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { cells } from './support/tables';
import { useWebHarness, waitForHeading, type TestPage } from './support/harness';
import {
  addDashboardData,
  bandOf,
  dayOf,
  expectedForecast,
  isoOf,
  mondayOf,
  today,
  type DashboardData,
} from './support/dashboard';

const SLOW_MS = 60_000;
const short = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDate = (iso: string) => short.format(new Date(`${iso}T00:00:00Z`)).replace('Sept', 'Sep');
const count = (n: number) => n.toLocaleString('en-GB');
const percent = (booked: number, places: number) =>
  `${(Math.round((booked * 1000) / places) / 10).toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`;

async function openTable(page: Page, chart: string, caption: string): Promise<Locator> {
  const section = page.getByRole('region', { name: chart, exact: true });
  await section.getByText('Show the figures as a table').click();
  const table = section.getByRole('table', { name: caption });
  await table.waitFor();
  return table;
}

describe('dashboards', () => {
  const suite = useWebHarness();
  let t: TestPage;
  let data: DashboardData | undefined;
  const ready = async () => {
    data ??= await addDashboardData(suite.h, {
      tag: 'EDB',
      waiting: [
        { days: 0, specialty: '120' },
        { days: 126, specialty: '110' },
        { days: 127, specialty: '110' },
        { days: 200, specialty: '120', bookIn: 30 },
        { days: 365, specialty: '110' },
        { days: 460, specialty: '110' },
        { days: 600, specialty: '120' },
        { days: 100, specialty: '110', bookIn: 5 }, // breaches in 27 days, booked in time
        { days: 110, specialty: '120', bookIn: 20 }, // breaches in 17 days, booked after
        { days: 90, specialty: '110' }, // breaches in 37 days, not booked
      ],
      places: [
        { inDays: 0, capacity: 2, booked: 1 },
        { inDays: 7, capacity: 4, booked: 4 },
        { inDays: 21, capacity: 5, booked: 0 },
      ],
    });
    return data;
  };

  it(
    'draws the three charts, with every figure in the tables under them',
    async () => {
      const d = await ready();
      t = await suite.signedIn('service-manager');
      const { page } = t;
      await page.getByRole('link', { name: 'Dashboards: waiting times, breaches and clinic use' }).click();
      await waitForHeading(page, 'Dashboards');
      expect(await page.title()).toBe('Dashboards – Pathflow');

      // The waiting list by weeks band.
      const now = dayOf(today());
      const bands = (code: string | null) => {
        const n = [0, 0, 0, 0, 0];
        for (const w of d.waiting)
          if (code === null || w.specialty === code) n[bandOf(now - dayOf(w.start))]! += 1;
        return [...n.map(count), count(n.reduce((a, b) => a + b, 0))];
      };
      const waitingChart = page.locator('[data-chart="waiting-list"]');
      await waitingChart.waitFor();
      expect(await waitingChart.locator('.app-chart__label').allInnerTexts()).toEqual([
        'Ear, nose and throat',
        'Trauma and orthopaedics',
      ]);
      const all = bands(null);
      expect(await page.getByRole('img', { name: /patients waiting:/ }).getAttribute('aria-labelledby')).toBe(
        'waiting-list-summary',
      );
      expect(await page.locator('#waiting-list-summary').innerText()).toBe(
        `${all[5]} patients waiting: ${all[0]} for 0 to 17 weeks, ${all[1]} for 18 to 51 weeks, ${all[2]} for 52 to 64 weeks, ${all[3]} for 65 to 77 weeks, ${all[4]} for 78 weeks or more.`,
      );
      // The ENT bar: one segment per band with patients in it, in band order.
      const ent = waitingChart.locator('.app-chart__row').first();
      const entBands = bands('120').slice(0, 5).map(Number);
      expect(
        await ent
          .locator('[data-series]')
          .evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-series'), r.getAttribute('data-value')])),
      ).toEqual(
        ['weeks0to17', 'weeks18to51', 'weeks52to64', 'weeks65to77', 'weeks78plus']
          .map((k, i) => [k, String(entBands[i])])
          .filter(([, v]) => v !== '0'),
      );
      expect(await axeViolations(page)).toEqual([]);

      const waitingTable = await openTable(
        page,
        'Waiting list by weeks waited',
        `Patients waiting by specialty and weeks waited, on ${shortDate(today())}`,
      );
      expect(await cells(waitingTable)).toEqual([
        ['Ear, nose and throat', ...bands('120')],
        ['Trauma and orthopaedics', ...bands('110')],
        ['All specialties', ...all],
      ]);

      // The breaches coming up, 12 weeks from this Monday.
      const forecast = expectedForecast(d.waiting, 12);
      const breachChart = page.locator('[data-chart="breach-forecast"]');
      expect(await breachChart.locator('.app-chart__row').count()).toBe(12);
      const breachTable = await openTable(
        page,
        '18-week breaches coming up',
        'Patients who pass 18 weeks each week, Monday to Sunday, if not treated',
      );
      expect(await cells(breachTable)).toEqual(
        forecast.map((w, i) => [
          `${shortDate(w.weekStart)} to ${shortDate(w.weekEnd)}${i === 0 ? ` (from ${shortDate(isoOf(now + 1))})` : ''}`,
          count(w.notBooked),
          count(w.bookedAfter),
          count(w.bookedBefore),
          count(w.total),
        ]),
      );
      // Written out: of those added, 126 and 90 days not booked, 110 booked after, 100 booked in time; the
      // fixture's three (clock start 1 September 2026, not booked) when their breach date is in the 12 weeks.
      const sum = (k: 'notBooked' | 'bookedAfter' | 'bookedBefore') => forecast.reduce((n, w) => n + w[k], 0);
      const fixtureBreach = dayOf('2026-09-01') + 127;
      const fixtureIn = fixtureBreach > now && fixtureBreach <= dayOf(mondayOf(today())) + 83 ? 3 : 0;
      expect([sum('notBooked'), sum('bookedAfter'), sum('bookedBefore')]).toEqual([2 + fixtureIn, 1, 1]);
      const breached = d.waiting.filter((w) => dayOf(w.start) + 127 <= now);
      const breachedBooked = breached.filter((w) => w.bookedOn !== null).length;
      await page
        .getByText(
          `Already over 18 weeks: ${breached.length} patients (${breachedBooked} booked, ${breached.length - breachedBooked} not booked).`,
        )
        .waitFor();

      // Clinic utilisation, 8 weeks from this Monday.
      const monday = dayOf(mondayOf(today()));
      const weeks = Array.from({ length: 8 }, (_, i) => {
        const from = monday + 7 * i;
        const inWeek = d.places.filter((p) => dayOf(p.date) >= from && dayOf(p.date) <= from + 6);
        const places = inWeek.reduce((n, p) => n + p.capacity, 0);
        const booked = inWeek.reduce((n, p) => n + p.booked, 0);
        return { from, places, booked };
      });
      const utilisationChart = page.locator('[data-chart="utilisation"]');
      expect(await utilisationChart.locator('.app-chart__value').allInnerTexts()).toEqual(
        weeks.map((w) => (w.places === 0 ? 'No clinics' : percent(w.booked, w.places))),
      );
      const utilisationTable = await openTable(
        page,
        'Clinic utilisation by week',
        'Clinic places booked each week, Monday to Sunday',
      );
      expect(await cells(utilisationTable)).toEqual(
        weeks.map((w) => [
          `${shortDate(isoOf(w.from))} to ${shortDate(isoOf(w.from + 6))}`,
          count(w.places),
          count(w.booked),
          w.places === 0 ? 'No clinics' : percent(w.booked, w.places),
        ]),
      );
      expect(await axeViolations(page)).toEqual([]);
    },
    SLOW_MS,
  );

  it('says when one chart cannot be loaded, and still shows the others', async () => {
    t = await suite.signedIn('booking-clerk');
    const { page } = t;
    await page.route('**/api/v1/dashboard/breach-forecast?*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Service unavailable',
          status: 503,
          code: 'unavailable',
          detail: '',
        }),
      }),
    );
    await page.goto(`${suite.h.baseUrl}/dashboard`);
    await waitForHeading(page, 'Dashboards');
    await page.getByRole('heading', { name: 'The breach figures are not available' }).waitFor();
    await page.locator('[data-chart="waiting-list"]').waitFor();
    await page.locator('[data-chart="utilisation"]').waitFor();
    expect(await page.locator('[data-chart="breach-forecast"]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('tells a role without waiting lists or clinics that they have no access', async () => {
    t = await suite.signedIn('care-coordinator');
    const { page } = t;
    expect(await page.getByRole('link', { name: /^Dashboards/ }).count()).toBe(0);
    await page.goto(`${suite.h.baseUrl}/dashboard`);
    await waitForHeading(page, 'You do not have access');
    await page.getByText('Seeing the dashboards is not part of your role as a care coordinator.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});

/**
 * The home page by role: "My work" (tasks assigned to me, to do and overdue in my teams, my next tasks) and
 * the alerts (18-week breaches this week, under-booked clinics in the next 2 weeks) for a booking clerk and a
 * service manager, with the figures worked out here from the data written; nothing of it for a flow
 * coordinator, who does not even ask for it. axe on each state.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { useWebHarness, type TestPage } from './support/harness';
import { addTasks, daysFromToday, patientOf } from './support/work';
import {
  addDashboardData,
  dayOf,
  expectedForecast,
  isoOf,
  today,
  type DashboardData,
} from './support/dashboard';

const SLOW_MS = 60_000;
const longDate = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  timeZone: 'UTC',
});
const weekday = (iso: string) => longDate.format(new Date(`${iso}T00:00:00Z`)).replace(',', '');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

async function myWork(page: Page): Promise<string[]> {
  const list = page.getByTestId('my-work');
  await list.waitFor();
  // Each item's own line (the overdue item may list its teams beneath it).
  return (await list.locator(':scope > li').allInnerTexts()).map((t) =>
    t.split('\n')[0]!.replace(/\s+/g, ' ').trim(),
  );
}

describe('the home page by role', () => {
  const suite = useWebHarness();
  let t: TestPage;
  let data: DashboardData | undefined;
  const ready = async () => {
    if (data) return data;
    data = await addDashboardData(suite.h, {
      tag: 'EHM',
      waiting: [
        { days: 126, specialty: '110' }, // breaches tomorrow (when tomorrow is still this week), not booked
        { days: 125, specialty: '120', bookIn: 0 }, // breaches in 2 days, booked today: in time
        { days: 130, specialty: '110' }, // already over 18 weeks
      ],
      places: [
        { inDays: 1, capacity: 4, booked: 1 }, // 25% booked: under-booked
        { inDays: 8, capacity: 2, booked: 2 },
      ],
    });
    return data;
  };

  /** Sessions from today to 13 days ahead with under 85% of places booked (one clinic here). */
  const underBooked = (d: DashboardData) => {
    const from = dayOf(today());
    const byDate = new Map<string, { capacity: number; booked: number }>();
    for (const p of d.places) {
      if (dayOf(p.date) < from || dayOf(p.date) > from + 13) continue;
      const s = byDate.get(p.date) ?? { capacity: 0, booked: 0 };
      s.capacity += p.capacity;
      s.booked += p.booked;
      byDate.set(p.date, s);
    }
    return [...byDate.values()].filter((s) => s.booked * 100 < 85 * s.capacity).length;
  };

  async function expectAlerts(page: Page, d: DashboardData) {
    const [week] = expectedForecast(d.waiting, 1);
    const breach = page.getByTestId('breach-alert');
    await breach.waitFor();
    const already = d.waiting.filter((w) => dayOf(w.start) + 127 <= dayOf(today())).length;
    expect(already).toBe(1);
    if (week!.total === 0) {
      // Sunday: nothing is left to breach this week.
      expect(await breach.innerText()).toContain('No patients breach 18 weeks this week.');
    } else {
      const text = (await breach.innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(
        `${plural(week!.total, 'patient breaches', 'patients breach')} 18 weeks this week`,
      );
      expect(text).toContain(
        `By ${weekday(week!.weekEnd)}, if they are not treated. ${week!.notBooked + week!.bookedAfter} of them`,
      );
      expect(text).toContain('1 patient is already over 18 weeks.');
      const link = breach.getByRole('link', { name: /on the patient tracking list/ });
      expect(await link.getAttribute('href')).toBe(`/ptl?breachBy=${week!.weekEnd}`);
    }
    const under = page.getByTestId('under-booked-alert');
    await under.waitFor();
    const sessions = underBooked(d);
    expect(sessions).toBe(1);
    const text = (await under.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('1 clinic under-booked in the next 2 weeks');
    expect(text).toContain('1 session has fewer than 85% of their places booked.');
    expect(await under.getByRole('link', { name: 'See the clinics to fill' }).getAttribute('href')).toBe(
      '/clinics',
    );
  }

  it(
    'shows a booking clerk their work, the overdue tasks and the alerts',
    async () => {
      const d = await ready();
      const clerkId = suite.h.fixture.users['booking-clerk'].id;
      const pathwayId = suite.h.fixture.pathways.aliceOrthopaedics;
      const patientId = await patientOf(suite.h, pathwayId);
      await addTasks(suite.h, [
        {
          type: 'call-patient',
          team: 'booking-110',
          ownerId: clerkId,
          patientId,
          pathwayId,
          dueDate: daysFromToday(-3),
          detail: { rule: 'manual' },
        },
        {
          type: 'book-transport',
          team: 'booking-110',
          ownerId: clerkId,
          patientId,
          pathwayId,
          dueDate: daysFromToday(4),
          detail: { rule: 'manual' },
        },
        {
          type: 'call-patient',
          team: 'booking-120',
          patientId,
          pathwayId,
          dueDate: daysFromToday(-1),
          detail: { rule: 'manual' },
        },
      ]);
      t = await suite.signedIn('booking-clerk');
      const { page } = t;

      expect(await myWork(page)).toEqual([
        '2 tasks assigned to you, 1 overdue',
        '3 tasks to do in your teams',
        '2 tasks overdue in your teams',
      ]);
      const work = page.getByTestId('my-work');
      expect(await work.getByRole('link', { name: '2 tasks assigned to you' }).getAttribute('href')).toBe(
        '/tasks?show=mine',
      );
      // Overdue in two teams: one link to each team's overdue list, so that each list holds what it says.
      const overdueLinks = work.getByRole('link', { name: /overdue: / });
      expect(await overdueLinks.allInnerTexts()).toEqual([
        '1 task overdue: Booking team, Trauma and orthopaedics (110)',
        '1 task overdue: Booking team, Ear, nose and throat (120)',
      ]);
      expect(await overdueLinks.first().getAttribute('href')).toBe('/tasks?team=booking-110&show=overdue');
      // Mine, in the order the queue is worked (priority first: transport is high), the overdue one tagged.
      const next = page.getByTestId('my-tasks');
      const items = (await next.locator('li').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
      expect(items).toHaveLength(2);
      expect(items[0]).toMatch(/^Book patient transport: Example, Alice, due \d+ \w+ \d{4}$/);
      expect(items[1]).toMatch(/^Call the patient: Example, Alice, due \d+ \w+ \d{4} Overdue$/);
      await expectAlerts(page, d);

      // The header's menu: the sections a clerk uses, Home not among them (the logo goes home).
      const menu = page.getByRole('navigation', { name: 'Menu' });
      expect(await menu.getByRole('link').allInnerTexts()).toEqual([
        'Waiting list',
        'Referrals',
        'Clinics',
        'Reception',
        'Work queues',
        'Messages',
        'Dashboards',
      ]);
      expect(await menu.locator('[aria-current]').count()).toBe(0);

      // The pages a booking clerk uses, one link each in the page.
      const main = page.getByRole('main');
      for (const [name, href] of [
        ['View the patient tracking list', '/ptl'],
        ['Book appointments from the patient tracking list', '/ptl'],
        ['Reception: check patients in', '/reception'],
        ['Work queues', '/tasks'],
        ['Messages to patients', '/messages'],
        ['Dashboards: waiting times, breaches and clinic use', '/dashboard'],
        ['See the access policy', '/access-policy'],
      ] as const) {
        expect(await main.getByRole('link', { name, exact: true }).getAttribute('href'), name).toBe(href);
      }
      expect(await main.getByRole('link', { name: 'Clinics', exact: true }).getAttribute('href')).toBe(
        '/clinics',
      );
      // Still one table on the page: the waiting lists.
      await page.getByRole('table', { name: 'Patients waiting by specialty' }).waitFor();
      expect(await page.getByRole('table').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);

      await overdueLinks.first().click();
      await page.getByRole('heading', { level: 1, name: 'Work queues' }).waitFor();
      expect(new URL(page.url()).search).toBe('?team=booking-110&show=overdue');
      const overdueRows = page.getByRole('main').locator('tbody tr', { hasText: 'Call the patient' });
      await overdueRows.first().waitFor();
      expect(await overdueRows.count()).toBe(1);
      // The menu says where the clerk is, and takes them to another section.
      const current = menu.locator('[aria-current="page"]');
      expect(await current.innerText()).toBe('Work queues');
      await menu.getByRole('link', { name: 'Waiting list' }).click();
      await page.getByRole('heading', { level: 1, name: 'Patient tracking list' }).waitFor();
      expect(await current.innerText()).toBe('Waiting list');
      expect(await axeViolations(page)).toEqual([]);
    },
    SLOW_MS,
  );

  it(
    'shows a service manager their queue and the alerts, and no booking links',
    async () => {
      const d = await ready();
      await addTasks(suite.h, [
        {
          type: 'escalate-capacity',
          team: 'management-110',
          dueDate: daysFromToday(-1),
          detail: { rule: 'manual' },
        },
      ]);
      t = await suite.signedIn('service-manager');
      const { page } = t;
      expect(await myWork(page)).toEqual([
        '0 tasks assigned to you',
        '1 task to do in your teams',
        '1 task overdue in your teams',
      ]);
      expect(await page.getByTestId('my-tasks').count()).toBe(0);
      await expectAlerts(page, d);
      expect(await page.getByRole('link', { name: 'Reception: check patients in' }).count()).toBe(0);
      expect(
        await page
          .getByRole('main')
          .getByRole('link', { name: /^Dashboards/ })
          .count(),
      ).toBe(1);
      // No Reception in the menu either: a service manager does not book.
      expect(await page.getByRole('navigation', { name: 'Menu' }).getByRole('link').allInnerTexts()).toEqual([
        'Waiting list',
        'Referrals',
        'Clinics',
        'Work queues',
        'Messages',
        'Dashboards',
      ]);
      expect(await axeViolations(page)).toEqual([]);
    },
    SLOW_MS,
  );

  it('says plainly when there is nothing to alert about', async () => {
    t = await suite.signedIn('clinician');
    const { page } = t;
    // Fulfilled by the browser: a week with no breaches and no sessions under-booked.
    const sunday = isoOf(dayOf(today()) + 3);
    await page.route('**/api/v1/dashboard/breach-forecast?weeks=1', (route) =>
      route.fulfill({
        json: {
          asOf: today(),
          weeks: [
            {
              weekStart: today(),
              weekEnd: sunday,
              countedFrom: today(),
              total: 0,
              bookedBeforeBreach: 0,
              bookedAfterBreach: 0,
              notBooked: 0,
            },
          ],
          alreadyBreached: { total: 0, booked: 0, notBooked: 0 },
        },
      }),
    );
    await page.route('**/api/v1/utilisation/flags', (route) =>
      route.fulfill({ json: { from: today(), to: sunday, days: 14, threshold: 85, sessions: [] } }),
    );
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByText('No patients breach 18 weeks this week.').waitFor();
    await page.getByText('No clinics are under-booked in the next 2 weeks.').waitFor();
    expect(await page.locator('.nhsuk-card--warning').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('shows a flow coordinator none of it, and asks for none of it', async () => {
    t = await suite.newPage();
    const { page } = t;
    const asked: string[] = [];
    page.on('request', (req) => {
      if (/\/api\/v1\/(dashboard|tasks|utilisation)/.test(req.url())) asked.push(req.url());
    });
    await page.goto(`${suite.h.baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('flow-coordinator');
    await page.getByLabel('Password', { exact: true }).fill('Correct-horse-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByText('Waiting lists are not part of your role').waitFor();
    for (const name of ['My work', 'Alerts', 'Dashboards', 'Booking and reception']) {
      expect(await page.getByRole('heading', { name }).count(), name).toBe(0);
    }
    expect(asked).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
  });
});

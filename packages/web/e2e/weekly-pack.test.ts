/**
 * The weekly waiting list pack end to end: before the first pack (no messages, "no weekly pack has been made
 * yet"); the week's pack produced as the Monday schedule produces it, with patients waiting over a year and no
 * clinic ahead so that specialties are escalated; a service manager's "Messages for you" on the home page, its
 * link to the work queue, the escalation task's reasons, and marking the messages read; the reports page's
 * stored pack and its downloads (fetched with the page's own cookies); and a role without the waiting list,
 * which has no link and no access. What the pages show is compared with the API's and the database's own
 * answers; axe on each state.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { StaffMessages, TaskDetail } from '@pathflow/core';
import { tasks } from '../../server/src/db/schema';
import { produceWeeklyPack, type ProducedPack } from '../../server/src/features/weekly-pack/schedule';
import { axeViolations } from './support/axe';
import { addDashboardData, mondayOf, today } from './support/dashboard';
import { useWebHarness, waitForHeading, type TestPage } from './support/harness';
import { staffApi } from './support/referrals';

const SLOW_MS = 180_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PDF = 'application/pdf';

/** "2026-11-30" → "30 November 2026", as the pages write dates. */
const longDate = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T12:00:00Z`));
const patients = (n: number) => `${n} ${n === 1 ? 'patient' : 'patients'}`;

/** What the task page says was found, for each reason in an escalation task's detail. */
function foundRows(detail: Record<string, unknown>): string[] {
  const n = (key: string) => detail[key] as number;
  const words: Record<string, () => string> = {
    'forecast-52-weeks': () => `About ${patients(Math.max(1, n('expected52')))} expected to pass 52 weeks`,
    'no-capacity': () => `${patients(n('noCapacity'))} at risk with no clinic of the right type booked ahead`,
    'demand-exceeds-capacity': () =>
      `More referrals than patients seen each week (load ${n('load').toFixed(2)})`,
    'long-waits-rising': () =>
      `${n('over52Change')} more ${n('over52Change') === 1 ? 'patient' : 'patients'} waiting over 52 weeks than last week`,
  };
  return (detail.reasons as string[]).map((r) => {
    const say = words[r];
    if (!say) throw new Error(`An escalation reason the test does not know: ${r}`);
    return say();
  });
}

/** The rows of a summary list as [key, value] pairs, whitespace collapsed. */
async function summaryRows(list: Locator): Promise<[string, string][]> {
  return list.locator('.nhsuk-summary-list__row').evaluateAll((rows) =>
    rows.map((row) => {
      const text = (selector: string) =>
        (row.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
      return [text('dt'), text('dd')] as [string, string];
    }),
  );
}

/** Fetches a download link's address with the page's own cookies, as the browser would on a click. */
async function fetchLink(page: Page, link: Locator) {
  const href = await link.getAttribute('href');
  expect(href).not.toBeNull();
  const res = await page.request.get(new URL(href!, page.url()).toString());
  return { href: href!, res, body: await res.body() };
}

/** Waits for the home page's call for the person's messages, and for the page to settle after it. */
async function homeWithMessages(t: TestPage, baseUrl: string): Promise<void> {
  const answered = t.page.waitForResponse(
    (r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/v1/me/messages',
  );
  await t.page.goto(`${baseUrl}/`);
  await waitForHeading(t.page, 'Home');
  expect((await answered).status()).toBe(200);
  await t.page.waitForLoadState('networkidle');
}

describe('the weekly waiting list pack', () => {
  const suite = useWebHarness();
  let produced: ProducedPack | undefined;

  // Trauma and orthopaedics: patients waiting close to a year and over it, with no clinic ahead (the clinic
  // written has no slots), so that the week's pack escalates the specialty. Ear, nose and throat has only the
  // fixture's patient.
  beforeAll(async () => {
    await addDashboardData(suite.h, {
      tag: 'EWP',
      waiting: [330, 340, 350, 380, 400].map((days) => ({ days, specialty: '110' })),
      places: [],
    });
  });

  /** The week's pack, produced once as the schedule would produce it this morning. */
  const ready = async (): Promise<ProducedPack> => {
    if (produced) return produced;
    const made = await produceWeeklyPack(suite.h.db.db, suite.h.fixture.orgId, new Date(), { runs: 20 });
    expect(made).not.toBeNull();
    produced = made!;
    return produced;
  };

  /** The escalation tasks the pack made, from the database. */
  const escalationTasks = () =>
    suite.h.db.db
      .select({ id: tasks.id, team: tasks.team })
      .from(tasks)
      .where(and(eq(tasks.orgId, suite.h.fixture.orgId), eq(tasks.type, 'escalate-capacity')));

  // First in the file (the tests run in order): no test before it has made the week's pack.
  it(
    'says no pack has been made yet, and shows no messages, before the first pack',
    async () => {
      const t = await suite.signedIn('service-manager');
      const { page } = t;
      const main = page.getByRole('main');
      await homeWithMessages(t, suite.h.baseUrl);
      const api = await staffApi(t, suite.h.baseUrl);
      const mine = await api.get<StaffMessages>('/me/messages');
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual({ unread: 0, messages: [] });
      expect(await main.getByRole('heading', { name: 'Messages for you' }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      const dashboards = main.getByRole('region', { name: 'Dashboards' });
      await dashboards.getByRole('link', { name: 'Weekly waiting list pack' }).click();
      await waitForHeading(page, 'Weekly waiting list pack');
      expect(new URL(page.url()).pathname).toBe('/reports/weekly');
      expect(await page.title()).toBe('Weekly waiting list pack – Pathflow');
      await main
        .getByText('No weekly pack has been made yet. The first is made on Monday at 7am.')
        .waitFor({ timeout: 60_000 });
      expect(await main.getByRole('table').count()).toBe(0);
      const packs = await api.get<{ packs: unknown[] }>('/reports/weekly-packs');
      expect(packs.body).toEqual({ packs: [] });
      expect(await axeViolations(page)).toEqual([]);
    },
    SLOW_MS,
  );

  it(
    'tells a service manager of the escalations: the message, the work queue and the task, then marks it read',
    async () => {
      const made = await ready();
      const escalated = await escalationTasks();
      expect(made.tasks).toBe(escalated.length);
      expect(escalated.map((e) => e.team)).toContain('management-110');
      // One message for the week to the only service manager (who has every specialty).
      expect(made.messages).toBe(1);

      const t = await suite.signedIn('service-manager');
      const { page } = t;
      const main = page.getByRole('main');
      const api = await staffApi(t, suite.h.baseUrl);
      const mine = await api.get<StaffMessages>('/me/messages');
      expect(mine.status).toBe(200);
      expect(mine.body.unread).toBe(1);
      expect(mine.body.messages).toHaveLength(1);
      const message = mine.body.messages[0]!;
      expect(message.readAt).toBeNull();
      const n = escalated.length;
      expect(message.subject).toBe(
        `Weekly waiting-list pack: ${n} ${n === 1 ? 'specialty needs' : 'specialties need'} action`,
      );
      const bullets = message.body
        .split('\n')
        .filter((line) => line.startsWith('- '))
        .map((line) => line.slice(2));
      expect(bullets).toHaveLength(n);
      expect(bullets.some((b) => b.startsWith('Trauma and orthopaedics: '))).toBe(true);
      expect(message.link).toBe(n === 1 ? '/tasks?team=management-110' : '/tasks');

      // The home page's card, as the API has the message.
      const section = main.getByRole('region', { name: 'Messages for you' });
      await section.waitFor({ timeout: 60_000 });
      expect(await section.getByRole('paragraph').first().innerText()).toBe('You have 1 unread message.');
      const card = section.locator('.nhsuk-card');
      expect(await card.count()).toBe(1);
      const heading = card.getByRole('heading', { level: 3 });
      expect((await heading.innerText()).replace(/\s+/g, ' ').trim()).toBe(`New ${message.subject}`);
      expect(await heading.locator('.nhsuk-tag').innerText()).toBe('New');
      expect(await card.locator('ul.nhsuk-list--bullet > li').allInnerTexts()).toEqual(bullets);
      const text = await card.innerText();
      expect(text).toContain(message.body.split('\n')[0]);
      expect(text).toContain(
        'Each has a task on your work queue. The pack and the forecast are in Pathflow.',
      );
      const markAll = section.getByRole('button', { name: 'Mark all as read' });
      expect(await markAll.count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);

      // Its link goes to the work queue, which lists the escalation tasks.
      await card.getByRole('link', { name: 'Go to your work queue' }).click();
      await waitForHeading(page, 'Work queues');
      const url = new URL(page.url());
      expect(`${url.pathname}${url.search}`).toBe(message.link);
      const caption = n === 1 ? 'All tasks on Management team, Trauma and orthopaedics (110)' : 'All tasks';
      const table = main.getByRole('table', { name: caption, exact: true });
      await table.waitFor({ timeout: 60_000 });
      const taskLinks = table.getByRole('link', { name: 'Escalate: not enough capacity' });
      expect(await taskLinks.count()).toBe(n);
      expect(await axeViolations(page)).toEqual([]);

      // Each escalation task's page says why, for which week, and what was found, as its detail has it.
      const weekStart = mondayOf(today());
      const hrefs = await taskLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(new Set(hrefs.map((h) => h?.replace('/tasks/', '')))).toEqual(
        new Set(escalated.map((e) => e.id)),
      );
      let sawOrthopaedics = false;
      for (let i = 0; i < n; i++) {
        await page.goto(`${suite.h.baseUrl}${hrefs[i]!}`);
        await waitForHeading(page, 'Task – Escalate: not enough capacity');
        const detail = await api.get<TaskDetail>(`/tasks/${hrefs[i]!.replace('/tasks/', '')}`);
        expect(detail.status).toBe(200);
        const d = detail.body.detail!;
        expect(d.rule).toBe('WEEKLY-PACK-escalation');
        expect(d.weekStart).toBe(weekStart);
        const summary = page.locator('.nhsuk-summary-list');
        await summary.waitFor();
        const rows = await summaryRows(summary);
        const why = rows.findIndex(([key]) => key === 'Why');
        expect(rows.slice(why, why + 2 + (d.reasons as string[]).length)).toEqual([
          ['Why', 'The weekly waiting list pack found a risk'],
          ['Pack for the week beginning', longDate(weekStart)],
          ...foundRows(d).map((value) => ['Found', value]),
        ]);
        expect(rows.find(([key]) => key === 'Queue')?.[1]).toBe(
          d.specialtyCode === '110'
            ? 'Management team, Trauma and orthopaedics (110)'
            : 'Management team, Ear, nose and throat (120)',
        );
        if (d.specialtyCode === '110') {
          sawOrthopaedics = true;
          // Waits close to a year with no clinic ahead: some will pass 52 weeks, and none can be booked.
          expect(d.reasons).toEqual(expect.arrayContaining(['forecast-52-weeks', 'no-capacity']));
          expect(d.noCapacity as number).toBeGreaterThanOrEqual(5);
          // Waits of 380 and 400 days pass 65 weeks within the forecast: urgent.
          expect(detail.body.priority).toBe('urgent');
          expect(rows.find(([key]) => key === 'Priority')?.[1]).toBe('Urgent');
        }
        expect(await axeViolations(page)).toEqual([]);
      }
      expect(sawOrthopaedics).toBe(true);

      // Mark all as read: the form's own request, then no unread messages and no button.
      await page.goto(`${suite.h.baseUrl}/`);
      await waitForHeading(page, 'Home');
      await section.waitFor({ timeout: 60_000 });
      const marked = page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/me/messages/read',
      );
      await markAll.click();
      const answer = await marked;
      expect(answer.status()).toBe(200);
      expect(answer.request().postDataJSON()).toEqual({});
      expect(await answer.json()).toEqual({ marked: 1, unread: 0 });
      await section.getByText('You have no unread messages.').waitFor();
      expect(await markAll.count()).toBe(0);
      expect(await card.locator('.nhsuk-tag').count()).toBe(0);
      expect((await heading.innerText()).trim()).toBe(message.subject);
      expect(await section.locator('.nhsuk-error-message').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      // Read stays read.
      const after = await api.get<StaffMessages>('/me/messages');
      expect(after.body.unread).toBe(0);
      expect(after.body.messages[0]!.readAt).not.toBeNull();
      await page.reload();
      await waitForHeading(page, 'Home');
      await section.getByText('You have no unread messages.').waitFor({ timeout: 60_000 });
      expect(await markAll.count()).toBe(0);
    },
    SLOW_MS,
  );

  it(
    'lists the stored pack with its downloads, and downloads this week’s pack as it is now',
    async () => {
      const made = await ready();
      const t = await suite.signedIn('service-manager');
      const { page } = t;
      const main = page.getByRole('main');
      await page.goto(`${suite.h.baseUrl}/reports/weekly`);
      await waitForHeading(page, 'Weekly waiting list pack');

      const api = await staffApi(t, suite.h.baseUrl);
      const list = await api.get<{ packs: { id: string; weekStart: string; createdAt: string }[] }>(
        '/reports/weekly-packs',
      );
      expect(list.status).toBe(200);
      expect(list.body.packs.map((p) => p.id)).toEqual([made.packId]);
      const weekStart = mondayOf(today());
      expect(list.body.packs[0]!.weekStart).toBe(weekStart);

      const table = main.getByRole('table', { name: 'Weekly packs, newest first' });
      await table.waitFor({ timeout: 60_000 });
      const rows = table.locator('tbody tr');
      expect(await rows.count()).toBe(1);
      expect(await rows.locator('th').innerText()).toBe(longDate(weekStart));
      const produced = await rows.locator('td').first().innerText();
      expect(produced).toMatch(
        new RegExp(
          `^(\\d{1,2}(:\\d{2})?(am|pm)|midday|midnight) on ${longDate(today())}\\s+Every Monday at 7am$`,
        ),
      );
      expect(await main.getByText('No weekly pack has been made yet', { exact: false }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      // The stored week's downloads, fetched with the page's cookies.
      // Each link's name says which week it is (its visually hidden part: Chromium reads it as "Excel , …").
      const named = (format: string) => new RegExp(`^${format} ?, week beginning ${longDate(weekStart)}$`);
      const excel = await fetchLink(page, rows.getByRole('link', { name: named('Excel') }));
      expect(excel.href).toBe(`/api/v1/reports/weekly-packs/${made.packId}.xlsx`);
      expect(excel.res.status()).toBe(200);
      expect(excel.res.headers()['content-type']).toContain(XLSX);
      expect(excel.res.headers()['content-disposition']).toBe(
        `attachment; filename="weekly-pack-${suite.h.fixture.odsCode}-${made.asOf}.xlsx"`,
      );
      expect(excel.body.subarray(0, 2).toString('latin1')).toBe('PK');
      const pdf = await fetchLink(page, rows.getByRole('link', { name: named('PDF') }));
      expect(pdf.href).toBe(`/api/v1/reports/weekly-packs/${made.packId}.pdf`);
      expect(pdf.res.status()).toBe(200);
      expect(pdf.res.headers()['content-type']).toContain(PDF);
      expect(pdf.res.headers()['content-disposition']).toBe(
        `attachment; filename="weekly-pack-${suite.h.fixture.odsCode}-${made.asOf}.pdf"`,
      );
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      // This week's pack as it is now.
      const now = await fetchLink(page, main.getByRole('link', { name: 'Download as an Excel workbook' }));
      expect(now.href).toBe('/api/v1/reports/weekly.xlsx');
      expect(now.res.status()).toBe(200);
      expect(now.res.headers()['content-type']).toContain(XLSX);
      expect(now.res.headers()['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="weekly-pack-${suite.h.fixture.odsCode}-${today()}\\.xlsx"$`),
      );
      expect(now.body.subarray(0, 2).toString('latin1')).toBe('PK');
      const nowPdf = await fetchLink(
        page,
        main.getByRole('link', { name: 'Download a PDF summary with charts' }),
      );
      expect(nowPdf.href).toBe('/api/v1/reports/weekly.pdf');
      expect(nowPdf.res.status()).toBe(200);
      expect(nowPdf.res.headers()['content-type']).toContain(PDF);
      expect(nowPdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    },
    SLOW_MS,
  );

  it(
    'gives a role without the waiting list no link and no access, and another person no messages',
    async () => {
      const made = await ready();
      const t = await suite.signedIn('flow-coordinator');
      const { page } = t;
      const main = page.getByRole('main');
      await homeWithMessages(t, suite.h.baseUrl);
      expect(await page.getByRole('link', { name: 'Weekly waiting list pack' }).count()).toBe(0);
      expect(await main.getByRole('heading', { name: 'Messages for you' }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      await page.goto(`${suite.h.baseUrl}/reports/weekly`);
      await waitForHeading(page, 'You do not have access');
      expect(await page.title()).toBe('You do not have access – Pathflow');
      expect(await main.innerText()).toContain(
        'The weekly waiting list pack is not part of your role as a patient flow coordinator.',
      );
      expect(await main.getByRole('link', { name: /^Download/ }).count()).toBe(0);
      expect(await main.getByRole('table').count()).toBe(0);
      // The server refuses the downloads too.
      for (const path of ['/api/v1/reports/weekly.xlsx', `/api/v1/reports/weekly-packs/${made.packId}.pdf`]) {
        const res = await page.request.get(`${suite.h.baseUrl}${path}`);
        expect(res.status(), path).toBe(403);
      }
      expect(await axeViolations(page)).toEqual([]);

      // A booking clerk reads the waiting list, so has the link, but the messages were the service manager's.
      const clerk = await suite.signedIn('booking-clerk');
      await homeWithMessages(clerk, suite.h.baseUrl);
      const clerkMain = clerk.page.getByRole('main');
      expect(
        await clerkMain
          .getByRole('region', { name: 'Dashboards' })
          .getByRole('link', { name: 'Weekly waiting list pack' })
          .count(),
      ).toBe(1);
      expect(await clerkMain.getByRole('heading', { name: 'Messages for you' }).count()).toBe(0);
      const clerkApi = await staffApi(clerk, suite.h.baseUrl);
      expect((await clerkApi.get<StaffMessages>('/me/messages')).body).toEqual({ unread: 0, messages: [] });
    },
    SLOW_MS,
  );
});

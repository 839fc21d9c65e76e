import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { useWebHarness, waitForHeading, type TestPage } from './support/harness';
import { addTasks, daysFromToday, queueMessages } from './support/work';

/** A walk through several pages: room for a machine shared with other work. */
const SLOW_MS = 90_000;

/** Calls the API as the member of staff signed in on this page (the session cookie and its CSRF token). */
async function asStaff(t: TestPage, baseUrl: string) {
  const { request } = t.context;
  const session = await request.get(`${baseUrl}/api/v1/auth/session`);
  expect(session.status()).toBe(200);
  const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  const send = async (method: 'PATCH' | 'POST' | 'GET', path: string, data?: object) => {
    const res = await request.fetch(`${baseUrl}/api/v1${path}`, {
      method,
      ...(data ? { data } : {}),
      headers: { 'x-csrf-token': csrf },
    });
    return { status: res.status(), body: (await res.json()) as Record<string, unknown> };
  };
  return send;
}

describe('the patient record and pathway pages', () => {
  const suite = useWebHarness();
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  it(
    'shows a booking clerk the record with its communication-needs banner, and the pathway’s RTT timeline',
    async () => {
      const t = await suite.signedIn('booking-clerk');
      const { page } = t;
      const { patients, pathways } = suite.h.fixture;
      const api = await asStaff(t, suite.h.baseUrl);
      // No fixture patient has communication needs: record some, as staff would.
      const changed = await api('PATCH', `/patients/${patients.alice}`, {
        communicationNeeds: ['bsl', 'large-print'],
        phone: '0113 496 0000',
      });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      const event = await api('POST', `/pathways/${pathways.aliceOrthopaedics}/rtt-events`, {
        date: '2026-10-05',
        code: '10',
        note: 'Seen in clinic',
      });
      expect(event.status, JSON.stringify(event.body)).toBe(201);
      const [taskId] = await addTasks(suite.h, [
        {
          type: 'call-patient',
          team: 'booking-110',
          patientId: patients.alice,
          pathwayId: pathways.aliceOrthopaedics,
          dueDate: daysFromToday(2),
          detail: { rule: 'manual' },
        },
      ]);
      const [messageId] = await queueMessages(suite.h, [
        {
          patientId: patients.alice,
          pathwayId: pathways.aliceOrthopaedics,
          kind: 'partial-booking-invitation',
        },
      ]);

      await page.goto(`${suite.h.baseUrl}/patients/${patients.alice}`);
      await waitForHeading(page, 'Alice Example');
      expect(await page.title()).toBe('Alice Example – Pathflow');
      const banner = page.getByRole('region', { name: 'Important' });
      expect(await banner.innerText()).toContain(
        'Communication needs: needs a British Sign Language interpreter; large print letters',
      );
      // The banner comes straight after the heading, before the personal details.
      const order = await page
        .locator('h1, .nhsuk-notification-banner, dl')
        .evaluateAll((els) => els.map((el) => el.tagName));
      expect(order.slice(0, 3)).toEqual(['H1', 'DIV', 'DL']);
      const details = await page.locator('dl.nhsuk-summary-list').innerText();
      expect(details).toContain('999 000 0018');
      expect(details).toContain('31 January 1970');
      expect(details).toMatch(/\(\d+ years old\)/);
      expect(details).toContain('1 Test Street');
      expect(details).toContain('0113 496 0000');

      const pathwaysTable = page.getByRole('table', { name: 'Pathways, open first' });
      await pathwaysTable.waitFor();
      const open = pathwaysTable.locator('tbody tr', { hasText: 'XT1PPID000001' });
      expect(await open.innerText()).toContain('6 January 2027');
      expect(await open.innerText()).toContain('Not booked');
      const book = open.getByRole('link', { name: 'Book an appointment for trauma and orthopaedics' });
      expect(await book.getAttribute('href')).toBe(`/pathways/${pathways.aliceOrthopaedics}/book`);
      // The closed pathway cannot be booked.
      const closed = pathwaysTable.locator('tbody tr', { hasText: 'XT1PPID000004' });
      expect(await closed.innerText()).toContain('Closed');
      expect(await closed.getByRole('link', { name: /Book an appointment/ }).count()).toBe(0);

      await page.getByRole('heading', { level: 2, name: 'Appointments' }).waitFor();
      await page.getByText('The patient has no appointments.').waitFor();
      const messages = page.getByRole('table', { name: 'Letters and messages, newest first' });
      expect(await messages.getByRole('link', { name: 'Invitation to book' }).getAttribute('href')).toBe(
        `/messages/${messageId}`,
      );
      const tasks = page.getByRole('table', { name: 'Tasks, in the order they should be worked' });
      expect(await tasks.getByRole('link', { name: 'Call the patient' }).getAttribute('href')).toBe(
        `/tasks/${taskId}`,
      );
      // A booking clerk does not read the audit trail: the section is left out.
      expect(await page.getByRole('heading', { name: 'Audit trail' }).count()).toBe(0);
      await expectAxeClean(page);

      // The pathway's RTT timeline.
      await open.getByRole('link', { name: 'Trauma and orthopaedics', exact: true }).click();
      await waitForHeading(page, 'Trauma and orthopaedics pathway');
      const summary = await page.locator('dl.nhsuk-summary-list').innerText();
      expect(summary).toContain('Running since 1 September 2026');
      expect(summary).toContain('6 January 2027');
      expect(summary).toContain('Ms Ada Surgeon');
      const timeline = page.getByRole('list', { name: 'RTT timeline' });
      const entries = await timeline.locator('li').allInnerTexts();
      expect(entries[0]).toContain('1 September 2026: Referral received');
      expect(entries[1]).toContain('5 October 2026: Code 10');
      expect(entries[1]).toContain('First appointment or other first care. The clock keeps running.');
      expect(entries[1]).toContain('Note: Seen in clinic');
      expect(entries.at(-2)).toContain('Today');
      expect(entries.at(-1)).toContain('6 January 2027: 18-week breach date');
      const periods = page.getByRole('table', { name: 'Clock periods, oldest first' });
      expect(await periods.locator('tbody tr').allInnerTexts()).toEqual([
        expect.stringMatching(/1 September 2026\s+Still running\s+Not stopped.*Running/s),
      ]);
      expect(await page.getByRole('link', { name: 'Book an appointment' }).getAttribute('href')).toBe(
        `/pathways/${pathways.aliceOrthopaedics}/book`,
      );
      await expectAxeClean(page);

      // Back to the patient.
      await page.getByRole('link', { name: 'Back to Alice Example’s record' }).click();
      await waitForHeading(page, 'Alice Example');
    },
    SLOW_MS,
  );

  it(
    'explains a stopped clock on the timeline',
    async () => {
      const t = await suite.signedIn('booking-clerk');
      const { page } = t;
      const { pathways } = suite.h.fixture;
      const api = await asStaff(t, suite.h.baseUrl);
      const stop = await api('POST', `/pathways/${pathways.bobEnt}/rtt-events`, {
        date: '2026-10-20',
        code: '30',
      });
      expect(stop.status, JSON.stringify(stop.body)).toBe(201);

      await page.goto(`${suite.h.baseUrl}/pathways/${pathways.bobEnt}`);
      await waitForHeading(page, 'Ear, nose and throat pathway');
      expect(await page.locator('dl.nhsuk-summary-list').innerText()).toContain('Stopped');
      const entries = await page.getByRole('list', { name: 'RTT timeline' }).locator('li').allInnerTexts();
      expect(entries).toHaveLength(2);
      expect(entries[1]).toContain('20 October 2026: Code 30');
      expect(entries[1]).toContain('First treatment started. The clock stopped.');
      const periods = page.getByRole('table', { name: 'Clock periods, oldest first' });
      const row = await periods.locator('tbody tr').innerText();
      expect(row).toContain('20 October 2026');
      expect(row).toContain('first treatment (code 30)');
      expect(row).toContain('7 weeks (49 days)');
      // Nothing to book on a stopped clock.
      expect(await page.getByRole('link', { name: 'Book an appointment' }).count()).toBe(0);
      await expectAxeClean(page);
    },
    SLOW_MS,
  );

  it(
    'shows an administrator the record’s audit trail, without the patient’s details',
    async () => {
      const { patients } = suite.h.fixture;
      const clerk = await suite.signedIn('booking-clerk');
      const read = await (await asStaff(clerk, suite.h.baseUrl))('GET', `/patients/${patients.bob}`);
      expect(read.status).toBe(200);

      const { page } = await suite.signedIn('admin');
      await page.goto(`${suite.h.baseUrl}/patients/${patients.bob}`);
      await waitForHeading(page, 'Audit trail of a patient’s record');
      expect(
        await page
          .getByText('Reading patients’ records is not part of your role as an administrator')
          .count(),
      ).toBe(1);
      const audit = page.getByRole('table', { name: /^Audit trail, newest first/ });
      const row = audit.locator('tbody tr', { hasText: 'Looked at the patient’s record' }).first();
      await row.waitFor();
      expect(await row.innerText()).toContain('Booking clerk');
      expect(await page.getByText('Bob').count()).toBe(0);
      await expectAxeClean(page);
    },
    SLOW_MS,
  );

  it(
    'leaves out what a role does not include, and says plainly when the record is not theirs to see',
    async () => {
      const { patients } = suite.h.fixture;
      // A care coordinator reads patients but not waiting lists, appointments, messages or tasks.
      const carer = await suite.signedIn('care-coordinator');
      await carer.page.goto(`${suite.h.baseUrl}/patients/${patients.bob}`);
      await waitForHeading(carer.page, 'Bob Sample');
      await carer.page.locator('dl.nhsuk-summary-list').waitFor();
      expect(await carer.page.locator('main').getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
        'Personal details',
      ]);
      await expectAxeClean(carer.page);

      // Without Patient.read (nor the audit trail): the no-access page.
      const flow = await suite.signedIn('flow-coordinator');
      await flow.page.goto(`${suite.h.baseUrl}/patients/${patients.alice}`);
      await waitForHeading(flow.page, 'You do not have access');
      expect(await flow.page.locator('main').innerText()).toContain(
        'Looking at patients’ records is not part of your role as a patient flow coordinator.',
      );
      await expectAxeClean(flow.page);
      await flow.page.goto(`${suite.h.baseUrl}/pathways/${suite.h.fixture.pathways.aliceOrthopaedics}`);
      await waitForHeading(flow.page, 'You do not have access');

      // A patient who is not there.
      const clerk = await suite.signedIn('booking-clerk');
      await clerk.page.goto(`${suite.h.baseUrl}/patients/00000000-0000-4000-8000-000000000000`);
      await waitForHeading(clerk.page, 'Patient not found');
      await expectAxeClean(clerk.page);
    },
    SLOW_MS,
  );
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { screenshot, useWebHarness, waitForHeading } from './support/harness';
import { addWaitingPatient } from './support/patients';
import { spaced } from './support/referrals';
import { deliverMessages, patientOf, queueMessages } from './support/work';

const lettersDir = mkdtempSync(join(tmpdir(), 'pathflow-e2e-letters-'));

/** A long walk through the pages: room for a machine shared with other work. */
const SLOW_MS = 90_000;

describe('messages to patients', () => {
  const suite = useWebHarness({ env: { PATHFLOW_LETTERS_DIR: lettersDir } });
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  const waitForList = (page: Page) =>
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/communications' && r.ok());

  it(
    'lists the outbox, filters it, and shows a letter as it was sent with its PDF',
    async () => {
      const made = await addWaitingPatient(suite.h, {
        givenName: 'Vic',
        familyName: 'Invite',
        specialtyCode: '110',
        tag: 'E2M',
      });
      const patientId = await patientOf(suite.h, made.pathwayId);
      const [letterId] = await queueMessages(suite.h, [
        { patientId, pathwayId: made.pathwayId, kind: 'partial-booking-invitation', format: 'large-print' },
        { patientId, pathwayId: made.pathwayId, kind: 'partial-booking-invitation', channel: 'sms' },
      ]);
      await deliverMessages(suite.h, lettersDir);
      const { page } = await suite.signedIn('booking-clerk');

      const listed = waitForList(page);
      await page.getByRole('link', { name: 'Messages to patients' }).click();
      await waitForHeading(page, 'Messages to patients');
      await listed;
      expect(await page.title()).toBe('Messages to patients – Pathflow');
      const table = page.getByRole('table', { name: 'Messages, newest first' });
      const rows = table.locator('tbody tr', { hasText: 'Vic Invite' });
      await rows.nth(1).waitFor();
      expect(await rows.count()).toBe(2);
      const letterRow = rows.filter({ hasText: 'Letter' });
      const letterText = await letterRow.innerText();
      expect(letterText).toContain(spaced(made.nhsNumber));
      expect(letterText).toContain('Invitation to book');
      expect(letterText).toContain('Large print');
      expect(letterText).toContain('Patient');
      expect(letterText).toContain('Awaiting print');
      // The patient has no mobile number: the text message is not sent.
      expect(await rows.filter({ hasText: 'Text message' }).innerText()).toContain('Not sent');
      await expectAxeClean(page);
      await screenshot(page, 'messages');

      // Only text messages.
      await page.getByLabel('Sent as').selectOption('sms');
      let filtered = waitForList(page);
      await page.getByRole('button', { name: 'Apply' }).click();
      expect(new URL((await filtered).url()).searchParams.get('channel')).toBe('sms');
      const smsTable = page.getByRole('table', { name: 'Messages: text message' });
      await smsTable.locator('tbody tr', { hasText: 'Vic Invite' }).waitFor();
      expect(await smsTable.locator('tbody tr', { hasText: 'Letter' }).count()).toBe(0);
      expect(await smsTable.locator('tbody tr', { hasText: 'Vic Invite' }).count()).toBe(1);

      // Letters awaiting print.
      await page.getByLabel('Sent as').selectOption('letter');
      await page.getByLabel('Status').selectOption('awaiting-print');
      filtered = waitForList(page);
      await page.getByRole('button', { name: 'Apply' }).click();
      const answer = new URL((await filtered).url()).searchParams;
      expect([answer.get('channel'), answer.get('status')]).toEqual(['letter', 'awaiting-print']);
      const printTable = page.getByRole('table', { name: 'Messages: letter, awaiting print' });
      await printTable.locator('tbody tr', { hasText: 'Vic Invite' }).waitFor();
      expect(new URL(page.url()).search).toBe('?status=awaiting-print&channel=letter');
      await expectAxeClean(page);

      // The letter.
      await printTable.getByRole('link', { name: 'Vic Invite' }).click();
      await waitForHeading(page, 'Message – Invitation to book: letter');
      expect(new URL(page.url()).pathname).toBe(`/messages/${letterId}`);
      const summary = page.locator('.nhsuk-summary-list');
      expect(await summary.innerText()).toMatch(/Format\s+Large print/);
      expect(await summary.innerText()).toMatch(/Status\s+Awaiting print/);
      const words = page.locator('.app-message-text');
      await words.waitFor();
      const body = await words.innerText();
      expect(body).toContain('Vic');
      expect(body).toContain('\n');
      expect(await words.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
      await expectAxeClean(page);
      await screenshot(page, 'message');

      // The PDF link works with the session cookie the page has.
      const link = page.getByRole('link', { name: 'View the letter (PDF)' });
      const href = await link.getAttribute('href');
      expect(href).toBe(`/api/v1/communications/${letterId}/letter.pdf`);
      const pdf = await page.context().request.get(`${suite.h.baseUrl}${href}`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    },
    SLOW_MS,
  );

  it('tells a role without messages that they have no access', async () => {
    const { page } = await suite.signedIn('admin');
    expect(await page.getByRole('link', { name: 'Messages to patients' }).count()).toBe(0);
    await page.goto(`${suite.h.baseUrl}/messages`);
    await waitForHeading(page, 'You do not have access');
    await expectAxeClean(page);
  });
});

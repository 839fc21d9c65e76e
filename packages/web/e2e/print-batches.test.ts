import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading } from './support/harness';
import { addWaitingPatient } from './support/patients';
import { deliverMessages, patientOf, queueMessages } from './support/work';

const lettersDir = mkdtempSync(join(tmpdir(), 'pathflow-e2e-print-'));
const today = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
}).format(new Date());

/** A long walk through the pages: room for a machine shared with other work. */
const SLOW_MS = 90_000;

describe('print and post letters', () => {
  const suite = useWebHarness({ env: { PATHFLOW_LETTERS_DIR: lettersDir } });
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);
  const posted = (page: Page, path: RegExp) =>
    page.waitForResponse((r) => r.request().method() === 'POST' && path.test(new URL(r.url()).pathname));

  /** A letter for a new patient, delivered to the outbox: it waits for the print batch. */
  const letterFor = async (givenName: string, familyName: string) => {
    const made = await addWaitingPatient(suite.h, {
      givenName,
      familyName,
      specialtyCode: '120',
      tag: 'E2P',
    });
    const patientId = await patientOf(suite.h, made.pathwayId);
    await queueMessages(suite.h, [
      { patientId, pathwayId: made.pathwayId, kind: 'partial-booking-invitation' },
    ]);
  };

  it(
    'makes today’s batch, offers its files, and marks it collected after a check',
    async () => {
      const { page } = await suite.signedIn('booking-clerk');
      await page.getByRole('link', { name: 'Print and post letters' }).click();
      await waitForHeading(page, 'Print and post letters');
      expect(await page.title()).toBe('Print and post letters – Pathflow');
      await page.getByText('No print batches have been made yet.').waitFor();
      await expectAxeClean(page);

      // Nothing to print yet.
      let made = posted(page, /^\/api\/v1\/print-batches$/);
      await page.getByRole('button', { name: 'Make today’s print batch' }).click();
      expect((await made).status()).toBe(409);
      const errorSummary = page.locator('.nhsuk-error-summary');
      await errorSummary.waitFor();
      expect(await errorSummary.locator('li').allInnerTexts()).toEqual([
        'There are no letters waiting to be printed, so no batch was made.',
      ]);
      expect(await page.title()).toBe('Error: Print and post letters – Pathflow');
      await expectAxeClean(page);

      await letterFor('Wyn', 'Printed');
      await letterFor('Xan', 'Posted');
      await deliverMessages(suite.h, lettersDir);

      made = posted(page, /^\/api\/v1\/print-batches$/);
      await page.getByRole('button', { name: 'Make today’s print batch' }).click();
      const batch = (await (await made).json()) as { id: string; letterCount: number };
      expect(batch.letterCount).toBe(2);
      await waitForHeading(page, `Print and post letters – Print batch for ${today}`);
      expect(new URL(page.url()).pathname).toBe(`/print-batches/${batch.id}`);
      await page.getByText('Print batch made').waitFor();
      const summary = page.locator('.nhsuk-summary-list');
      expect(await summary.innerText()).toMatch(/Letters\s+2 letters/);
      expect(await summary.innerText()).toMatch(/Status\s+Ready to collect/);
      await expectAxeClean(page);
      await screenshot(page, 'print-batch');

      // The files download with the session cookie.
      const pdfHref = await page.getByRole('link', { name: 'Download letters (PDF)' }).getAttribute('href');
      const csvHref = await page.getByRole('link', { name: 'Download manifest (CSV)' }).getAttribute('href');
      expect(pdfHref).toBe(`/api/v1/print-batches/${batch.id}/letters.pdf`);
      expect(csvHref).toBe(`/api/v1/print-batches/${batch.id}/manifest.csv`);
      const pdf = await page.context().request.get(`${suite.h.baseUrl}${pdfHref}`);
      expect(pdf.status()).toBe(200);
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
      const csv = await page.context().request.get(`${suite.h.baseUrl}${csvHref}`);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toMatch(/^text\/csv/);

      // Marking it collected asks first; "No" changes nothing.
      await page.getByRole('button', { name: 'Mark as collected' }).click();
      await page.getByRole('button', { name: 'Yes, mark as collected' }).waitFor();
      expect(await focused(page)).toMatch(/Has the print and post provider collected these letters\?/);
      expect(await page.getByText('The 2 letters in this batch will be marked as sent.').count()).toBe(1);
      await expectAxeClean(page);
      await page.getByRole('button', { name: 'No, go back' }).click();
      await page.getByRole('button', { name: 'Mark as collected' }).waitFor();
      expect(await summary.innerText()).toMatch(/Status\s+Ready to collect/);

      await page.getByRole('button', { name: 'Mark as collected' }).click();
      const collected = posted(page, /\/collected$/);
      await page.getByRole('button', { name: 'Yes, mark as collected' }).click();
      expect((await collected).status()).toBe(200);
      await page.getByText('Batch marked as collected').waitFor();
      expect(await summary.innerText()).toMatch(/Status\s+Collected/);
      expect(await page.getByRole('button', { name: 'Mark as collected' }).count()).toBe(0);
      await expectAxeClean(page);

      // The list of batches.
      await page.getByRole('link', { name: 'Back to print and post letters' }).click();
      const table = page.getByRole('table', { name: 'Print batches, newest first' });
      const row = table.locator('tbody tr', { hasText: today });
      await row.waitFor();
      expect(await row.innerText()).toMatch(/2\s+Collected/);
      await expectAxeClean(page);
    },
    SLOW_MS,
  );

  it('lets a clinician see batches but not make one', async () => {
    const { page } = await suite.signedIn('clinician');
    expect(await page.getByRole('link', { name: 'Print and post letters' }).count()).toBe(0);
    await page.goto(`${suite.h.baseUrl}/print-batches`);
    await waitForHeading(page, 'Print and post letters');
    await page.getByRole('table', { name: 'Print batches, newest first' }).waitFor();
    expect(await page.getByRole('button', { name: 'Make today’s print batch' }).count()).toBe(0);
    await expectAxeClean(page);
  });
});

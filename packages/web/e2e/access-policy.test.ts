import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading } from './support/harness';
import { daysFromToday } from './support/work';

const longDate = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${iso}T12:00:00Z`));

/** A long walk through the pages: room for a machine shared with other work. */
const SLOW_MS = 90_000;

describe('access policy', () => {
  const suite = useWebHarness();
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);
  const saved = (page: Page) =>
    page.waitForResponse(
      (r) =>
        r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/access-policy/versions',
    );

  it(
    'shows a service manager the settings in force, refuses a bad value on its field, and saves a good one',
    async () => {
      const { page } = await suite.signedIn('service-manager');
      await page.getByRole('link', { name: 'See or change the access policy' }).click();
      await waitForHeading(page, 'Access policy');
      expect(await page.title()).toBe('Access policy – Pathflow');
      await page.getByText('These are the national defaults: your trust has not changed them.').waitFor();
      const booking = page.getByRole('region', { name: 'Booking' });
      expect(await booking.innerText()).toMatch(/Reasonable notice\s+21 days/);
      const partial = page.getByRole('region', { name: 'Follow-up appointments booked nearer the time' });
      expect(await partial.innerText()).toMatch(/Invite patients to book\s+6 weeks before they are due/);
      expect(await partial.innerText()).toMatch(/Time patients have to reply\s+14 days/);
      expect(await page.getByRole('region', { name: 'Messages to patients' }).innerText()).toMatch(
        /Appointment reminders\s+7 and 2 days before/,
      );
      expect(await page.getByText('The policy has not been changed.').count()).toBe(1);
      await expectAxeClean(page);

      // The form starts from the settings in force, taking effect tomorrow.
      const reply = page.getByLabel('Time patients have to reply (days)');
      expect(await reply.inputValue()).toBe('14');
      const tomorrow = daysFromToday(1);
      expect(await page.getByLabel('Year', { exact: true }).inputValue()).toBe(tomorrow.slice(0, 4));

      // Less than the 14 days the national policy gives: the server says so, against the field.
      await reply.fill('10');
      let answer = saved(page);
      await page.getByRole('button', { name: 'Save the change' }).click();
      expect((await answer).status()).toBe(400);
      const errorSummary = page.locator('.nhsuk-error-summary');
      await errorSummary.waitFor();
      expect(await page.title()).toBe('Error: Access policy – Pathflow');
      expect(await focused(page)).toMatch(/^DIV: There is a problem/);
      const message =
        'Time patients have to reply must be from 14 to 42 (patients have at least 14 days to reply)';
      expect(await errorSummary.locator('li').allInnerTexts()).toEqual([message]);
      expect(await page.locator('#partialBooking-replyWindowDays-error').innerText()).toContain(message);
      expect(await reply.getAttribute('aria-invalid')).toBe('true');
      await errorSummary.getByRole('link', { name: message }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('partialBooking-replyWindowDays');
      await expectAxeClean(page);
      await screenshot(page, 'access-policy-errors');

      // Not a number: caught before it is sent.
      await page.getByLabel('Reasonable notice (days)').fill('three weeks');
      await page.getByRole('button', { name: 'Save the change' }).click();
      await errorSummary.getByText('Enter reasonable notice as a whole number').waitFor();
      await page.getByLabel('Reasonable notice (days)').fill('21');

      // A good value.
      await reply.fill('21');
      await page.getByLabel('Why is the policy changing? (optional)').fill('Agreed by the board.');
      answer = saved(page);
      await page.getByRole('button', { name: 'Save the change' }).click();
      expect((await answer).status()).toBe(201);
      await page.getByText('The policy has been changed').waitFor();
      await page.getByText(`The change takes effect on ${longDate(tomorrow)}.`).waitFor();
      expect(await errorSummary.count()).toBe(0);
      const versions = page.getByRole('table', { name: 'Versions of the policy, latest first' });
      const row = versions.locator('tbody tr').first();
      await row.waitFor();
      const text = await row.innerText();
      expect(text).toContain(longDate(tomorrow));
      expect(text).toContain('Coming');
      expect(text).toContain('Time patients have to reply: 21');
      expect(text).toContain('Agreed by the board.');
      // Still 14 days today.
      expect(await partial.innerText()).toMatch(/Time patients have to reply\s+14 days/);
      await expectAxeClean(page);
      await screenshot(page, 'access-policy-saved');
    },
    SLOW_MS,
  );

  it('shows a booking clerk the policy without the form to change it', async () => {
    const { page } = await suite.signedIn('booking-clerk');
    await page.getByRole('link', { name: 'See the access policy' }).click();
    await waitForHeading(page, 'Access policy');
    await page.getByRole('region', { name: 'Booking' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Change the policy' }).count()).toBe(0);
    await expectAxeClean(page);
  });
});

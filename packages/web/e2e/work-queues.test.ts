import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading } from './support/harness';
import { addWaitingPatient } from './support/patients';
import { spaced } from './support/referrals';
import { addTasks, daysFromToday, patientOf } from './support/work';

/** A long walk through the pages: room for a machine shared with other work. */
const SLOW_MS = 90_000;

describe('work queues', () => {
  const suite = useWebHarness();
  const expectAxeClean = async (page: Page) => expect(await axeViolations(page)).toEqual([]);

  /** Waits for the answer to a POST to the task's action, then for the page to show it. */
  const afterAction = (page: Page, action: string) =>
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/${action}`));

  it(
    'shows a booking clerk their queues, filters a queue, and claims then completes a task',
    async () => {
      const made = await addWaitingPatient(suite.h, {
        givenName: 'Tia',
        familyName: 'Queue',
        specialtyCode: '110',
        tag: 'E2Q',
      });
      const patientId = await patientOf(suite.h, made.pathwayId);
      const [taskId] = await addTasks(suite.h, [
        {
          type: 'call-patient',
          team: 'booking-110',
          patientId,
          pathwayId: made.pathwayId,
          dueDate: daysFromToday(-2),
          detail: { rule: 'manual' },
        },
      ]);
      const { page } = await suite.signedIn('booking-clerk');

      await page.getByRole('main').getByRole('link', { name: 'Work queues' }).click();
      await waitForHeading(page, 'Work queues');
      expect(await page.title()).toBe('Work queues – Pathflow');
      const queues = page.getByRole('table', { name: 'Your queues' });
      const queueRow = queues.locator('tbody tr', { hasText: 'Booking team, Trauma and orthopaedics (110)' });
      await queueRow.waitFor();
      // Queue, to do, in progress, overdue, unassigned.
      expect(await queueRow.locator('td').allInnerTexts()).toEqual(['1', '0', '1', '1']);
      await expectAxeClean(page);

      // The queue's tasks.
      await queueRow.getByRole('link').click();
      const table = page.getByRole('table', {
        name: 'All tasks on Booking team, Trauma and orthopaedics (110)',
      });
      await table.waitFor();
      const row = table.locator('tbody tr', { hasText: 'Queue, Tia' });
      const text = await row.innerText();
      expect(text).toContain('Call the patient');
      expect(text).toContain(spaced(made.nhsNumber));
      expect(text).toContain('Overdue');
      expect(text).toContain('Routine');
      expect(text).toContain('Unassigned');
      await expectAxeClean(page);
      await screenshot(page, 'work-queue');

      // Filters: unassigned shows it; my tasks does not.
      await page.getByLabel('Show').selectOption('mine');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('You have no tasks on Booking team, Trauma and orthopaedics (110).').waitFor();
      await page.getByLabel('Show').selectOption('overdue');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page
        .getByRole('table', { name: 'Overdue tasks on Booking team, Trauma and orthopaedics (110)' })
        .locator('tbody tr', { hasText: 'Queue, Tia' })
        .waitFor();
      expect(new URL(page.url()).search).toBe('?team=booking-110&show=overdue');

      // The task.
      await page.getByRole('link', { name: 'Call the patient' }).first().click();
      await waitForHeading(page, 'Task – Call the patient');
      expect(new URL(page.url()).pathname).toBe(`/tasks/${taskId}`);
      expect(await page.title()).toBe('Call the patient – Pathflow');
      const summary = page.locator('.nhsuk-summary-list');
      expect(await summary.innerText()).toMatch(/Status\s+To do/);
      expect(await summary.innerText()).toMatch(/Who has it\s+Unassigned/);
      expect(await summary.innerText()).toContain(`NHS number: ${spaced(made.nhsNumber)}`);
      expect(await summary.innerText()).toMatch(/Why\s+Added by hand/);
      expect(await summary.innerText()).toMatch(/2 days overdue/);
      await expectAxeClean(page);

      // Completing with no outcome chosen.
      await page.getByRole('button', { name: 'Complete task' }).click();
      const errorSummary = page.locator('.nhsuk-error-summary');
      await errorSummary.waitFor();
      expect(await page.title()).toBe('Error: Call the patient – Pathflow');
      expect(await focused(page)).toMatch(/^DIV: There is a problem/);
      expect(await errorSummary.locator('li').allInnerTexts()).toEqual(['Select the outcome']);
      await errorSummary.getByRole('link', { name: 'Select the outcome' }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('outcome');
      await expectAxeClean(page);

      // Claim.
      const claimed = afterAction(page, 'claim');
      await page.getByRole('button', { name: 'Claim this task' }).click();
      expect((await claimed).status()).toBe(200);
      await page.getByText('You have claimed this task').waitFor();
      expect(await errorSummary.count()).toBe(0);
      expect(await summary.innerText()).toMatch(/Status\s+In progress/);
      expect(await summary.innerText()).toMatch(/Who has it\s+Test booking-clerk/);
      expect(await page.getByRole('button', { name: 'Claim this task' }).count()).toBe(0);

      // Complete, with a note.
      await page.getByLabel('Spoke to the patient').check();
      await page.getByLabel('Note (optional)').first().fill('Will come to the next clinic.');
      const completed = afterAction(page, 'complete');
      await page.getByRole('button', { name: 'Complete task' }).click();
      expect((await completed).status()).toBe(200);
      await page.getByText('Task completed').waitFor();
      expect(await summary.innerText()).toMatch(/Status\s+Done/);
      expect(await summary.innerText()).toMatch(/Outcome\s+Spoke to the patient/);
      expect(await summary.innerText()).toMatch(/Note\s+Will come to the next clinic\./);
      expect(await page.getByRole('button', { name: 'Complete task' }).count()).toBe(0);
      const history = page.getByRole('table', { name: 'History' });
      const whatHappened = await history.locator('tbody tr td:nth-child(2)').allInnerTexts();
      expect(whatHappened.map((t) => t.split('\n')[0])).toEqual([
        'Added',
        'Claimed',
        'Completed: Spoke to the patient',
      ]);
      await expectAxeClean(page);
      await screenshot(page, 'task-completed');
    },
    SLOW_MS,
  );

  it(
    'shows a clinician why a task was made, shows the server’s errors on their field, and cancels it',
    async () => {
      const made = await addWaitingPatient(suite.h, {
        givenName: 'Uma',
        familyName: 'Missed',
        specialtyCode: '110',
        tag: 'E2R',
      });
      const patientId = await patientOf(suite.h, made.pathwayId);
      const [taskId] = await addTasks(suite.h, [
        {
          type: 'dna-decision',
          team: 'clinical-110',
          patientId,
          pathwayId: made.pathwayId,
          detail: { rule: 'ACC-2.2-first-dna', missedOn: daysFromToday(-1) },
        },
      ]);
      const { page } = await suite.signedIn('clinician');
      await page.goto(`${suite.h.baseUrl}/tasks/${taskId}`);
      await waitForHeading(page, 'Task – Decide after a missed first appointment');
      const summary = page.locator('.nhsuk-summary-list');
      expect(await summary.innerText()).toMatch(/Why\s+Missed first appointment/);
      expect(await summary.innerText()).toMatch(/Priority\s+High/);
      expect(await page.getByRole('radio').count()).toBe(2);
      expect(await page.getByLabel('Offer another appointment').count()).toBe(1);
      expect(await page.getByLabel('Discharge back to the GP').count()).toBe(1);

      // A staff id the server does not know: its message is shown against the field.
      await page
        .getByLabel('Staff ID of the person to give it to (optional)')
        .fill('00000000-0000-4000-8000-000000000000');
      const refused = afterAction(page, 'reassign');
      await page.getByRole('button', { name: 'Reassign task' }).click();
      expect((await refused).status()).toBe(400);
      const errorSummary = page.locator('.nhsuk-error-summary');
      await errorSummary.waitFor();
      const message = 'There is no active member of staff with this id';
      expect(await errorSummary.locator('li').allInnerTexts()).toEqual([message]);
      expect(await page.locator('#ownerId-error').innerText()).toContain(message);
      expect(await page.locator('#ownerId').getAttribute('aria-invalid')).toBe('true');
      await expectAxeClean(page);
      await page.getByLabel('Staff ID of the person to give it to (optional)').fill('');

      // Cancelling needs a reason.
      await page.getByRole('button', { name: 'Cancel task' }).click();
      await errorSummary.getByText('Enter why the task is no longer needed').waitFor();
      await page.getByLabel('Why is the task no longer needed?').fill('Booked at another hospital.');
      const cancelled = afterAction(page, 'cancel');
      await page.getByRole('button', { name: 'Cancel task' }).click();
      expect((await cancelled).status()).toBe(200);
      await page.getByText('Task cancelled').waitFor();
      expect(await summary.innerText()).toMatch(/Status\s+Cancelled/);
      expect(await summary.innerText()).toMatch(/Why it was cancelled\s+Booked at another hospital\./);
      await expectAxeClean(page);
    },
    SLOW_MS,
  );

  it('tells a role without work queues that they have no access', async () => {
    const { page } = await suite.signedIn('flow-coordinator');
    expect(await page.getByRole('link', { name: 'Work queues' }).count()).toBe(0);
    await page.goto(`${suite.h.baseUrl}/tasks`);
    await waitForHeading(page, 'You do not have access');
    expect(
      await page.getByText('Working tasks is not part of your role as a patient flow coordinator.').count(),
    ).toBe(1);
    await expectAxeClean(page);
  });
});

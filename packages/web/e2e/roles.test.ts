import { describe, expect, it } from 'vitest';
import { screenshot, signInAs, useWebHarness, waitForHeading, type TestPage } from './support/harness';

describe('the home page for roles without waiting lists', () => {
  const suite = useWebHarness();
  let t: TestPage;

  it.each([
    ['flow-coordinator', 'Patient flow coordinator', 'a patient flow coordinator'],
    ['care-coordinator', 'Care coordinator', 'a care coordinator'],
    ['admin', 'Administrator', 'an administrator'],
  ])(
    'tells the %s that waiting lists are not part of their role, without asking for them',
    async (role, label, asRole) => {
      t = await suite.newPage();
      const { page } = t;
      const specialtyRequests: string[] = [];
      page.on('request', (req) => {
        if (req.url().includes('/api/v1/specialties')) specialtyRequests.push(req.url());
      });
      await page.goto(`${suite.h.baseUrl}/sign-in`);
      await waitForHeading(page, 'Sign in');
      await signInAs(page, role);
      await waitForHeading(page, 'Home');

      await page.getByText(`Signed in as Test ${role}`).waitFor();
      expect(await page.locator('.nhsuk-summary-list').innerText()).toContain(label);
      const inset = await page.locator('.nhsuk-inset-text').innerText();
      expect(inset).toContain(`Waiting lists are not part of your role as ${asRole}.`);
      expect(inset).toContain('There is nothing else for you to do in Pathflow yet.');
      expect(await page.getByRole('table').count()).toBe(0);
      expect(specialtyRequests).toEqual([]);
      if (role === 'flow-coordinator') await screenshot(page, 'home-flow-coordinator');
    },
  );
});

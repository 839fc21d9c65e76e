import { describe, expect, it } from 'vitest';
import { axeViolations } from './support/axe';
import { screenshot, signInAs, useWebHarness, waitForHeading, type TestPage } from './support/harness';

describe('signing in with a username used in more than one organisation, or with single sign-on', () => {
  // A second organisation with the same usernames as the first, and single sign-on set up.
  const suite = useWebHarness({
    moreOrganisations: ['XT2'],
    env: {
      PATHFLOW_OIDC_ISSUER: 'https://login.example.nhs.uk',
      PATHFLOW_OIDC_CLIENT_ID: 'pathflow',
      PATHFLOW_OIDC_REDIRECT_URI: 'http://localhost/api/v1/auth/oidc/callback',
      PATHFLOW_OIDC_LABEL: 'Sign in with your NHS account',
    },
  });
  let t: TestPage;

  it('asks for the organisation when the server needs it, then signs in to that one', async () => {
    t = await suite.newPage();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/sign-in`);
    await waitForHeading(page, 'Sign in');
    const organisation = page.getByLabel('Organisation ODS code');
    expect(await organisation.isVisible()).toBe(false);

    await signInAs(page, 'booking-clerk');
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await summary.getByRole('link', { name: 'Enter the ODS code of your organisation' }).waitFor();
    expect(await organisation.isVisible()).toBe(true);
    await expect(organisation.getAttribute('aria-describedby')).resolves.toBe(
      'organisation-hint organisation-error',
    );
    await screenshot(page, 'sign-in-organisation');

    await summary.getByRole('link', { name: 'Enter the ODS code of your organisation' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('organisation');
    await organisation.fill('xt2');
    await page.getByLabel('Password', { exact: true }).fill('Correct-horse-1');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await waitForHeading(page, 'Home');
    expect(await page.locator('.nhsuk-summary-list').innerText()).toMatch(/ODS code\s+XT2/);
    expect(await page.getByRole('banner').innerText()).toContain('Test Trust XT2');
  });

  it('checks the ODS code looks right before asking the server', async () => {
    t = await suite.newPage();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/sign-in`);
    await waitForHeading(page, 'Sign in');
    await page.getByText('Working for more than one organisation?').click();
    await page.getByLabel('Organisation ODS code').fill('X!');
    await signInAs(page, 'booking-clerk');
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('ODS code must be 3 to 10 letters or numbers, like RR8');
  });

  it('offers single sign-on as a second way in when the server has it', async () => {
    t = await suite.newPage();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/sign-in`);
    await waitForHeading(page, 'Sign in');
    const sso = page.getByRole('link', { name: 'Sign in with your NHS account' });
    await sso.waitFor();
    await expect(sso.getAttribute('href')).resolves.toBe('/api/v1/auth/oidc/login');
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('explains a refused single sign-on when the server sends the person back', async () => {
    t = await suite.newPage();
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/sign-in?sso=failed`);
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('Single sign-on did not work');
    expect(await axeViolations(page)).toEqual([]);
  });
});

/**
 * The import and export page: a team leader checks a PTL extract from another system (its problems shown by
 * row and column, nothing imported), imports a good one (patients registered, pathways on the PTL), and
 * downloads the appointments of a date range; a wrong range is put right from the error summary. Axe checks
 * each state.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { nhsNumberFromStem } from '@pathflow/core';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading } from './support/harness';
import { csv, daysAgo, staffApi, ukDate } from './support/referrals';

const HEADER = [
  'NHS number',
  'Patient name',
  'Date of birth',
  'Sex',
  'Postcode',
  'Specialty',
  'Priority',
  'Clock start',
  'Referral received date',
  'PPID',
  'Booking status',
  'Booked date',
];

/** Test-range NHS numbers of this file's own. */
let stem = 999_400_000;
function newNhsNumber(): string {
  for (;;) {
    const n = nhsNumberFromStem(String(stem++));
    if (n) return n;
  }
}

describe('importing and exporting data', () => {
  const suite = useWebHarness();

  const problemRows = async (page: Page) =>
    (
      await page
        .getByRole('main')
        .getByRole('table', { name: 'Problems in the file' })
        .locator('tbody tr')
        .allInnerTexts()
    ).map((r) => r.split('\t'));

  const check = async (page: Page) => {
    const answered = page.waitForResponse((res) => res.url().endsWith('/api/v1/exchange/ptl-extract'));
    await page.getByRole('main').getByRole('button', { name: 'Check file', exact: true }).click();
    await answered;
    await page.getByText('Checking the file…').waitFor({ state: 'detached' });
  };

  it('checks a PTL extract, shows its problems, imports a good one, and downloads the appointments', async () => {
    const t = await suite.signedIn('team-leader');
    const { page } = t;
    const api = await staffApi(t, suite.h.baseUrl);
    const main = page.getByRole('main');
    await main.getByRole('link', { name: /^Import and export data/ }).click();
    await waitForHeading(page, 'Import and export');
    expect(await page.title()).toBe('Import and export – Pathflow');
    expect(await focused(page)).toBe('H1: Import and export');
    expect(await axeViolations(page)).toEqual([]);

    // A file with problems: checked, shown row by row, and nothing imported.
    const gail = newNhsNumber();
    const clockStart = daysAgo(40);
    const received = daysAgo(42);
    /** A right row for a patient not registered yet, in both files. */
    const gailRow = (bookingStatus: string) => [
      gail,
      'GOOD, Gail',
      '02/03/1981',
      'F',
      'LS1 4AP',
      '110',
      'Routine',
      ukDate(clockStart),
      ukDate(received),
      'OLDPAS1',
      bookingStatus,
      '',
    ];
    await main.getByLabel('A PTL extract from another patient administration system (PAS)').check();
    await main.getByLabel('Upload a file').setInputFiles({
      name: 'old pas ptl.csv',
      mimeType: 'text/csv',
      buffer: csv(
        [
          gailRow(''),
          [
            '999 000 0018',
            'EXAMPLE, Alice',
            '01/02/1970',
            'F',
            '',
            '110',
            'Routine',
            ukDate(clockStart),
            '',
            'OLDPAS2',
            '',
            '',
          ],
          [
            '999 000 0019',
            'BAD, Bill',
            '01/01/1990',
            'M',
            '',
            '110',
            'Soon-ish',
            ukDate(clockStart),
            '',
            'OLDPAS3',
            '',
            '',
          ],
        ],
        HEADER,
      ),
    });
    await check(page);
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await page.title()).toBe('Error: Import and export – Pathflow');
    expect(await page.getByTestId('import-status').innerText()).toBe(
      'No pathways will be imported: there are 3 problems in 2 rows. Correct the file and import it again.',
    );
    expect(await problemRows(page)).toEqual([
      [
        '3',
        'Date of birth',
        'Date of birth does not match the patient registered with NHS number 999 000 0018: check the NHS number and the date of birth (an import never changes a registered patient)',
      ],
      ['4', 'NHS number', 'NHS number is not valid (check digit does not match)'],
      ['4', 'Priority', "Priority 'Soon-ish' is not recognised: use routine, urgent or two-week wait (2WW)"],
    ]);
    expect(await main.getByRole('button', { name: /^Import \d/ }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary'))).toBe(
      true,
    );
    await summary
      .getByRole('link', { name: 'Correct the 3 problems in 2 rows of the file, then check it again' })
      .click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('problems');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'data-exchange-ptl-problems');
    expect((await api.get<{ patients: unknown[] }>(`/patients?nhsNumber=${gail}`)).body.patients).toEqual([]);

    // A good file: checked, then imported; the patients are registered and the pathways are on the PTL.
    const ned = newNhsNumber();
    const bookedFor = daysAgo(-14);
    const good = csv(
      [
        gailRow('Not booked'),
        [
          ned,
          'NEWTON, Ned',
          '14/07/1955',
          'M',
          '',
          'Ear, nose and throat',
          'Urgent',
          ukDate(clockStart),
          '',
          'OLDPAS4',
          'Booked',
          ukDate(bookedFor),
        ],
      ],
      HEADER,
    );
    await main
      .getByLabel('Upload a file')
      .setInputFiles({ name: 'old pas ptl.csv', mimeType: 'text/csv', buffer: good });
    expect(await summary.count()).toBe(0);
    await check(page);
    expect(await page.getByTestId('import-status').innerText()).toBe(
      'All 2 pathways can be imported. 2 patients are not registered yet and will be registered.',
    );
    expect(await summary.count()).toBe(0);
    const toBook = main.getByRole('table', { name: 'Pathways to book' });
    expect(await toBook.locator('tbody tr').allInnerTexts()).toEqual([
      `3\tOLDPAS4\t${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${bookedFor}T12:00:00Z`))}`,
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'data-exchange-ptl-checked');

    await main.getByRole('button', { name: 'Import 2 pathways' }).click();
    const banner = page.getByRole('alert').filter({ hasText: '2 pathways imported' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain(
      'Every row of old pas ptl.csv was imported. 2 patients were registered.',
    );
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-notification-banner')),
    ).toBe(true);
    expect(await main.getByLabel('Upload a file').inputValue()).toBe('');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'data-exchange-ptl-imported');

    const registered = await api.get<{ patients: { id: string; familyName: string; dateOfBirth: string }[] }>(
      `/patients?nhsNumber=${gail}`,
    );
    expect(registered.body.patients).toMatchObject([{ familyName: 'GOOD', dateOfBirth: '1981-03-02' }]);
    const ptl = await api.get<{
      rows: { ppid: string; clockStart: string; patient: { nhsNumber: string } }[];
    }>('/ptl?limit=500');
    expect(
      ptl.body.rows
        .filter((r) => r.ppid.startsWith('OLDPAS'))
        .map((r) => [r.ppid, r.clockStart, r.patient.nhsNumber]),
    ).toEqual(
      expect.arrayContaining([
        ['OLDPAS1', clockStart, gail],
        ['OLDPAS4', clockStart, ned],
      ]),
    );

    // Downloads: the PTL's own, and the appointments of a range.
    const exports = main.getByRole('region', { name: 'Download data' });
    expect(
      await exports
        .getByRole('link', { name: 'Download the patient tracking list as Excel' })
        .getAttribute('href'),
    ).toBe('/api/v1/ptl/export?format=xlsx');
    const appointments = main.getByRole('region', { name: 'Appointments' });
    const first = appointments.getByRole('group', { name: 'First day' });
    const [day, month, year] = daysAgo(30).split('-').reverse();
    await first.getByLabel('Day').fill(String(Number(day)));
    await first.getByLabel('Month').fill(String(Number(month)));
    await first.getByLabel('Year').fill(year!);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      appointments.getByRole('button', { name: 'Download appointments as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`appointments-${daysAgo(30)}-to-${daysAgo(0)}.csv`);
    const text = await readFile(await download.path(), 'utf8');
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFDate,Time,Clinic,Location,Consultant,Specialty code,Specialty,Slot type,Status,Cancelled by,Cancelled on,Cancellation reason,Outcome,NHS number,Patient,Date of birth,PPID,Priority,Booked on,Notice (days),Reasonable offer',
    );
    expect(await page.getByTestId('appointments-status').innerText()).toBe(
      `Your file appointments-${daysAgo(30)}-to-${daysAgo(0)}.csv has downloaded.`,
    );

    // A range that ends before it starts: said in the error summary, which links to the field.
    const activity = main.getByRole('region', { name: 'Activity' });
    const last = activity.getByRole('group', { name: 'Last day' });
    const thisYear = await last.getByLabel('Year').inputValue();
    await last.getByLabel('Year').fill(String(Number(thisYear) - 1));
    await activity.getByRole('button', { name: 'Download activity as Excel' }).click();
    await summary.waitFor();
    const message = 'The last day must be the same as or after the first day';
    await summary.getByRole('link', { name: message }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('activity-to-day');
    expect(await activity.locator('#activity-to-error').textContent()).toBe(`Error: ${message}`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'data-exchange-range-error');
    // Put right, the workbook downloads and the summary goes.
    await last.getByLabel('Year').fill(thisYear);
    const [workbook] = await Promise.all([
      page.waitForEvent('download'),
      activity.getByRole('button', { name: 'Download activity as Excel' }).click(),
    ]);
    expect(workbook.suggestedFilename()).toMatch(/^activity-\d{4}-\d\d-01-to-\d{4}-\d\d-\d\d\.xlsx$/);
    expect(await summary.count()).toBe(0);
  });

  it('says plainly when a role has no imports or downloads', async () => {
    const t = await suite.signedIn('flow-coordinator');
    const { page } = t;
    await page.goto(`${suite.h.baseUrl}/data-exchange`);
    await waitForHeading(page, 'You do not have access');
    expect(await page.title()).toBe('You do not have access – Pathflow');
    expect(await page.getByRole('main').innerText()).toContain(
      'Importing and exporting data is not part of your role as a patient flow coordinator.',
    );
    expect(await axeViolations(page)).toEqual([]);
  });
});

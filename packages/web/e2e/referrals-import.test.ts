import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe';
import { focused, screenshot, useWebHarness, waitForHeading, type TestPage } from './support/harness';
import {
  HEADER,
  csv,
  daysAgo,
  newNhsNumber,
  spaced,
  staffApi,
  ukDate,
  type StaffApi,
} from './support/referrals';

interface Listed {
  total: number;
  referrals: { id: string; nhsNumber: string; specialtyCode: string; receivedDate: string }[];
}

describe('importing referrals from a file', () => {
  const suite = useWebHarness();
  let t: TestPage;

  /** Signs in and opens the import page from the home page's link, as a person would. */
  const openImport = async (role = 'booking-clerk'): Promise<{ page: Page; api: StaffApi }> => {
    t = await suite.signedIn(role);
    const { page } = t;
    await page.getByRole('link', { name: 'Import referrals' }).click();
    await waitForHeading(page, 'Import referrals');
    await page.getByRole('heading', { name: 'Recent imports' }).waitFor();
    return { page, api: await staffApi(t, suite.h.baseUrl) };
  };

  const choose = async (page: Page, name: string, buffer: Buffer, mimeType = 'text/csv') => {
    await page.getByLabel('Upload a file').setInputFiles({ name, mimeType, buffer });
  };

  /** Clicks "Check file" and waits for the answer to be shown (`sends`: the file goes to the server). */
  const check = async (page: Page, sends = true) => {
    const answered = sends
      ? page.waitForResponse((res) => res.url().endsWith('/api/v1/referrals/imports'))
      : null;
    await page.getByRole('button', { name: 'Check file', exact: true }).click();
    await answered;
    await page.getByText('Checking the file…').waitFor({ state: 'detached' });
  };

  const status = (page: Page) => page.getByTestId('import-status').innerText();

  const problemRows = async (page: Page) =>
    (await page.getByRole('table', { name: 'Problems in the file' }).locator('tbody tr').allInnerTexts()).map(
      (r) => r.split('\t'),
    );

  const pending = (api: StaffApi) => api.get<Listed>('/referrals?triage=pending&limit=200');

  it('checks a clean file, imports it, and the referrals are then waiting for triage', async () => {
    const { page, api } = await openImport();
    expect(await page.title()).toBe('Import referrals – Pathflow');
    expect(await focused(page)).toBe('H1: Import referrals');
    const inset = await page.locator('.nhsuk-inset-text').innerText();
    expect(inset).toContain(
      'Use the usual column headings in the first row. Every file needs NHS number, Referral source, Received date, Specialty code, Priority and Referrer. Where they apply, Pathflow also reads UBRN, UBRN conversion date, ASI worklist date, Original clock start, Referrer ODS code, Triage outcome, Triage priority, Clinic type, Rejection reason and Advice and guidance note.',
    );
    expect(inset).toContain('Nothing is imported unless every row is right.');
    expect(await axeViolations(page)).toEqual([]);

    const carol = await api.registerPatient('Carol', 'Clean');
    const dan = await api.registerPatient('Dan', 'Clean');
    const received = daysAgo(12);
    await choose(
      page,
      'clean referrals.csv',
      csv([
        [spaced(carol), 'GP letter', ukDate(received), '110', 'Routine', 'Dr B Practitioner'],
        [dan, 'GP letter', received, '120', 'Urgent', 'Dr C Practitioner'],
      ]),
    );
    const imports: unknown[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/api/v1/referrals/imports') && req.method() === 'POST') {
        imports.push(req.postDataJSON());
      }
    });
    await check(page);
    expect(await status(page)).toBe('All 2 referrals can be imported.');
    expect(await page.locator('.nhsuk-error-summary').count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Problems in the file' }).count()).toBe(0);
    expect(imports).toEqual([
      {
        fileName: 'clean referrals.csv',
        content: csv([
          [spaced(carol), 'GP letter', ukDate(received), '110', 'Routine', 'Dr B Practitioner'],
          [dan, 'GP letter', received, '120', 'Urgent', 'Dr C Practitioner'],
        ]).toString('base64'),
        dryRun: true,
      },
    ]);
    // A check writes nothing.
    expect((await pending(api)).body.referrals.filter((r) => r.nhsNumber === carol)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referrals-import-checked');

    await page.getByRole('button', { name: 'Import 2 referrals' }).click();
    const banner = page.getByRole('alert').filter({ hasText: '2 referrals imported' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('Every row of clean referrals.csv was imported.');
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-notification-banner')),
    ).toBe(true);
    expect(imports).toHaveLength(2);
    expect(imports[1]).toMatchObject({ fileName: 'clean referrals.csv', dryRun: false });
    // Ready for the next file.
    expect(await page.getByRole('button', { name: /^Import \d/ }).count()).toBe(0);
    expect(await page.getByLabel('Upload a file').inputValue()).toBe('');

    const history = page.getByRole('table', { name: 'Recent imports' });
    await history.getByText('clean referrals.csv').waitFor();
    expect(await history.locator('tbody tr').first().innerText()).toMatch(
      /^clean referrals\.csv\t2\tImported\t\d{1,2}(:\d\d)?(am|pm) on \d{1,2} \w+ \d{4}$|^clean referrals\.csv\t2\tImported\t(midday|midnight) on /,
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referrals-imported');

    const listed = (await pending(api)).body.referrals.filter(
      (r) => r.nhsNumber === carol || r.nhsNumber === dan,
    );
    expect(listed.map((r) => [r.nhsNumber, r.specialtyCode, r.receivedDate]).sort()).toEqual(
      [
        [carol, '110', received],
        [dan, '120', received],
      ].sort(),
    );

    await banner.getByRole('link', { name: 'View referrals waiting for triage' }).click();
    await waitForHeading(page, 'Referrals waiting for triage');
    const rows = await page.locator('table tbody tr').allInnerTexts();
    expect(rows.filter((r) => r.includes('Carol Clean') && r.includes(spaced(carol)))).toHaveLength(1);
    expect(rows.filter((r) => r.includes('Dan Clean') && r.includes(spaced(dan)))).toHaveLength(1);
  });

  it('lists every problem by row and column, and imports nothing', async () => {
    const { page, api } = await openImport();
    const erin = await api.registerPatient('Erin', 'Problem');
    const unregistered = newNhsNumber();
    const before = (await pending(api)).body.total;
    const tomorrow = daysAgo(-2);
    await choose(
      page,
      'problems.csv',
      csv([
        [erin, 'GP letter', daysAgo(9), '110', 'Routine', 'Dr D'],
        ['999 000 0019', 'GP letter', daysAgo(9), '110', 'Routine', 'Dr D'],
        [unregistered, 'GP letter', ukDate(tomorrow), '777', 'Soon-ish', 'Dr D'],
      ]),
    );
    await check(page);

    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await page.title()).toBe('Error: Import referrals – Pathflow');
    expect(await status(page)).toMatch(/^No referrals will be imported: there are \d+ problems in 2 rows\./);
    const rows = await problemRows(page);
    const where = rows.map(([row, column]) => `${row}:${column}`);
    expect(where).toEqual(
      expect.arrayContaining([
        '3:NHS number',
        '4:NHS number',
        '4:Received date',
        '4:Specialty code',
        '4:Priority',
      ]),
    );
    expect(where.every((w) => w.startsWith('3:') || w.startsWith('4:'))).toBe(true);
    // Sorted by row.
    const numbers = rows.map(([row]) => Number(row));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(rows.find(([row, column]) => row === '4' && column === 'NHS number')?.[2]).toContain(
      `No patient with NHS number ${spaced(unregistered)} is registered`,
    );
    expect(rows.find(([row, column]) => row === '4' && column === 'Received date')?.[2]).toBe(
      'Received date must be today or in the past',
    );
    expect(await page.getByRole('button', { name: /^Import \d/ }).count()).toBe(0);

    // The error summary is focused, and its link goes to the table.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary'))).toBe(
      true,
    );
    const link = summary.getByRole('link', { name: /^Correct the \d+ problems in 2 rows of the file/ });
    await link.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('problems');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referrals-import-problems');

    // Nothing was imported, not even the good row.
    const after = await pending(api);
    expect(after.body.total).toBe(before);
    expect(after.body.referrals.some((r) => r.nhsNumber === erin)).toBe(false);
  });

  it('imports a possible duplicate within the file once a person confirms it is a separate referral', async () => {
    const { page, api } = await openImport();
    const fay = await api.registerPatient('Fay', 'Twice');
    await choose(
      page,
      'twice.csv',
      csv([
        [fay, 'GP letter', daysAgo(8), '110', 'Routine', 'Dr E'],
        [fay, 'GP letter', daysAgo(6), '110', 'Routine', 'Dr F'],
      ]),
    );
    await check(page);
    await page.locator('.nhsuk-error-summary').waitFor();
    expect(await status(page)).toBe(
      'No referrals will be imported: there is 1 possible duplicate. Correct the file and import it again.',
    );
    const duplicates = page.getByRole('region', { name: 'Possible duplicates' });
    const row3 = duplicates.getByRole('group', { name: 'Row 3' });
    expect(await row3.innerText()).toContain(
      'Possible duplicate of row 2: same patient and specialty 110, received 2 days apart',
    );
    expect(await row3.locator('.nhsuk-error-message').innerText()).toContain(
      'Confirm row 3 is a separate referral, or remove it from the file',
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referrals-import-duplicate');

    // The error summary's link goes to the checkbox.
    await page
      .locator('.nhsuk-error-summary')
      .getByRole('link', { name: 'Confirm row 3 is a separate referral, or remove it from the file' })
      .click();
    expect(await focused(page)).toBe('INPUT: ');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('duplicate-row-3');

    await row3.getByLabel('This is a separate referral').check();
    const sent = page.waitForRequest((req) => req.url().endsWith('/api/v1/referrals/imports'));
    await duplicates.getByRole('button', { name: 'Check file again' }).click();
    expect((await sent).postDataJSON()).toMatchObject({ dryRun: true, allowDuplicateRows: [3] });
    await page.getByRole('button', { name: 'Import 2 referrals' }).waitFor();
    expect(await status(page)).toBe('All 2 referrals can be imported.');
    expect(await page.locator('.nhsuk-error-summary').count()).toBe(0);
    expect(await row3.getByLabel('This is a separate referral').isChecked()).toBe(true);

    const imported = page.waitForRequest((req) => req.url().endsWith('/api/v1/referrals/imports'));
    await page.getByRole('button', { name: 'Import 2 referrals' }).click();
    expect((await imported).postDataJSON()).toMatchObject({ dryRun: false, allowDuplicateRows: [3] });
    await page.getByRole('alert').filter({ hasText: '2 referrals imported' }).waitFor();
    const listed = (await pending(api)).body.referrals.filter((r) => r.nhsNumber === fay);
    expect(listed.map((r) => r.receivedDate)).toEqual([daysAgo(8), daysAgo(6)]);
  });

  it('shows the report when the import itself is refused, and imports once the duplicate is confirmed', async () => {
    const { page, api } = await openImport();
    const gus = await api.registerPatient('Gus', 'Late');
    const file = csv([[gus, 'GP letter', daysAgo(5), '120', 'Routine', 'Dr G']]);
    await choose(page, 'late.csv', file);
    await check(page);
    await page.getByRole('button', { name: 'Import 1 referral' }).waitFor();
    expect(await status(page)).toBe('The referral can be imported.');

    // Meanwhile, someone enters the same referral by hand.
    await api.createReferral({ nhsNumber: gus, receivedDate: daysAgo(4), specialtyCode: '120' });
    await page.getByRole('button', { name: 'Import 1 referral' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    expect(await page.getByRole('heading', { level: 2, name: /^Results of the import/ }).count()).toBe(1);
    expect(await status(page)).toBe(
      'No referrals will be imported: there is 1 possible duplicate. Correct the file and import it again.',
    );
    expect(await summary.innerText()).toContain(
      'Confirm row 2 is a separate referral, or remove it from the file',
    );
    expect(await page.getByRole('group', { name: 'Row 2' }).innerText()).toContain(
      'Possible duplicate: this patient already has a specialty 120 referral received on',
    );
    const history = page.getByRole('table', { name: 'Recent imports' });
    await history.locator('tbody tr', { hasText: 'late.csv' }).waitFor();
    expect(await history.locator('tbody tr').first().innerText()).toMatch(
      /^late\.csv\t1\tNot imported\s+1 problem\t/,
    );
    expect(await axeViolations(page)).toEqual([]);
    expect((await pending(api)).body.referrals.filter((r) => r.nhsNumber === gus)).toHaveLength(1);

    await page.getByLabel('This is a separate referral').check();
    // Changing an answer means checking again before importing.
    expect(await page.getByRole('button', { name: /^Import \d/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Check file again' }).click();
    await page.getByRole('button', { name: 'Import 1 referral' }).click();
    await page.getByRole('alert').filter({ hasText: '1 referral imported' }).waitFor();
    expect((await pending(api)).body.referrals.filter((r) => r.nhsNumber === gus)).toHaveLength(2);
  });

  it('says plainly when the file cannot be read, on the file field', async () => {
    const { page } = await openImport();
    await check(page, false);
    const summary = page.locator('.nhsuk-error-summary');
    await summary.getByRole('link', { name: 'Select a CSV or Excel file' }).waitFor();
    expect(await page.title()).toBe('Error: Import referrals – Pathflow');

    await choose(page, 'old.xls', Buffer.from('D0CF11E0 not really a workbook'), 'application/vnd.ms-excel');
    await check(page);
    const message =
      'The file is in the old Excel 97-2003 format (.xls). Save it as an Excel Workbook (.xlsx) or as CSV UTF-8';
    await summary.getByRole('link', { name: message }).waitFor();
    const field = page.locator('.nhsuk-file-upload');
    expect(await field.getAttribute('class')).toContain('nhsuk-form-group--error');
    expect(await field.locator('.nhsuk-error-message').textContent()).toBe(`Error: ${message}`);
    expect(await page.getByLabel('Upload a file').getAttribute('aria-describedby')).toBe(
      'file-hint file-error',
    );
    expect(await page.getByRole('heading', { name: /^Results of the/ }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'referrals-import-unreadable');

    await summary.getByRole('link', { name: message }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('file');
  });

  it('reads the worksheet named, and says so when the workbook has no such worksheet', async () => {
    const { page, api } = await openImport();
    const hal = await api.registerPatient('Hal', 'Workbook');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Notes').addRow(['Nothing to see here']);
    const sheet = workbook.addWorksheet('Referrals');
    sheet.addRow([...HEADER, 'Comments']);
    sheet.addRow([
      hal,
      'Consultant to consultant',
      daysAgo(7),
      '110',
      'Urgent',
      'Mr E Surgeon',
      'Call first',
    ]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    await choose(
      page,
      'referrals.xlsx',
      buffer,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );

    await page.getByLabel('Worksheet name (optional)').fill('Refferals');
    await check(page);
    const message = "The workbook has no sheet called 'Refferals'. Its sheets are: Notes, Referrals";
    await page.locator('.nhsuk-error-summary').getByRole('link', { name: message }).waitFor();
    expect(await page.locator('#sheet-error').textContent()).toBe(`Error: ${message}`);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Worksheet name (optional)').fill('Referrals');
    await check(page);
    expect(await status(page)).toBe('The referral can be imported.');
    expect(await page.locator('main').innerText()).toContain('This column was not used: Comments.');
    await page.getByRole('button', { name: 'Import 1 referral' }).click();
    await page.getByRole('alert').filter({ hasText: '1 referral imported' }).waitFor();
    const listed = (await pending(api)).body.referrals.filter((r) => r.nhsNumber === hal);
    expect(listed).toHaveLength(1);
  });

  it('has no import for a service manager, and says so plainly', async () => {
    t = await suite.signedIn('service-manager');
    const { page } = t;
    await page.getByRole('link', { name: 'Referrals waiting for triage' }).waitFor();
    expect(await page.getByRole('link', { name: 'Import referrals' }).count()).toBe(0);

    await page.goto(`${suite.h.baseUrl}/referrals/import`);
    await waitForHeading(page, 'You do not have access');
    expect(await page.title()).toBe('You do not have access – Pathflow');
    expect(await page.locator('main').innerText()).toContain(
      'Importing referrals is not part of your role as a service manager.',
    );
    expect(await page.locator('input[type="file"]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });
});

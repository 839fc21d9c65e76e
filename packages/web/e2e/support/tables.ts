/** Reading the forecast's tables as the pages word them: cells row by row, expected figures and changes. */
import type { Locator } from 'playwright-core';

export const THRESHOLDS = ['18', '52', '65', '78'] as const;
export type ByThreshold = Record<(typeof THRESHOLDS)[number], number>;

/** An expected number as the page shows it: one decimal place at most, never "-0". */
export const expected = (n: number) => {
  const text = (Math.round(n * 10) / 10).toLocaleString('en-GB', { maximumFractionDigits: 1 });
  return text === '-0' ? '0' : text;
};

/** A change as the page shows it: "+1.5", "−2" (a minus sign) or "No change". */
export const change = (n: number) => {
  const r = Math.round(n * 10) / 10;
  if (r === 0) return 'No change';
  return r > 0 ? `+${expected(r)}` : `−${expected(-r)}`;
};

/** The text of each cell of a table's body rows, row by row. */
export async function cells(table: Locator): Promise<string[][]> {
  return table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) =>
        [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ),
    );
}

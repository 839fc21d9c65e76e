/**
 * A print batch's manifest for the print-and-post provider: one row per letter, in the order of the merged PDF,
 * with what the provider needs to split, enclose and address it (the name prints on the envelope). Never the
 * NHS number. CSV (RFC 4180, UTF-8 with a byte-order mark), cells a spreadsheet would take for a formula
 * defused with a leading quote.
 */
import { defuseFormula } from '../ptl/export';

export interface ManifestRow {
  sequence: number;
  /** The letter's message id. */
  reference: string;
  format: string;
  pages: number;
  name: string;
  /** Address lines, postcode last. */
  addressLines: string[];
  handling: string[];
}

export const MANIFEST_COLUMNS = [
  'Sequence',
  'Reference',
  'Format',
  'Pages',
  'Recipient name',
  'Address line 1',
  'Address line 2',
  'Address line 3',
  'Address line 4',
  'Address line 5',
  'Postcode',
  'Handling notes',
] as const;

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Up to five address lines before the postcode; any more are joined into the fifth. */
function splitAddress(lines: string[]): { lines: string[]; postcode: string } {
  const postcode = lines.length > 0 ? lines[lines.length - 1]! : '';
  const rest = lines.slice(0, -1);
  const five = rest.length > 5 ? [...rest.slice(0, 4), rest.slice(4).join(', ')] : rest;
  return { lines: [...five, '', '', '', '', ''].slice(0, 5), postcode };
}

export function manifestCsv(rows: readonly ManifestRow[]): Buffer {
  const out = [MANIFEST_COLUMNS.join(',')];
  for (const r of rows) {
    const address = splitAddress(r.addressLines);
    const cells = [
      String(r.sequence),
      r.reference,
      r.format,
      String(r.pages),
      r.name,
      ...address.lines,
      address.postcode,
      r.handling.join('; '),
    ];
    out.push(cells.map((c) => csvField(defuseFormula(c))).join(','));
  }
  return Buffer.from(`\uFEFF${out.join('\r\n')}\r\n`, 'utf8');
}

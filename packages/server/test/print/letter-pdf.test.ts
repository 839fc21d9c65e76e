/**
 * Letters as PDF, checked as pictures (poppler's pdftoppm): A4, the NHS Blue header top right, the address where
 * the envelope window is, large print taking more ink and pages, long letters over several pages each with its
 * footer, braille marked for the print provider, repeatable bytes and no patient name in the metadata.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { printable, renderLetterPdf } from '../../src/features/communications/letter-pdf';
import {
  countPixels,
  isDark,
  isInk,
  isNhsBlue,
  pageImage,
  pdfInfo,
  pdfPages,
  pdfText,
  requirePoppler,
  sampleLetter,
  savePng,
  PARAGRAPHS,
} from './support';

const CREATED = new Date('2026-11-23T09:00:00Z');
const LONG = Array.from(
  { length: 30 },
  (_, i) =>
    `Paragraph ${i + 1}. This letter tells you about your care at the hospital, what will happen at your appointment and who to call if you have a question about it.`,
);

const inkOf = (pdf: Buffer, pages: number) => {
  let ink = 0;
  for (let p = 1; p <= pages; p++)
    ink += countPixels(pageImage(pdf, p), { x0: 0, y0: 0, x1: 1, y1: 1 }, isInk);
  return ink;
};

describe('letter PDF', () => {
  let standard: Buffer;
  beforeAll(async () => {
    requirePoppler();
    standard = await renderLetterPdf(sampleLetter('standard'), { creationDate: CREATED });
  });

  it('renders an A4 page with NHS Blue in the header top right and dark text in the address window', () => {
    const page = pageImage(standard);
    // A4 is 210 x 297 mm.
    expect(page.height / page.width).toBeCloseTo(297 / 210, 2);
    expect(Math.abs(page.width - Math.round((210 / 25.4) * 50))).toBeLessThanOrEqual(1);
    const header = { x0: 0.55, y0: 0, x1: 1, y1: 0.12 };
    expect(countPixels(page, header, isNhsBlue)).toBeGreaterThan(200);
    // Nothing blue on the address side.
    expect(countPixels(page, { x0: 0, y0: 0, x1: 0.4, y1: 0.12 }, isNhsBlue)).toBe(0);
    // Address window: 20 mm from the left, 45–50 mm from the top (of 210 x 297 mm).
    const window = { x0: 20 / 210, y0: 45 / 297, x1: 110 / 210, y1: 85 / 297 };
    expect(countPixels(page, window, isDark)).toBeGreaterThan(30);
    expect(countPixels(page, window, isInk)).toBeGreaterThan(150);
    // The envelope shows nothing else: the window's left part below the address is blank.
    expect(countPixels(page, { x0: 20 / 210, y0: 75 / 297, x1: 100 / 210, y1: 88 / 297 }, isInk)).toBe(0);
    savePng(standard, '/tmp/letter-page1.png');
  });

  it('writes the layout: trust, address, date, references 3-3-4, heading, appointment, preparation, change or cancel, footer', () => {
    const [text] = pdfText(standard);
    for (const expected of [
      'Test Trust XT1',
      'Trauma and orthopaedics outpatients',
      'Alice Example',
      'LS1 4AP',
      '23 November 2026',
      '999 000 0018',
      'T0001',
      'Your appointment is booked',
      'Your appointment',
      'Monday 14 December 2026',
      'Before your appointment',
      'Bring a list of the medicines you take.',
      'If you need to change or cancel',
      'Page 1 of 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('large print has more ink and more pages than standard for the same text', async () => {
    const large = await renderLetterPdf(sampleLetter('large-print'), { creationDate: CREATED });
    const pagesStandard = pdfPages(standard);
    const pagesLarge = pdfPages(large);
    expect(pagesLarge).toBeGreaterThanOrEqual(pagesStandard);
    expect(inkOf(large, pagesLarge)).toBeGreaterThan(inkOf(standard, pagesStandard) * 1.4);

    const longStandard = await renderLetterPdf(sampleLetter('standard', LONG), { creationDate: CREATED });
    const longLarge = await renderLetterPdf(sampleLetter('large-print', LONG), { creationDate: CREATED });
    expect(pdfPages(longLarge)).toBeGreaterThan(pdfPages(longStandard));
  });

  it('easy read has shorter lines and more pages than standard', async () => {
    const easy = await renderLetterPdf(sampleLetter('easy-read', LONG), { creationDate: CREATED });
    const longStandard = await renderLetterPdf(sampleLetter('standard', LONG), { creationDate: CREATED });
    expect(pdfPages(easy)).toBeGreaterThan(pdfPages(longStandard));
    // Nothing in the right-hand margin of the body on page 2 (lines stop at 140 mm).
    const page2 = pageImage(easy, 2);
    expect(countPixels(page2, { x0: 150 / 210, y0: 0.1, x1: 1, y1: 0.85 }, isInk)).toBe(0);
  });

  it('a long letter runs over several pages, each with its footer', async () => {
    const long = await renderLetterPdf(sampleLetter('standard', LONG), { creationDate: CREATED });
    const pages = pdfPages(long);
    expect(pages).toBeGreaterThan(pdfPages(standard));
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = pdfText(long);
    expect(text).toHaveLength(pages);
    text.forEach((t, i) => {
      expect(t).toContain(`Page ${i + 1} of ${pages}`);
      expect(t).toContain('Test Trust XT1');
    });
    // The end of the letter is on the last page and nothing is lost.
    expect(text.join('\n')).toContain('Paragraph 30.');
    expect(text[pages - 1]).toContain('If you need to change or cancel');
    // Every page has ink in the footer band.
    for (let p = 1; p <= pages; p++) {
      expect(countPixels(pageImage(long, p), { x0: 0, y0: 0.93, x1: 1, y1: 0.97 }, isInk)).toBeGreaterThan(
        20,
      );
    }
  });

  it('braille letters carry a BRAILLE mark at the top for the print provider', async () => {
    const braille = await renderLetterPdf(sampleLetter('braille'), { creationDate: CREATED });
    const [text] = pdfText(braille);
    expect(text).toContain('BRAILLE');
    expect(pdfText(standard)[0]).not.toContain('BRAILLE');
    const page = pageImage(braille);
    expect(countPixels(page, { x0: 0, y0: 0, x1: 0.4, y1: 0.09 }, isDark)).toBeGreaterThan(50);
  });

  it('shows names the built-in font lacks letters for without garbling them', async () => {
    const content = sampleLetter('standard');
    content.recipient.name = 'Łukasz Zoë O’Brien-Ștefan 😀 Ørsted';
    const [text] = pdfText(await renderLetterPdf(content, { creationDate: CREATED }));
    expect(text).toContain('Lukasz Zoë O’Brien-Stefan Ørsted');
    expect(printable('Đorđe Šimić €5 “x” – ok')).toBe('Dorde Šimic €5 “x” – ok');
  });

  it('gives the same bytes for the same content and creation date; metadata has no patient name', async () => {
    const again = await renderLetterPdf(sampleLetter('standard'), { creationDate: CREATED });
    expect(again.equals(standard)).toBe(true);
    const other = await renderLetterPdf(sampleLetter('standard', [...PARAGRAPHS, 'One more.']), {
      creationDate: CREATED,
    });
    expect(other.equals(standard)).toBe(false);
    const info = pdfInfo(standard);
    expect(info).toMatch(/^Title:\s+Your appointment is booked$/m);
    expect(info).toMatch(/^Author:\s+Test Trust XT1$/m);
    expect(info).toMatch(/^Page size:.*\(A4\)/m);
    expect(info).not.toContain('Alice');
    expect(info).not.toContain('Example');
  });
});

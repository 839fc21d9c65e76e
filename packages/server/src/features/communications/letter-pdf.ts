/**
 * Letters as PDF in the NHS letter layout (A4, pdfkit's built-in Helvetica, no font files): the trust's header in
 * the top right with a drawn "NHS" block (the real logo is a trademark), the recipient's name and address where a
 * window envelope shows it (20 mm from the left, 50 mm from the top), the date and references on the right, the
 * heading, the body, a box with the appointment's details, how to prepare, how to change or cancel, and a footer
 * with "Page n of m" on every page.
 *
 * Formats: large print sets the body at 16 pt (headings larger); easy read at 14 pt with short lines and more
 * space; braille is laid out as standard with a "BRAILLE" handling mark at the top for the print provider.
 *
 * `drawLetter` draws one letter into a document made with `newLetterDocument` (pages buffered, so each letter's
 * footer can count its own pages); a print batch draws many letters into one document, each on new pages.
 * The same content with the same creation date gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import { formatNhsNumber, formatUkDateLong, parsePlainDate, type LetterContent } from '@pathflow/core';

const MM = 72 / 25.4;
export const NHS_BLUE = '#005EB8';
const TEXT = '#212B32';
const SECONDARY = '#4C6272';
const PALE = '#E8EDEE';

const PAGE = { width: 595.28, height: 841.89 };
const LEFT = 20 * MM;
const RIGHT = PAGE.width - 20 * MM;
const TOP = 15 * MM;
/** Room under the body for the footer. */
const BOTTOM = 25 * MM;

interface Style {
  body: number;
  heading: number;
  subheading: number;
  small: number;
  address: number;
  /** Extra space between lines, and after a paragraph. */
  lineGap: number;
  paragraphGap: number;
  /** The body's width (easy read: shorter lines). */
  width: number;
}

const CONTENT_WIDTH = RIGHT - LEFT;

const STYLES: Record<LetterContent['format'], Style> = {
  standard: {
    body: 11,
    heading: 15,
    subheading: 12.5,
    small: 9,
    address: 11,
    lineGap: 2,
    paragraphGap: 8,
    width: CONTENT_WIDTH,
  },
  braille: {
    body: 11,
    heading: 15,
    subheading: 12.5,
    small: 9,
    address: 11,
    lineGap: 2,
    paragraphGap: 8,
    width: CONTENT_WIDTH,
  },
  'large-print': {
    body: 16,
    heading: 22,
    subheading: 18,
    small: 12,
    address: 13,
    lineGap: 4,
    paragraphGap: 12,
    width: CONTENT_WIDTH,
  },
  'easy-read': {
    body: 14,
    heading: 19,
    subheading: 16,
    small: 11,
    address: 12,
    lineGap: 6,
    paragraphGap: 16,
    width: 120 * MM,
  },
};

export interface LetterPdfOptions {
  /** The PDF's creation date (metadata); default midnight UTC of the letter's date, so output is repeatable. */
  creationDate?: Date;
}

/** A4 document for letters, pages buffered so `drawLetter` can write each letter's "Page n of m". */
export function newLetterDocument(info: { title: string; author?: string; creationDate: Date }) {
  return new PDFDocument({
    size: 'A4',
    autoFirstPage: false,
    bufferPages: true,
    margins: { top: TOP, bottom: BOTTOM, left: LEFT, right: PAGE.width - RIGHT },
    font: 'Helvetica',
    lang: 'en-GB',
    displayTitle: true,
    info: {
      Title: info.title,
      ...(info.author ? { Author: info.author } : {}),
      Creator: 'Pathflow',
      Producer: 'Pathflow',
      CreationDate: info.creationDate,
    },
  });
}

/** `2026-11-23` as `23 November 2026`. */
export function letterDate(iso: string): string {
  return formatUkDateLong(parsePlainDate(iso)).replace(/^\S+ /, '');
}

/** An NHS number as 3-3-4 (`943 476 5919`); any other reference as given. */
function referenceValue(label: string, value: string): string {
  if (/nhs number/i.test(label) && /^\d{10}$/.test(value.replace(/\s/g, ''))) return formatNhsNumber(value);
  return value;
}

/** Characters Helvetica (WinAnsi encoding) can show beyond Latin-1. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const NEAREST: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  ı: 'i',
  Ħ: 'H',
  ħ: 'h',
  ŀ: 'l',
  Ŀ: 'L',
};
const showable = (ch: string): boolean => {
  const c = ch.codePointAt(0)!;
  return ch === '\n' || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch);
};

/**
 * Text as the built-in fonts can show it: a letter they lack becomes its nearest one without the accent (Ł → L,
 * ș → s), anything else with no near form (an emoji) is left out, rather than garbling the rest of the line.
 */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    if (showable(ch)) out += ch;
    else if (NEAREST[ch]) out += NEAREST[ch];
    else {
      const base = ch.normalize('NFD').replace(/\p{M}+/gu, '');
      if (base.length > 0 && [...base].every(showable)) out += base;
      else if (/\s/.test(ch)) out += ' ';
    }
  }
  return out;
}

function printableContent(c: LetterContent): LetterContent {
  const rows = (xs: { label: string; value: string }[]) =>
    xs.map((r) => ({ label: printable(r.label), value: printable(r.value) }));
  return {
    ...c,
    trust: {
      name: printable(c.trust.name),
      department: printable(c.trust.department),
      addressLines: c.trust.addressLines.map(printable),
      phone: printable(c.trust.phone),
      website: printable(c.trust.website),
    },
    recipient: { name: printable(c.recipient.name), addressLines: c.recipient.addressLines.map(printable) },
    references: rows(c.references),
    heading: printable(c.heading),
    paragraphs: c.paragraphs.map(printable),
    ...(c.appointment ? { appointment: rows(c.appointment) } : {}),
    ...(c.preparation ? { preparation: c.preparation.map(printable) } : {}),
    ...(c.changeOrCancel ? { changeOrCancel: printable(c.changeOrCancel) } : {}),
  };
}

/** How far down the page text may go before a new page. */
const limit = (doc: PDFKit.PDFDocument) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page unless `height` more points fit on this one. */
function ensureSpace(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > limit(doc)) {
    doc.addPage();
    doc.x = LEFT;
  }
}

function drawHeader(doc: PDFKit.PDFDocument, content: LetterContent, style: Style): number {
  // The "NHS" block: a blue rectangle with white bold letters, top right.
  const blockW = 24 * MM;
  const blockH = 10 * MM;
  const blockX = RIGHT - blockW;
  doc.rect(blockX, TOP, blockW, blockH).fill(NHS_BLUE);
  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor('#FFFFFF')
    .text('NHS', blockX, TOP + (blockH - 20 * 0.72) / 2 - 1, {
      width: blockW,
      align: 'center',
      lineBreak: false,
    });

  const colW = 80 * MM;
  const colX = RIGHT - colW;
  let y = TOP + blockH + 3 * MM;
  doc.font('Helvetica-Bold').fontSize(style.subheading).fillColor(NHS_BLUE);
  doc.text(content.trust.name, colX, y, { width: colW, align: 'right' });
  y = doc.y;
  doc.font('Helvetica').fontSize(style.small + 1);
  doc.text(content.trust.department, colX, y, { width: colW, align: 'right' });
  y = doc.y + 1.5 * MM;
  doc.fillColor(TEXT).fontSize(style.small);
  for (const line of content.trust.addressLines) {
    doc.text(line, colX, y, { width: colW, align: 'right' });
    y = doc.y;
  }
  doc.text(`Phone: ${content.trust.phone}`, colX, y, { width: colW, align: 'right' });
  doc.text(content.trust.website, colX, doc.y, { width: colW, align: 'right' });
  return doc.y;
}

/** For the print provider: a boxed "BRAILLE" mark top left, above the address window. */
function drawBrailleMark(doc: PDFKit.PDFDocument): void {
  const w = 34 * MM;
  const h = 9 * MM;
  doc.lineWidth(1.5).rect(LEFT, TOP, w, h).stroke(TEXT);
  doc
    .font('Helvetica-Bold')
    .fontSize(14)
    .fillColor(TEXT)
    .text('BRAILLE', LEFT, TOP + (h - 14 * 0.72) / 2 - 1, { width: w, align: 'center', lineBreak: false });
  doc
    .font('Helvetica')
    .fontSize(7)
    .text('Transcribe to braille before posting', LEFT, TOP + h + 1.5, { width: 60 * MM });
}

/** Name and address where the window of a DL envelope shows it. */
function drawAddress(doc: PDFKit.PDFDocument, content: LetterContent, style: Style): number {
  const x = LEFT;
  const width = 85 * MM;
  doc.font('Helvetica').fontSize(style.address).fillColor(TEXT);
  doc.text(content.recipient.name, x, 50 * MM, { width, lineGap: 1 });
  for (const line of content.recipient.addressLines) doc.text(line, x, doc.y, { width, lineGap: 1 });
  return doc.y;
}

function drawDateAndReferences(
  doc: PDFKit.PDFDocument,
  content: LetterContent,
  style: Style,
  top: number,
): number {
  const size = Math.min(style.body, 14);
  const x = (size > 12 ? 110 : 125) * MM;
  const width = RIGHT - x;
  doc.font('Helvetica-Bold').fontSize(size).fillColor(TEXT);
  doc.text('Date: ', x, top, { width, continued: true }).font('Helvetica').text(letterDate(content.date));
  for (const r of content.references) {
    doc
      .font('Helvetica-Bold')
      .text(`${r.label}: `, x, doc.y + 2, { width, continued: true })
      .font('Helvetica')
      .text(referenceValue(r.label, r.value));
  }
  return doc.y;
}

function drawSubheading(doc: PDFKit.PDFDocument, text: string, style: Style): void {
  // Keep a heading with at least two lines of what follows.
  ensureSpace(doc, style.subheading * 1.4 + (style.body + style.lineGap) * 2);
  doc.font('Helvetica-Bold').fontSize(style.subheading).fillColor(NHS_BLUE);
  doc.text(text, LEFT, doc.y, { width: style.width });
  doc.moveDown(0.3);
}

function drawParagraph(doc: PDFKit.PDFDocument, text: string, style: Style): void {
  ensureSpace(doc, style.body + style.lineGap);
  doc.font('Helvetica').fontSize(style.body).fillColor(TEXT);
  doc.text(text, LEFT, doc.y, { width: style.width, lineGap: style.lineGap });
  doc.y += style.paragraphGap;
}

function drawAppointment(
  doc: PDFKit.PDFDocument,
  rows: { label: string; value: string }[],
  style: Style,
): void {
  const pad = 4 * MM;
  const boxW = style.width;
  const labelW = Math.min(45 * MM, boxW * 0.35);
  const valueW = boxW - labelW - pad * 3;
  const rowGap = style.lineGap + 3;
  const heightOf = (r: { label: string; value: string }) => {
    doc.fontSize(style.body);
    const l = doc.font('Helvetica-Bold').heightOfString(r.label, { width: labelW });
    const v = doc.font('Helvetica').heightOfString(r.value, { width: valueW, lineGap: style.lineGap });
    return Math.max(l, v);
  };
  const heights = rows.map(heightOf);
  const boxH = heights.reduce((a, b) => a + b + rowGap, 0) - rowGap + pad * 2;
  const pageRoom = doc.page.height - doc.page.margins.top - doc.page.margins.bottom;
  drawSubheading(doc, 'Your appointment', style);
  if (boxH <= pageRoom) ensureSpace(doc, boxH);
  const boxed = boxH <= limit(doc) - doc.y;
  const top = doc.y;
  if (boxed) {
    doc.rect(LEFT, top, boxW, boxH).fill(PALE);
    doc.rect(LEFT, top, 1.5 * MM, boxH).fill(NHS_BLUE);
  }
  let y = top + pad;
  rows.forEach((r, i) => {
    const h = heights[i]!;
    if (!boxed && y + h > limit(doc)) {
      doc.addPage();
      y = doc.page.margins.top;
    }
    doc.fontSize(style.body).fillColor(TEXT);
    doc.font('Helvetica-Bold').text(r.label, LEFT + pad, y, { width: labelW });
    doc
      .font('Helvetica')
      .text(r.value, LEFT + pad * 2 + labelW, y, { width: valueW, lineGap: style.lineGap });
    y += h + rowGap;
  });
  doc.x = LEFT;
  doc.y = (boxed ? top + boxH : y) + style.paragraphGap + 2;
}

function drawBullets(doc: PDFKit.PDFDocument, items: string[], style: Style): void {
  const indent = style.body * 1.2;
  for (const item of items) {
    ensureSpace(doc, style.body + style.lineGap);
    doc.font('Helvetica').fontSize(style.body).fillColor(TEXT);
    const y = doc.y;
    doc.text('\u2022', LEFT, y, { width: indent, lineBreak: false });
    doc.text(item, LEFT + indent, y, { width: style.width - indent, lineGap: style.lineGap });
    doc.y += style.paragraphGap / 2;
  }
  doc.x = LEFT;
  doc.y += style.paragraphGap / 2;
}

/** "Page n of m" and the trust's name at the foot of each of the letter's pages. */
function drawFooters(doc: PDFKit.PDFDocument, content: LetterContent, style: Style, first: number): void {
  const range = doc.bufferedPageRange();
  const last = range.start + range.count - 1;
  const total = last - first + 1;
  const size = Math.max(style.small, 9);
  for (let i = first; i <= last; i++) {
    doc.switchToPage(i);
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = PAGE.height - 15 * MM;
    doc
      .moveTo(LEFT, y - 2 * MM)
      .lineTo(RIGHT, y - 2 * MM)
      .lineWidth(0.5)
      .stroke(SECONDARY);
    doc.font('Helvetica').fontSize(size).fillColor(SECONDARY);
    doc.text(content.trust.name, LEFT, y, { width: CONTENT_WIDTH * 0.65, lineBreak: false });
    doc.text(`Page ${i - first + 1} of ${total}`, LEFT, y, {
      width: CONTENT_WIDTH,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.switchToPage(last);
}

/**
 * Draws one letter into `doc` (made with `newLetterDocument`), starting on a new page; returns nothing, the
 * document's buffered page range shows the pages it took.
 */
export function drawLetter(doc: PDFKit.PDFDocument, letter: LetterContent): void {
  if (!doc.options.bufferPages) {
    throw new Error('drawLetter needs a document with buffered pages: make it with newLetterDocument');
  }
  const content = printableContent(letter);
  const style = STYLES[content.format] ?? STYLES.standard;
  doc.addPage();
  const first = doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1;

  if (content.format === 'braille') drawBrailleMark(doc);
  const headerBottom = drawHeader(doc, content, style);
  const addressBottom = drawAddress(doc, content, style);
  const refsBottom = drawDateAndReferences(doc, content, style, Math.max(headerBottom + 4 * MM, 50 * MM));

  // The body starts below the envelope window (95 mm) and below whatever is above it.
  doc.x = LEFT;
  doc.y = Math.max(addressBottom, refsBottom, 85 * MM) + 10 * MM;
  ensureSpace(doc, style.heading * 2);
  doc.font('Helvetica-Bold').fontSize(style.heading).fillColor(TEXT);
  doc.text(content.heading, LEFT, doc.y, { width: style.width });
  doc.y += style.paragraphGap;

  for (const p of content.paragraphs) drawParagraph(doc, p, style);
  if (content.appointment && content.appointment.length > 0) drawAppointment(doc, content.appointment, style);
  if (content.preparation && content.preparation.length > 0) {
    drawSubheading(doc, 'Before your appointment', style);
    drawBullets(doc, content.preparation, style);
  }
  if (content.changeOrCancel) {
    drawSubheading(doc, 'If you need to change or cancel', style);
    drawParagraph(doc, content.changeOrCancel, style);
  }
  drawFooters(doc, content, style, first);
}

/** Pages the document holds so far. */
export const pageCount = (doc: PDFKit.PDFDocument): number => {
  const r = doc.bufferedPageRange();
  return r.start + r.count;
};

/** Collects a finished document's bytes. */
export function documentBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** One letter as a PDF. Metadata holds the heading and trust only, never the patient's name. */
export function renderLetterPdf(content: LetterContent, options: LetterPdfOptions = {}): Promise<Buffer> {
  const doc = newLetterDocument({
    title: printable(content.heading),
    author: printable(content.trust.name),
    creationDate: options.creationDate ?? new Date(`${content.date}T00:00:00Z`),
  });
  drawLetter(doc, content);
  return documentBytes(doc);
}

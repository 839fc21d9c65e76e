/**
 * The weekly pack's PDF summary (A4, pdfkit's built-in Helvetica as the letters use): the title with the
 * organisation and the day, the headline figures, two bar charts drawn as vector graphics (patients over 18
 * weeks per specialty; the expected number over 18 weeks week by week), the per-specialty table, the top 10 risks
 * and the under-booked sessions.
 *
 * The PDF is emailed, so it names no patient: a top risk shows its initials and NHS number only.
 */
import PDFDocument from 'pdfkit';
import { formatNhsNumber } from '@pathflow/core';
import { NHS_BLUE, documentBytes, letterDate, printable } from '../communications/letter-pdf';
import type { WeeklyPack } from './data';
import { escalationText } from './escalations';

const MM = 72 / 25.4;
const PAGE = { width: 595.28, height: 841.89 };
const LEFT = 15 * MM;
const RIGHT = PAGE.width - 15 * MM;
const WIDTH = RIGHT - LEFT;
const BOTTOM = PAGE.height - 15 * MM;
const TEXT = '#212B32';
const SECONDARY = '#4C6272';
const PALE = '#E8EDEE';

export const PDF_TOP_RISKS = 10;

const whole = (n: number): string => Math.round(n).toLocaleString('en-GB');
const oneDp = (n: number): string =>
  n.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pct = (f: number | null): string => (f === null ? '–' : `${(f * 100).toFixed(1)}%`);
/** A change with its sign: +12, −3, 0 (a minus sign, not a hyphen). */
export const signed = (n: number): string => (n > 0 ? `+${whole(n)}` : n < 0 ? `\u2212${whole(-n)}` : '0');
/** A change in a share, in percentage points: +1.2 points. */
export const points = (f: number | null): string =>
  f === null ? '–' : `${f > 0 ? '+' : f < 0 ? '\u2212' : ''}${Math.abs(f * 100).toFixed(1)} points`;

/** "Family, Given Middle" as "G. M. F.": enough to tell patients apart on a call, not to identify one. */
export function initials(name: string): string {
  const [family = '', given = ''] = name.split(',').map((p) => p.trim());
  const letters = [...given.split(/\s+/), ...family.split(/[\s-]+/)]
    .filter((w) => w.length > 0)
    .map((w) => `${[...w][0]!.toUpperCase()}.`);
  return letters.join(' ');
}

type Doc = PDFKit.PDFDocument;

/** Starts a new page when fewer than `needed` points are left. */
function room(doc: Doc, needed: number): void {
  if (doc.y + needed > BOTTOM) {
    doc.addPage();
    doc.y = 15 * MM;
  }
}

function heading(doc: Doc, title: string): void {
  room(doc, 60);
  doc.moveDown(0.6);
  doc.font('Helvetica-Bold').fontSize(13).fillColor(NHS_BLUE).text(title, LEFT, doc.y, { width: WIDTH });
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(9).fillColor(TEXT);
}

/** Horizontal bars: one labelled bar per item, scaled to the largest, its value at its end. */
function barChart(doc: Doc, items: { label: string; value: number }[], format: (n: number) => string): void {
  const labelW = 150;
  const barH = 11;
  const gap = 4;
  const max = Math.max(...items.map((i) => i.value), 0);
  const area = WIDTH - labelW - 50;
  for (const item of items) {
    room(doc, barH + gap);
    const y = doc.y;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(TEXT)
      .text(printable(item.label), LEFT, y + 2, {
        width: labelW - 6,
        height: barH,
        ellipsis: true,
        lineBreak: false,
      });
    const w = max > 0 ? (item.value / max) * area : 0;
    doc.rect(LEFT + labelW, y, area, barH).fill(PALE);
    if (w > 0) doc.rect(LEFT + labelW, y, Math.max(w, 0.5), barH).fill(NHS_BLUE);
    doc
      .fillColor(TEXT)
      .text(format(item.value), LEFT + labelW + area + 4, y + 2, { width: 46, lineBreak: false });
    doc.y = y + barH + gap;
  }
  doc.x = LEFT;
}

/** Vertical bars, one per week, with the week numbers under them. */
function columnChart(doc: Doc, values: number[], label: (i: number) => string): void {
  const height = 110;
  room(doc, height + 30);
  const top = doc.y;
  const max = Math.max(...values, 0);
  const step = WIDTH / Math.max(values.length, 1);
  doc
    .moveTo(LEFT, top + height)
    .lineTo(RIGHT, top + height)
    .lineWidth(0.5)
    .stroke(SECONDARY);
  doc.font('Helvetica').fontSize(7).fillColor(SECONDARY);
  doc.text(`${oneDp(max)}`, LEFT, top - 2, { width: 40, lineBreak: false });
  values.forEach((v, i) => {
    const h = max > 0 ? (v / max) * (height - 12) : 0;
    const x = LEFT + i * step + step * 0.15;
    if (h > 0) doc.rect(x, top + height - h, step * 0.7, h).fill(NHS_BLUE);
    doc
      .fillColor(SECONDARY)
      .text(label(i), LEFT + i * step, top + height + 3, { width: step, align: 'center', lineBreak: false });
  });
  doc.y = top + height + 16;
  doc.x = LEFT;
}

interface TableColumn<R> {
  header: string;
  width: number;
  align?: 'left' | 'right';
  value: (r: R) => string;
}

function table<R>(
  doc: Doc,
  columns: readonly TableColumn<R>[],
  rows: readonly R[],
  bold?: (r: R) => boolean,
): void {
  const total = columns.reduce((a, c) => a + c.width, 0);
  const scale = WIDTH / total;
  const rowH = 13;
  const drawHeader = () => {
    const y = doc.y;
    doc.rect(LEFT, y, WIDTH, rowH + 8).fill(PALE);
    let x = LEFT;
    doc.font('Helvetica-Bold').fontSize(7.5).fillColor(TEXT);
    for (const c of columns) {
      const w = c.width * scale;
      doc.text(c.header, x + 2, y + 2, { width: w - 4, align: c.align ?? 'left', height: rowH + 6 });
      x += w;
    }
    doc.y = y + rowH + 10;
  };
  drawHeader();
  for (const r of rows) {
    if (doc.y + rowH > BOTTOM) {
      doc.addPage();
      doc.y = 15 * MM;
      drawHeader();
    }
    const y = doc.y;
    let x = LEFT;
    doc
      .font(bold?.(r) ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(8)
      .fillColor(TEXT);
    for (const c of columns) {
      const w = c.width * scale;
      doc.text(printable(c.value(r)), x + 2, y, {
        width: w - 4,
        align: c.align ?? 'left',
        lineBreak: false,
        ellipsis: true,
        height: rowH,
      });
      x += w;
    }
    doc.y = y + rowH;
  }
  doc.x = LEFT;
}

type Specialty = WeeklyPack['specialties'][number];

export async function weeklyPackPdf(pack: WeeklyPack): Promise<Buffer> {
  const org = printable(pack.organisation.name);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 15 * MM, bottom: 10 * MM, left: LEFT, right: PAGE.width - RIGHT },
    font: 'Helvetica',
    lang: 'en-GB',
    displayTitle: true,
    info: {
      Title: `Weekly waiting list pack, ${pack.asOf}`,
      Author: org,
      Creator: 'Pathflow',
      Producer: 'Pathflow',
      CreationDate: new Date(pack.generatedAt),
    },
  });
  const t = pack.trust;
  const change = pack.changeSinceLastWeek;
  const tc = change?.trust;
  const changeOf = new Map((change?.specialties ?? []).map((c) => [c.code, c]));

  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor(NHS_BLUE)
    .text('Weekly waiting list pack', LEFT, 15 * MM);
  doc
    .font('Helvetica')
    .fontSize(11)
    .fillColor(TEXT)
    .text(`${org} (${pack.organisation.odsCode})`)
    .text(`As of ${letterDate(pack.asOf)}`);
  doc
    .fontSize(8)
    .fillColor(SECONDARY)
    .text(
      `Forecast: ${pack.forecast.runs} simulation runs over ${pack.forecast.weeks} weeks. ${
        change
          ? `Changes are since the pack of ${letterDate(change.comparedWith.asOf)}.`
          : 'Change since last week: no earlier pack is stored yet.'
      }`,
    );

  heading(doc, 'Headline figures');
  const since = (text: string | undefined) => (text === undefined ? '' : ` (${text} since last week)`);
  const boxes: [string, string][] = [
    [`Waiting (trust total)${since(tc && signed(tc.total))}`, whole(t.total)],
    [`Within 18 weeks${since(tc && points(tc.fractionWithin18))}`, pct(t.fractionWithin18)],
    [`Over 52 weeks${since(tc && signed(tc.over52))}`, whole(t.over52)],
    [`Over 65 weeks${since(tc && signed(tc.over65))}`, whole(t.over65)],
    [`Over 78 weeks${since(tc && signed(tc.over78))}`, whole(t.over78)],
    [`Expected 18-week breaches (${pack.forecast.weeks} weeks)`, oneDp(t.expectedBreaches['18'])],
    [`Potential breaches${since(tc && signed(tc.potentialBreaches))}`, whole(t.potentialBreaches)],
    ['Under-booked sessions (2 weeks)', whole(t.underBookedSessions)],
  ];
  const boxW = WIDTH / 4;
  const boxH = 44;
  const top = doc.y;
  boxes.forEach(([label, value], i) => {
    const x = LEFT + (i % 4) * boxW;
    const y = top + Math.floor(i / 4) * (boxH + 6);
    doc.rect(x + 2, y, boxW - 4, boxH).fill(PALE);
    doc
      .font('Helvetica-Bold')
      .fontSize(16)
      .fillColor(NHS_BLUE)
      .text(value, x + 8, y + 6, { width: boxW - 16 });
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(TEXT)
      .text(label, x + 8, y + 26, { width: boxW - 16 });
  });
  doc.y = top + 2 * (boxH + 6);
  doc.x = LEFT;

  heading(doc, 'Patients waiting over 18 weeks, by specialty');
  const over18 = pack.specialties
    .filter((s) => s.total > 0)
    .sort((a, b) => b.over18 - a.over18)
    .map((s) => ({ label: s.name, value: s.over18 }));
  if (over18.length === 0) doc.text('No patients are waiting.');
  else barChart(doc, over18, whole);

  heading(doc, `Expected number waiting over 18 weeks, week by week (next ${pack.forecast.weeks} weeks)`);
  columnChart(
    doc,
    pack.forecast.weekly.map((w) => w.over18),
    (i) => String(i + 1),
  );

  heading(doc, 'By specialty');
  const rows: (Specialty | (WeeklyPack['trust'] & { name: string; code: string }))[] = [
    ...pack.specialties,
    { ...t, name: 'Trust total', code: '' },
  ];
  table(
    doc,
    [
      { header: 'Specialty', width: 120, value: (s) => s.name },
      { header: 'Waiting', width: 40, align: 'right', value: (s) => whole(s.total) },
      { header: '% within 18 wks', width: 44, align: 'right', value: (s) => pct(s.fractionWithin18) },
      {
        header: 'Change in waiting',
        width: 40,
        align: 'right',
        value: (s) => {
          const c = s.code === '' ? tc : changeOf.get(s.code);
          return c ? signed(c.total) : '–';
        },
      },
      { header: 'Over 52', width: 36, align: 'right', value: (s) => whole(s.over52) },
      {
        header: 'Change over 52',
        width: 36,
        align: 'right',
        value: (s) => {
          const c = s.code === '' ? tc : changeOf.get(s.code);
          return c ? signed(c.over52) : '–';
        },
      },
      { header: 'Over 65', width: 36, align: 'right', value: (s) => whole(s.over65) },
      { header: 'Over 78', width: 36, align: 'right', value: (s) => whole(s.over78) },
      {
        header: 'Expected 18-wk breaches',
        width: 50,
        align: 'right',
        value: (s) => oneDp(s.expectedBreaches['18']),
      },
      { header: 'Potential breaches', width: 44, align: 'right', value: (s) => whole(s.potentialBreaches) },
      {
        header: 'Load',
        width: 32,
        align: 'right',
        value: (s) => ('capacity' in s && s.capacity.load !== null ? s.capacity.load.toFixed(2) : '–'),
      },
      {
        header: 'Pressure',
        width: 36,
        align: 'right',
        value: (s) =>
          'capacity' in s && s.capacity.pressure !== null ? s.capacity.pressure.toFixed(2) : '–',
      },
    ],
    rows,
    (s) => s.name === 'Trust total' && s.code === '',
  );

  heading(doc, 'Escalated to service managers');
  if (pack.escalations.length === 0)
    doc.font('Helvetica').fontSize(8).fillColor(TEXT).text('Nothing this week.');
  for (const e of pack.escalations) {
    room(doc, 12);
    doc
      .font('Helvetica-Bold')
      .fontSize(8)
      .fillColor(TEXT)
      .text(`${printable(e.name)}: `, LEFT, doc.y, { continued: true })
      .font('Helvetica')
      .text(`${e.reasons.map((r) => escalationText(r, e.figures)).join('; ')}.`);
  }

  heading(doc, `Top ${PDF_TOP_RISKS} risks`);
  const risks = pack.topRisks.slice(0, PDF_TOP_RISKS);
  if (risks.length === 0) doc.text('No potential breaches.');
  else
    table(
      doc,
      [
        { header: 'Initials', width: 40, value: (r) => initials(r.name) },
        { header: 'NHS number', width: 60, value: (r) => formatNhsNumber(r.nhsNumber) },
        { header: 'Specialty', width: 100, value: (r) => r.specialty.name },
        { header: 'Weeks', width: 30, align: 'right', value: (r) => String(r.thresholdWeeks) },
        { header: 'Breach date', width: 56, value: (r) => r.breachDate.split('-').reverse().join('/') },
        { header: 'Lead (days)', width: 36, align: 'right', value: (r) => whole(r.leadDays) },
        { header: 'Chance', width: 36, align: 'right', value: (r) => pct(r.probability) },
        { header: 'Reason', width: 160, value: (r) => r.reasonText },
      ],
      risks,
    );

  heading(
    doc,
    `Under-booked sessions, ${letterDate(pack.underBooked.from)} to ${letterDate(pack.underBooked.to)}`,
  );
  if (pack.underBooked.sessions.length === 0) doc.text('No session is under-booked.');
  else
    table(
      doc,
      [
        { header: 'Date', width: 50, value: (s) => s.date.split('-').reverse().join('/') },
        { header: 'Clinic', width: 150, value: (s) => s.clinic },
        { header: 'Specialty', width: 110, value: (s) => s.specialty?.name ?? '' },
        { header: 'Places', width: 36, align: 'right', value: (s) => whole(s.places) },
        { header: 'Booked', width: 36, align: 'right', value: (s) => whole(s.booked) },
        { header: '% booked', width: 40, align: 'right', value: (s) => pct(s.fractionBooked) },
      ],
      pack.underBooked.sessions,
    );

  return documentBytes(doc);
}

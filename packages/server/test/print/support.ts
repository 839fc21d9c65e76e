/**
 * For the letter and print-batch tests: poppler's `pdftoppm` and `pdfinfo` (the PDF as a picture, its page
 * count), a P6 PPM reader, sample letter content, and letters waiting to be printed made straight in the database.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LetterContent, LetterFormat } from '@pathflow/core';
import { communications } from '../../src/db/schema';
import type { Database } from '../../src/db/client';

function has(tool: string): boolean {
  try {
    execFileSync(tool, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fails (never skips) when poppler-utils is missing, saying how to get it. */
export function requirePoppler(): void {
  for (const tool of ['pdftoppm', 'pdfinfo', 'pdftotext']) {
    if (!has(tool)) {
      throw new Error(
        `${tool} is not installed: these tests look at the PDFs as pictures. Install it with: apt-get install -y poppler-utils`,
      );
    }
  }
}

export interface Image {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel, row by row. */
  pixels: Buffer;
}

/** Reads a binary PPM (P6, maxval 255). */
export function parsePpm(data: Buffer): Image {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < data.length && /\s/.test(String.fromCharCode(data[pos]!))) pos++;
      if (data[pos] === 0x23) {
        while (pos < data.length && data[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < data.length && !/\s/.test(String.fromCharCode(data[pos]!))) pos++;
    return data.subarray(start, pos).toString('ascii');
  };
  const magic = token();
  if (magic !== 'P6') throw new Error(`not a P6 PPM (${magic})`);
  const width = Number(token());
  const height = Number(token());
  const max = Number(token());
  if (max !== 255) throw new Error(`PPM maxval ${max} is not 255`);
  pos += 1; // the single whitespace before the pixels
  const pixels = data.subarray(pos, pos + width * height * 3);
  if (pixels.length !== width * height * 3) throw new Error('PPM is short');
  return { width, height, pixels };
}

/** Page `page` (from 1) of a PDF as a picture at `dpi`. */
export function pageImage(pdf: Buffer, page = 1, dpi = 50): Image {
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-ppm-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const out = join(dir, 'out');
    execFileSync('pdftoppm', [
      '-r',
      String(dpi),
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      file,
      out,
    ]);
    return parsePpm(readFileSync(`${out}.ppm`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Saves page 1 as a PNG (for a person to look at). */
export function savePng(pdf: Buffer, target: string, dpi = 60): void {
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-png-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      String(dpi),
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      target.replace(/\.png$/, ''),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What pdfinfo says about a PDF (metadata, page size, page count). */
export function pdfInfo(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-info-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdfinfo', [file]).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's page count, from pdfinfo. */
export function pdfPages(pdf: Buffer): number {
  const m = /^Pages:\s+(\d+)/m.exec(pdfInfo(pdf));
  if (!m) throw new Error('pdfinfo gave no page count');
  return Number(m[1]);
}

/** The text of a PDF page by page (pdftotext, form feeds between pages). */
export function pdfText(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-text-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    return text.split('\f').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pixels in a box (fractions of the page) matching `test`. */
export function countPixels(
  img: Image,
  box: { x0: number; y0: number; x1: number; y1: number },
  test: (r: number, g: number, b: number) => boolean,
): number {
  let n = 0;
  const xs = Math.floor(box.x0 * img.width);
  const xe = Math.ceil(box.x1 * img.width);
  const ys = Math.floor(box.y0 * img.height);
  const ye = Math.ceil(box.y1 * img.height);
  for (let y = ys; y < ye; y++) {
    for (let x = xs; x < xe; x++) {
      const i = (y * img.width + x) * 3;
      if (test(img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!)) n++;
    }
  }
  return n;
}

/** Close to NHS Blue (#005EB8 = 0, 94, 184). */
export const isNhsBlue = (r: number, g: number, b: number): boolean =>
  r < 40 && Math.abs(g - 94) < 30 && Math.abs(b - 184) < 30;
export const isDark = (r: number, g: number, b: number): boolean => r + g + b < 3 * 110;
export const isInk = (r: number, g: number, b: number): boolean => r + g + b < 3 * 200;

export const PARAGRAPHS = [
  'Dear Alice Example',
  'We have booked your appointment at the orthopaedic clinic. The details are below.',
  'Please bring this letter with you. If you need an interpreter, tell us and we will book one for you.',
  'Yours sincerely,\nThe appointments team',
];

export function sampleLetter(format: LetterFormat = 'standard', paragraphs = PARAGRAPHS): LetterContent {
  return {
    trust: {
      name: 'Test Trust XT1',
      department: 'Trauma and orthopaedics outpatients',
      addressLines: ['Test General Hospital', '1 Hospital Road', 'LS9 7TF'],
      phone: '0113 496 0000',
      website: 'www.nhs.uk',
    },
    recipient: { name: 'Alice Example', addressLines: ['1 Test Street', 'Leeds', 'LS1 4AP'] },
    date: '2026-11-23',
    references: [
      { label: 'NHS number', value: '9990000018' },
      { label: 'Hospital number', value: 'T0001' },
    ],
    heading: 'Your appointment is booked',
    paragraphs,
    appointment: [
      { label: 'Date', value: 'Monday 14 December 2026' },
      { label: 'Time', value: '10:30am' },
      { label: 'Place', value: 'Outpatients B, Test General Hospital, 1 Hospital Road, LS9 7TF' },
      { label: 'Clinic', value: 'Trauma and orthopaedics' },
      { label: 'Clinician', value: 'Ms Ada Surgeon' },
    ],
    preparation: [
      'Bring a list of the medicines you take.',
      'Arrive 10 minutes before your appointment time.',
    ],
    changeOrCancel: 'Please call us on 0113 496 0000 as soon as you can, Monday to Friday, 9am to 5pm.',
    format,
  };
}

/** A letter waiting to be printed, made straight in the database (as delivery leaves it). */
export async function insertAwaitingLetter(
  db: Database,
  orgId: string,
  patientId: string,
  options: {
    createdAt: Date;
    format?: LetterFormat;
    subject?: string;
    body?: string;
    appointmentId?: string | null;
    pathwayId?: string | null;
    status?: string;
  },
): Promise<string> {
  const id = randomUUID();
  await db.insert(communications).values({
    orgId,
    id,
    patientId,
    pathwayId: options.pathwayId ?? null,
    appointmentId: options.appointmentId ?? null,
    kind: 'appointment-booked',
    channel: 'letter',
    status: options.status ?? 'awaiting-print',
    format: options.format ?? 'standard',
    renderedSubject: options.subject ?? 'Your appointment is booked',
    renderedBody: options.body ?? PARAGRAPHS.join('\n\n'),
    provider: 'outbox',
    letterFile: null,
    createdBy: 'test',
    createdAt: options.createdAt,
    statusAt: options.createdAt,
  });
  return id;
}

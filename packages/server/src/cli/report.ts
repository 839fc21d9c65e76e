/**
 * `pathflow report weekly --out pack.xlsx [--pdf pack.pdf] [--org ODS] [--date YYYY-MM-DD]`: the weekly
 * waiting-list pack as an Excel workbook (and a PDF summary), written to files and audited as the downloads are
 * (the files show patients), acting as the system ('pathflow-cli'). Prints where it wrote them and the headline
 * figures (counts only). Bad arguments: a message and exit code 2.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { epochDayToIso, isoToEpochDay } from '@pathflow/core';
import { systemContext } from '../auth/principal';
import { findOrganisation } from '../auth/users';
import { londonToday } from '../clock';
import { AppError } from '../errors';
import { MAX_RUNS } from '../features/forecast/service';
import { buildWeeklyPack, packClock } from '../features/weekly-pack/data';
import { auditWeeklyPack, renderWeeklyPack } from '../features/weekly-pack/service';
import { withDatabase } from './database';

export interface WeeklyReportOptions {
  out?: string;
  pdf?: string;
  org?: string;
  date?: string;
  /** As typed: checked here, so that a bad value exits 2 like the others. */
  runs?: string;
}

/** Exit code for a command given arguments it cannot use. */
export const BAD_ARGUMENTS = 2;

function badArguments(message: string): void {
  process.stderr.write(`pathflow: ${message}\n`);
  process.exitCode = BAD_ARGUMENTS;
}

/** The argument's problem, or null when it will do. */
function checkArguments(opts: WeeklyReportOptions): string | null {
  if (opts.out === undefined || opts.out.trim() === '')
    return 'give the workbook to write with --out, e.g. --out pack.xlsx';
  if (!/\.xlsx$/i.test(opts.out)) return `--out must name an .xlsx file; got ${opts.out}`;
  if (opts.pdf !== undefined && !/\.pdf$/i.test(opts.pdf))
    return `--pdf must name a .pdf file; got ${opts.pdf}`;
  if (opts.pdf !== undefined && resolve(opts.pdf) === resolve(opts.out))
    return '--out and --pdf must name different files';
  if (opts.runs !== undefined && !(/^\d+$/.test(opts.runs) && +opts.runs >= 1 && +opts.runs <= MAX_RUNS))
    return `--runs must be a whole number from 1 to ${MAX_RUNS}; got ${opts.runs}`;
  if (opts.date !== undefined) {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(opts.date) ? isoToEpochDay(opts.date) : NaN;
    if (!Number.isInteger(day) || epochDayToIso(day) !== opts.date)
      return `--date must be a date, YYYY-MM-DD; got ${opts.date}`;
  }
  return null;
}

const pct = (f: number | null): string => (f === null ? 'none waiting' : `${(f * 100).toFixed(1)}%`);

export async function weeklyReport(opts: WeeklyReportOptions): Promise<void> {
  const problem = checkArguments(opts);
  if (problem !== null) return badArguments(problem);
  const out = opts.out!;
  await withDatabase(async (handle) => {
    await handle.migrate();
    let org;
    try {
      org = await findOrganisation(handle.db, opts.org);
    } catch (err) {
      if (err instanceof AppError) return badArguments(err.message);
      throw err;
    }
    const realNow = new Date();
    const asOf = opts.date ?? londonToday(realNow);
    const now = packClock(asOf, realNow);
    const ctx = systemContext(org.orgId, now, 'pathflow-cli');
    const pack = await buildWeeklyPack(handle.db, org.orgId, asOf, {
      ctx,
      now,
      runs: opts.runs === undefined ? undefined : Number(opts.runs),
    });
    const written: string[] = [];
    const files: [string, 'xlsx' | 'pdf'][] = [[out, 'xlsx']];
    if (opts.pdf !== undefined) files.push([opts.pdf, 'pdf']);
    for (const [file, format] of files) {
      const bytes = await renderWeeklyPack(pack, format);
      await writeFile(file, bytes);
      await auditWeeklyPack(handle.db, ctx, pack, format, bytes.length);
      written.push(`Wrote ${file} (${bytes.length.toLocaleString('en-GB')} bytes).`);
    }
    const t = pack.trust;
    const n = (x: number) => x.toLocaleString('en-GB');
    process.stdout.write(
      [
        `Weekly waiting list pack for ${org.odsCode}, as of ${pack.asOf}:`,
        ...written,
        `Waiting: ${n(t.total)}; within 18 weeks: ${n(t.within18)} (${pct(t.fractionWithin18)}); over 52 weeks: ${n(t.over52)}; over 65: ${n(t.over65)}; over 78: ${n(t.over78)}.`,
        `Expected 18-week breaches in ${pack.forecast.weeks} weeks: ${t.expectedBreaches['18'].toFixed(1)}; potential breaches: ${n(t.potentialBreaches)}; under-booked sessions in the next 2 weeks: ${n(t.underBookedSessions)}.`,
        '',
      ].join('\n'),
    );
  });
}

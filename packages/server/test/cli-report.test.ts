/**
 * `pathflow report weekly`, run as a person would run it (a child process with only environment variables): on
 * the demo trust it writes a workbook that opens with the pack's sheets and a PDF, and prints the headline
 * figures; bad arguments are refused with exit code 2. One case: each run starts tsx and seeds a trust.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, createServerDatabase } from './support/db';

const BIN = fileURLToPath(new URL('../bin/pathflow.mjs', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.each(ENGINES)('pathflow report weekly on %s', { timeout: 300_000 }, (engine) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'pathflow-cli-report-'));

  const run = (args: string[]) =>
    new Promise<Run>((resolve) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        { env, timeout: 240_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end('');
    });

  beforeAll(async () => {
    const { DATABASE_URL: _d, TEST_DATABASE_URL: _t, ...base } = process.env;
    env = { ...base, PATHFLOW_DATA_DIR: join(dir, 'data'), NODE_NO_WARNINGS: '1' };
    cleanup = async () => undefined;
    if (engine === 'postgres') {
      const created = await createServerDatabase();
      env.DATABASE_URL = created.url;
      cleanup = created.drop;
    }
  });
  afterAll(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the workbook and the PDF of the demo trust, and refuses bad arguments with exit code 2', async () => {
    const seeded = await run(['seed', '--size', 'demo', '--seed', '3']);
    expect(seeded.code, seeded.stderr).toBe(0);

    const out = join(dir, 'pack.xlsx');
    const pdf = join(dir, 'pack.pdf');
    const res = await run(['report', 'weekly', '--out', out, '--pdf', pdf, '--runs', '10']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Wrote ${out}`);
    expect(res.stdout).toContain(`Wrote ${pdf}`);
    const waiting = /Waiting: ([\d,]+); within 18 weeks: ([\d,]+)/.exec(res.stdout);
    expect(waiting, res.stdout).not.toBeNull();

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'Summary',
      'Specialties',
      'Directorates',
      'Change since last week',
      'Top risks',
      'Under-booked clinics',
      'Forecast',
    ]);
    // The printed total is the workbook's.
    expect(wb.getWorksheet('Summary')!.getCell('B5').value).toBe(Number(waiting![1]!.replace(/,/g, '')));
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    for (const args of [
      ['report', 'weekly'],
      ['report', 'weekly', '--out', join(dir, 'pack.csv')],
      ['report', 'weekly', '--out', out, '--date', '2026-02-30'],
      ['report', 'weekly', '--out', out, '--runs', '0'],
      ['report', 'weekly', '--out', out, '--org', 'NOPE'],
    ]) {
      const bad = await run(args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr, args.join(' ')).toMatch(/^pathflow: /);
    }
  });
});

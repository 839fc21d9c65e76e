import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../config';
import { openDatabase, type DatabaseHandle } from '../db/client';
import { seedTrust } from '../seed';

/** Opens the database the environment names, runs `fn`, and always closes it. */
export async function withDatabase<T>(fn: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

export async function migrate(): Promise<void> {
  await withDatabase(async (handle) => {
    await handle.migrate();
    process.stdout.write(`Database migrated (${handle.engine}: ${handle.location}).\n`);
  });
}

export async function seed(opts: { size: 'demo' | 'large'; seed: number }): Promise<void> {
  await withDatabase(async (handle) => {
    await handle.migrate();
    const bar = new SingleBar(
      { format: ' {phase} [{bar}] {percentage}% | {value}/{total}', hideCursor: true },
      Presets.shades_classic,
    );
    let phase = '';
    const summary = await seedTrust(handle, {
      size: opts.size,
      seed: opts.seed,
      onProgress: (p) => {
        if (opts.size !== 'large') return;
        if (p.phase !== phase) {
          if (phase) bar.stop();
          phase = p.phase;
          bar.start(p.total, p.done, { phase: p.phase.padEnd(10) });
        } else bar.update(p.done);
      },
    });
    if (phase) bar.stop();
    const rows = Object.values(summary.counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `Seeded ${summary.odsCode} (${opts.size}, seed ${opts.seed}) on ${handle.engine}: ${rows.toLocaleString('en-GB')} rows in ${summary.seconds.toFixed(1)} s.\n`,
    );
  });
}

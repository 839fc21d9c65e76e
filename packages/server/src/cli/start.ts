import { asc, eq } from 'drizzle-orm';
import { buildApp } from '../app';
import { loadConfig } from '../config';
import { openDatabase, type Database } from '../db/client';
import { organisations, staffUsers } from '../db/schema';
import { serverLogger } from '../logger';
import { DEMO_ORG_ODS, DEMO_PASSWORD, isDatabaseEmpty, seedTrust } from '../seed';
import { scheduleDaily } from '../jobs/daily';
import { extendAllSlotHorizons } from '../jobs/slot-horizon';
import { startJobRunner } from '../jobs/scheduler';
import { jobHandlers } from '../jobs/handlers';
import { startDeliveryRunner } from '../features/communications/runner';
import { produceDueWeeklyPacks, WEEKLY_PACK_AT } from '../features/weekly-pack/schedule';

/** When the daily slot-horizon extension runs (London time: the clinics are shut). */
export const SLOT_HORIZON_AT = '02:00';

async function demoAccounts(db: Database) {
  return db
    .select({ username: staffUsers.username, role: staffUsers.role })
    .from(staffUsers)
    .innerJoin(organisations, eq(organisations.orgId, staffUsers.orgId))
    .where(eq(organisations.odsCode, DEMO_ORG_ODS))
    .orderBy(asc(staffUsers.username));
}

export async function start(opts: { port?: number }): Promise<void> {
  const config = loadConfig();
  if (opts.port !== undefined) config.port = opts.port;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await handle.migrate();
  if (config.seed === 'demo' && (await isDatabaseEmpty(handle.db))) {
    out('The database is empty: loading the demo trust (synthetic patients only)...');
    const summary = await seedTrust(handle, { size: 'demo', seed: 1 });
    out(`Demo trust loaded in ${summary.seconds.toFixed(1)} s.`);
  }
  const app = await buildApp({ handle, config, logger: serverLogger(config.logLevel) });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shown =
    config.host === '127.0.0.1' || config.host === '0.0.0.0' || config.host === '::'
      ? 'localhost'
      : config.host;
  const accounts = await demoAccounts(handle.db);
  out('');
  out(`Pathflow is running at http://${shown}:${port}`);
  out(`Database: ${handle.engine} (${handle.location})`);
  if (accounts.length > 0) {
    out(`Demo sign-in accounts (password: ${DEMO_PASSWORD}):`);
    for (const a of accounts) out(`  ${a.username.padEnd(18)} ${a.role}`);
  }
  out('Press Ctrl+C to stop.');
  out('');

  // Each nightly job logs counts only, and a failure is logged and tried again at its next time.
  const failed = (job: string, message: string) => (err: unknown) =>
    app.log.error({ job, err: err instanceof Error ? err.name : 'Error' }, message);
  const extendHorizons = () =>
    extendAllSlotHorizons(handle.db, new Date(), { actorId: 'slot-horizon' }).then(
      (results) => {
        app.log.info(
          {
            job: 'slot-horizon',
            organisations: results.length,
            clinics: results.reduce((n, r) => n + r.templates, 0),
            slotsCreated: results.reduce((n, r) => n + r.created, 0),
          },
          'slot horizon extended',
        );
      },
      failed('slot-horizon', 'slot horizon failed'),
    );
  const producePacks = () =>
    produceDueWeeklyPacks(handle.db, new Date()).then(
      (produced) => {
        if (produced.length === 0) return;
        app.log.info(
          {
            job: 'weekly-pack',
            organisations: produced.length,
            escalations: produced.reduce((n, p) => n + p.escalations, 0),
            messages: produced.reduce((n, p) => n + p.messages, 0),
          },
          'weekly pack produced',
        );
      },
      failed('weekly-pack', 'weekly pack failed'),
    );

  // The slot horizon daily at 02:00; the weekly waiting-list pack on Mondays at 07:00, checked each day at that
  // time (one missed while the server was down is produced when it is back). Both once now as well, the horizon
  // first, so that the pack counts the slots ahead.
  const horizonJob = scheduleDaily({ at: SLOT_HORIZON_AT, run: extendHorizons });
  const weeklyPackJob = scheduleDaily({ at: WEEKLY_PACK_AT, run: producePacks });
  const catchUp = extendHorizons().then(producePacks);

  // Due work (invitations, reminders' follow-ups, short-notice offers, PIFU ends): every few seconds.
  const jobs = startJobRunner(handle.db, {
    handlers: jobHandlers(),
    now: () => new Date(),
    intervalMs: 5_000,
    onError: (err) =>
      app.log.error(
        { job: 'scheduler', err: err instanceof Error ? err.name : 'Error' },
        'scheduled jobs failed',
      ),
  });

  // Letters, SMS and email: GOV.UK Notify when NOTIFY_API_KEY is set, otherwise the embedded outbox.
  const delivery = startDeliveryRunner(handle.db, {
    config,
    onError: (err) =>
      app.log.error(
        { job: 'delivery', err: err instanceof Error ? err.name : 'Error' },
        'message delivery failed',
      ),
  });
  out(
    delivery.provider === 'notify'
      ? 'Messages: sent through GOV.UK Notify.'
      : `Messages: kept in the embedded outbox (letters as PDF files in ${config.lettersDir}).`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await catchUp;
    await horizonJob.stop();
    await weeklyPackJob.stop();
    await jobs.stop();
    await delivery.stop();
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

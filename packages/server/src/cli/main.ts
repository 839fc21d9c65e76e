/**
 * `pathflow`: start the server, migrate, seed, add staff and machine clients, extend clinic slots, write the weekly
 * waiting-list pack, back up and restore.
 * Every command reads the same environment as the server (DATABASE_URL or PATHFLOW_DATA_DIR, and so on).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES } from '@pathflow/core';
import { ConfigError } from '../config';
import { AppError } from '../errors';
import { addClient, addUser } from './accounts';
import { backup, restore } from './backup';
import { migrate, seed } from './database';
import { weeklyReport } from './report';
import { extendSlots } from './slots';
import { start } from './start';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

const program = new Command('pathflow')
  .description('Pathflow: patient access and patient flow for the NHS')
  .showHelpAfterError();

program
  .command('start')
  .description('migrate the database, seed the demo trust if it is empty, and serve the API and web app')
  .option('--port <port>', 'port to listen on (default: PORT or 3000)', positiveInt)
  .action((opts: { port?: number }) => start(opts));

program
  .command('migrate')
  .description('apply any pending database migrations')
  .action(() => migrate());

program
  .command('seed')
  .description('load a synthetic acute trust (synthetic patients only, NHS numbers from the 999 test range)')
  .addOption(
    new Option('--size <size>', 'demo (seconds) or large (250,000 pathways)')
      .choices(['demo', 'large'])
      .default('demo'),
  )
  .option('--seed <n>', 'random seed: the same seed gives the same data', positiveInt, 1)
  .action((opts: { size: 'demo' | 'large'; seed: number }) => seed(opts));

const user = program.command('user').description('staff accounts');
user
  .command('add')
  .description('add a member of staff who signs in with a password (or single sign-on)')
  .requiredOption('--username <username>', 'sign-in name, e.g. jane.smith')
  .requiredOption('--name <name>', 'display name, e.g. "Jane Smith"')
  .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
  .option('--email <email>', 'email, used to match single sign-on accounts')
  .option('--password-stdin', 'read the password from standard input (otherwise PATHFLOW_USER_PASSWORD)')
  .option('--org <ods>', 'ODS code of the organisation (needed when there is more than one)')
  .action(addUser);

const client = program.command('client').description('machine clients (OAuth 2.0 client credentials)');
client
  .command('add')
  .description('add a machine client; prints its id and secret once')
  .requiredOption('--name <name>', 'what the client is, e.g. "e-RS integration"')
  .addOption(
    new Option('--role <role>', 'role whose permissions the client gets')
      .choices([...ROLES])
      .makeOptionMandatory(),
  )
  .option('--org <ods>', 'ODS code of the organisation (needed when there is more than one)')
  .option('--json', 'print {"client_id", "client_secret"} as JSON')
  .action(addClient);

const slotsCommand = program.command('slots').description('clinic slots');
slotsCommand
  .command('extend')
  .description(
    'generate the slots missing from every clinic over the 26-week rolling horizon from today (the server does this daily at 02:00 London time)',
  )
  .option('--org <ods>', 'ODS code of the organisation (default: every organisation)')
  .action((opts: { org?: string }) => extendSlots(opts));

const reportCommand = program.command('report').description('reports for service managers');
reportCommand
  .command('weekly')
  .description(
    'write the weekly waiting-list pack as an Excel workbook (and a PDF summary): waits, long waits, forecast, top risks, under-booked clinics',
  )
  .option('--out <file>', 'workbook to write, e.g. pack.xlsx (required)')
  .option('--pdf <file>', 'also write the PDF summary, e.g. pack.pdf')
  .option('--org <ods>', 'ODS code of the organisation (needed when there is more than one)')
  .option('--date <date>', 'the day to count to, YYYY-MM-DD (default: today in London)')
  .option('--runs <n>', 'simulation runs of the forecast (default 200)')
  .action((opts: { out?: string; pdf?: string; org?: string; date?: string; runs?: string }) =>
    weeklyReport(opts),
  );

program
  .command('backup')
  .description('write a backup of the whole database to a file (works on both engines)')
  .requiredOption('--file <file>', 'backup file to write, e.g. pathflow-2026-11-23.ndjson.gz')
  .action((opts: { file: string }) => backup(opts.file));

program
  .command('restore')
  .description('restore a backup into an empty database (either engine)')
  .requiredOption('--file <file>', 'backup file to read')
  .action((opts: { file: string }) => restore(opts.file));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof AppError || err instanceof ConfigError) {
    const fields =
      err instanceof AppError && err.errors ? ` (${err.errors.map((e) => e.field).join(', ')})` : '';
    process.stderr.write(`pathflow: ${err.message}${fields}\n`);
  } else {
    process.stderr.write(`pathflow: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
}

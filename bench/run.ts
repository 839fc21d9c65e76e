/**
 * `npm run bench`: the project's reproducible benchmarks, each printing its figures beside an anchor measured in
 * the same run on the same machine. `npm run bench -- rtt`, `-- seed`, `-- ptl`, `-- booking`, `-- slots`, `-- scheduler`, `-- outbox`, `-- web`, `-- allocation`, `-- forecast` or `-- fhir` runs one of them. Benchmarks report; they never fail because a machine is slow.
 */
import { cpus, totalmem } from 'node:os';
import { main as runRttEngineBench } from './rtt-engine';
import { runSeedLargeBench } from './seed-large';
import { runPtlBench } from './ptl';
import { runBookingBench } from './booking';
import { allocationBenchmark } from './allocation';
import { runSlotSearchBench } from './slot-search';
import { runSchedulerBench } from './scheduler';
import { runOutboxBench } from './outbox';
import { runWebBench } from './web';
import { runForecastBench } from './forecast';
import { runFhirBench } from './fhir';

async function main(): Promise<void> {
  const cpu = cpus();
  process.stdout.write(
    `Pathflow benchmarks: Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB memory\n`,
  );
  const only = process.argv.slice(2);
  if (only.length === 0 || only.includes('rtt')) runRttEngineBench();
  if (only.length === 0 || only.includes('seed')) await runSeedLargeBench();
  if (only.length === 0 || only.includes('ptl')) await runPtlBench();
  if (only.length === 0 || only.includes('booking')) await runBookingBench();
  if (only.length === 0 || only.includes('slots')) await runSlotSearchBench();
  if (only.length === 0 || only.includes('scheduler')) await runSchedulerBench();
  if (only.length === 0 || only.includes('outbox')) await runOutboxBench();
  if (only.length === 0 || only.includes('web')) await runWebBench();
  if (only.length === 0 || only.includes('allocation')) {
    process.stdout.write(`${(await allocationBenchmark()).join('\n')}\n`);
  }
  if (only.length === 0 || only.includes('forecast')) await runForecastBench();
  if (only.length === 0 || only.includes('fhir')) await runFhirBench();
}

main().catch((e: unknown) => {
  const cause = e instanceof Error && e.cause instanceof Error ? `\nCaused by: ${e.cause.message}` : '';
  process.stderr.write(
    `Benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}${cause}\n`,
  );
  process.exitCode = 1;
});

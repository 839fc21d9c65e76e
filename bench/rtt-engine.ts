/**
 * RTT engine benchmark: evaluates 1,000,000 synthetic pathways with realistic event histories on one core,
 * and, in the same run, a baseline loop over the same data that only parses every date and sums the day
 * differences: the minimum work any engine must do. Prints both rates and their ratio.
 *
 *   npx tsx bench/rtt-engine.ts [pathways] [seed]
 *
 * Target: 1,000,000 pathways in ≤ 1 s. The data come from a seeded PRNG (mulberry32) written here, so every
 * run evaluates exactly the same histories.
 */
import { pathToFileURL } from 'node:url';
import {
  createRttCompactResult,
  epochDayToIso,
  evaluateRtt,
  evaluateRttFast,
  isoToEpochDay,
  RttRuleError,
} from '../packages/core/src/rtt/index.ts';
import type { RttEvent, RttInput, RttPriority } from '../packages/core/src/rtt/index.ts';

/** mulberry32: a small, fast, seedable 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AS_OF = '2025-06-30';
/** Referrals received over the three years before the census. */
const REFERRAL_SPAN_DAYS = 1100;

/**
 * Generates pathways shaped like an acute trust's RTT data (see shared/spec/planning-and-data.md §2): mostly
 * routine referrals, first outpatient appointments weeks to months after referral, about 8% first-appointment
 * DNAs (most communicated, some nullified and rebooked), follow-ups and diagnostics, then treatment (admitted
 * or not), discharge, declined treatment, active monitoring (sometimes restarted with 11), a few deaths,
 * bilateral second procedures, discharges after a missed follow-up, and many still waiting on the census
 * date. Dates are drawn from a shared table of ISO strings, as a parsed JSON payload would hold them.
 */
export function generatePathways(count: number, seed = 20250630): RttInput[] {
  const rand = mulberry32(seed);
  const asOfDay = isoToEpochDay(AS_OF);
  const firstDay = asOfDay - REFERRAL_SPAN_DAYS - 10;
  const dates: string[] = [];
  for (let d = firstDay; d <= asOfDay; d++) dates.push(epochDayToIso(d));
  const iso = (day: number) => dates[day - firstDay]!;
  const between = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
  const exponential = (mean: number) => Math.floor(-Math.log(1 - rand()) * mean);

  const pathways: RttInput[] = new Array<RttInput>(count);
  for (let p = 0; p < count; p++) {
    const r = rand();
    const priority: RttPriority = r < 0.7 ? 'routine' : r < 0.9 ? 'urgent' : 'two-week-wait';
    const referral = asOfDay - Math.floor(rand() * REFERRAL_SPAN_DAYS);
    const events: RttEvent[] = [];
    let t = referral;
    /** Appends an event unless it falls after the census date; false means the history ends here. */
    const add = (day: number, code: string, extra?: Omit<RttEvent, 'date' | 'code'>): boolean => {
      if (day > asOfDay) return false;
      events.push(extra === undefined ? { date: iso(day), code } : { date: iso(day), code, ...extra });
      t = day;
      return true;
    };

    history: for (let clock = 0; clock < 4; clock++) {
      // First outpatient appointment.
      const wait =
        priority === 'two-week-wait'
          ? between(5, 14)
          : priority === 'urgent'
            ? between(14, 60)
            : 7 + exponential(45);
      if (rand() < 0.08) {
        const communicated = rand() < 0.9;
        if (!add(t + wait, '33', { appointmentCommunicated: communicated })) break;
        if (communicated && priority !== 'two-week-wait') {
          // Nullified: most patients rebook (new clock from the call), the rest go back to their GP.
          if (rand() < 0.6 && add(t + between(1, 21), '10')) continue;
          break;
        }
        if (!add(t + between(7, 28), '10')) break;
      } else if (!add(t + wait, '10')) break;

      // Follow-ups, diagnostics, a diagnostic admission.
      const followUps = Math.floor(rand() * 3);
      for (let f = 0; f < followUps; f++) {
        if (!add(t + between(14, 70), '20')) break history;
        if (rand() < 0.02) {
          // Missed follow-up; a clinician decides to discharge under the DNA policy.
          const dna = t;
          add(t + between(1, 10), '34', {
            dnaDate: iso(dna),
            clinicianDecision: true,
            appointmentCommunicated: true,
          });
          break history;
        }
      }

      // Outcome of this clock. Each comes after a wait; when that wait runs past the census date the
      // patient is still waiting, so long waits come from the same distributions as everyone else's.
      const outcome = rand();
      if (outcome < 0.5) {
        const admitted = rand() < 0.55;
        if (!add(t + (admitted ? 14 + exponential(110) : between(0, 42)), '30')) break;
        const after = Math.floor(rand() * 3);
        for (let f = 0; f < after; f++) if (!add(t + between(30, 120), '90')) break history;
        if (rand() < 0.04) {
          // Second side of a bilateral procedure: new clock when fit and ready.
          if (!add(t + between(30, 120), '10')) break;
          add(t + 14 + exponential(110), '30');
        }
        break;
      }
      if (outcome < 0.7) {
        add(t + between(0, 28), '34', { clinicianDecision: true });
        break;
      }
      if (outcome < 0.74) {
        add(t + between(14, 120), '35');
        break;
      }
      if (outcome < 0.86) {
        if (!add(t + between(0, 14), rand() < 0.3 ? '31' : '32', { clinicianDecision: true })) break;
        const reviews = Math.floor(rand() * 3);
        for (let f = 0; f < reviews; f++) if (!add(t + between(60, 180), '91')) break history;
        if (rand() < 0.35) {
          if (!add(t + between(30, 200), '11')) break;
          add(t + 14 + exponential(90), '30');
        }
        break;
      }
      if (outcome < 0.865) {
        add(t + between(1, 200), '36');
        break;
      }
      // Further tests (a diagnostic admission), then a long wait for treatment.
      if (!add(t + between(14, 90), '20')) break;
      add(t + 14 + exponential(150), '30');
      break;
    }
    pathways[p] = { priority, referralReceived: iso(referral), events, asOf: AS_OF };
  }
  return pathways;
}

/** The floor: parse every date (referral, each event, asOf) and sum the day differences. */
function baseline(pathways: readonly RttInput[]): number {
  let sum = 0;
  for (let p = 0; p < pathways.length; p++) {
    const pathway = pathways[p]!;
    let previous = isoToEpochDay(pathway.referralReceived);
    const events = pathway.events;
    for (let i = 0; i < events.length; i++) {
      const day = isoToEpochDay(events[i]!.date);
      sum += day - previous;
      previous = day;
    }
    sum += isoToEpochDay(pathway.asOf) - previous;
  }
  return sum;
}

/** The engine's compact path over every pathway; returns a checksum so no work can be skipped. */
function engine(pathways: readonly RttInput[]): number {
  const out = createRttCompactResult();
  let sum = 0;
  for (let p = 0; p < pathways.length; p++) {
    evaluateRttFast(pathways[p]!, out);
    sum += out.running ? out.daysWaited : out.periodCount;
  }
  return sum;
}

function time(fn: () => number): { ms: number; checksum: number } {
  const start = performance.now();
  const checksum = fn();
  return { ms: performance.now() - start, checksum };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface RttBenchReport {
  pathways: number;
  events: number;
  generateMs: number;
  /** Median of the timed runs, compact engine path (rules evaluated, epoch-day result). */
  engineMs: number;
  engineBestMs: number;
  /** Median of the timed runs of the parse-and-sum baseline. */
  baselineMs: number;
  baselineBestMs: number;
  enginePathwaysPerSecond: number;
  baselinePathwaysPerSecond: number;
  /** engineMs / baselineMs. */
  ratio: number;
  /** `evaluateRtt` over all pathways: the same rules plus the API shape with ISO strings. */
  fullApiShapeMs: number;
  ruleErrors: number;
  running: number;
  runningWithin18Weeks: number;
  nullifiedPeriods: number;
}

export function main(
  options: { pathways?: number; seed?: number; runs?: number; print?: boolean } = {},
): RttBenchReport {
  const count = options.pathways ?? 1_000_000;
  const runs = options.runs ?? 5;
  const print = options.print ?? true;
  const log = (line: string) => {
    if (print) console.log(line);
  };

  const generateStart = performance.now();
  const pathways = generatePathways(count, options.seed);
  const generated = { ms: performance.now() - generateStart };
  let events = 0;
  for (const p of pathways) events += p.events.length;

  // Correctness pass (also a warm-up): every synthetic history must be valid.
  let ruleErrors = 0;
  let running = 0;
  let within = 0;
  let nullified = 0;
  const out = createRttCompactResult();
  for (const p of pathways) {
    try {
      evaluateRttFast(p, out);
    } catch (e) {
      if (!(e instanceof RttRuleError)) throw e;
      ruleErrors++;
      continue;
    }
    if (out.running) {
      running++;
      if (out.daysWaited <= 126) within++;
    }
    for (let i = 0; i < out.periodCount; i++) if (out.periodData[i * 4 + 3] === 1) nullified++;
  }

  // Warm both loops, then alternate timed runs so neither benefits from ordering.
  baseline(pathways);
  engine(pathways);
  const engineRuns: number[] = [];
  const baselineRuns: number[] = [];
  for (let r = 0; r < runs; r++) {
    baselineRuns.push(time(() => baseline(pathways)).ms);
    engineRuns.push(time(() => engine(pathways)).ms);
  }

  const full = time(() => {
    let n = 0;
    for (const p of pathways) {
      try {
        n += evaluateRtt(p).periods.length;
      } catch {
        n--;
      }
    }
    return n;
  });

  const engineMs = median(engineRuns);
  const baselineMs = median(baselineRuns);
  const report: RttBenchReport = {
    pathways: count,
    events,
    generateMs: generated.ms,
    engineMs,
    engineBestMs: Math.min(...engineRuns),
    baselineMs,
    baselineBestMs: Math.min(...baselineRuns),
    enginePathwaysPerSecond: (count / engineMs) * 1000,
    baselinePathwaysPerSecond: (count / baselineMs) * 1000,
    ratio: engineMs / baselineMs,
    fullApiShapeMs: full.ms,
    ruleErrors,
    running,
    runningWithin18Weeks: within,
    nullifiedPeriods: nullified,
  };

  const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
  log(`RTT engine benchmark (Node ${process.version}, one core, seed ${options.seed ?? 20250630})`);
  log(
    `  data: ${fmt(count)} pathways, ${fmt(events)} events (${(events / count).toFixed(2)} per pathway), generated in ${fmt(generated.ms)} ms`,
  );
  log(
    `  data shape: ${fmt(running)} still waiting on ${AS_OF} (${((100 * within) / Math.max(1, running)).toFixed(1)}% within 18 weeks), ${fmt(nullified)} nullified periods, ${ruleErrors} rule errors`,
  );
  log(
    `  engine   (evaluateRttFast): ${engineMs.toFixed(0)} ms median of ${runs} (best ${report.engineBestMs.toFixed(0)} ms) → ${fmt(report.enginePathwaysPerSecond)} pathways/s`,
  );
  log(
    `  baseline (parse dates, sum day differences): ${baselineMs.toFixed(0)} ms median (best ${report.baselineBestMs.toFixed(0)} ms) → ${fmt(report.baselinePathwaysPerSecond)} pathways/s`,
  );
  log(`  ratio engine / baseline: ${report.ratio.toFixed(2)}×`);
  log(
    `  full API shape (evaluateRtt, ISO strings and breach dates): ${fmt(full.ms)} ms → ${fmt((count / full.ms) * 1000)} pathways/s`,
  );
  log(
    `  target: 1,000,000 pathways in ≤ 1,000 ms — ${engineMs * (1_000_000 / count) <= 1000 ? 'met' : 'NOT met'}`,
  );
  return report;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pathways = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const seed = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  main({ pathways, seed });
}

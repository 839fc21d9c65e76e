/**
 * A lower bound on the allocation objective: the linear programme of the same instance aggregated by week
 * and slot type, one per specialty, written in CPLEX LP format for an external solver (the tests and the
 * benchmark solve it with HiGHS; core itself does no I/O and never imports a solver).
 *
 * The aggregation is a relaxation, so its optimum is ≤ the allocation optimum:
 * - slot places are pooled per (specialty, slot type, week of the horizon), week w being days
 *   `today + 7w … today + 7w + 6`;
 * - a patient placed in a pool pays their cost on the pool's earliest slot date (costs never fall with time,
 *   so this is ≤ the cost on any slot of the pool);
 * - clinician ties and unavailable periods are dropped (fewer constraints).
 * Slot types, capacity, the horizon, the minimum notice and one appointment per patient are kept.
 *
 * Written compactly but without loss: patients with the same slot types and the same costs form one group
 * (a transportation problem sums exactly), and instead of one variable per (group, pool) each slot-type set
 * has a chain of pool dates, latest to earliest: a group enters the chain at the last date of each stretch of
 * constant cost, at that cost, and flows on to any earlier pool. Costs never fall with time, so the cheapest
 * way to reach a pool is through the stretch that contains it: the optimum is that of the plain model.
 */
import {
  costOnDay,
  createBreakpoints,
  fillBreakpoints,
  parseIsoDay,
  PRIORITY_RANK,
  resolveCostModel,
} from './cost';
import { isoToEpochDay } from '../rtt/epoch-day';
import { minNoticeOf, patientSlotTypes } from './turn';
import type { AllocateInput } from './types';
import { SLOT_TYPES } from '../clinics/types';

export interface AllocationLpPart {
  specialtyCode: string;
  /** The LP in CPLEX LP format: minimise Σ cost · entry + Σ unbooked cost · unbooked. */
  lp: string;
  /** Cost of patients no pool can take (always unbooked): add it to the LP optimum. */
  objectiveConstant: number;
  variables: number;
  constraints: number;
  /** Patient groups and (slot type, week) pools in the model. */
  groups: number;
  pools: number;
}

/** Writes `terms` (already signed, e.g. `+ 3 x1`) over lines of a bounded length, as LP readers prefer. */
function wrap(prefix: string, terms: string[], suffix: string): string {
  const lines: string[] = [];
  let line = prefix;
  for (const t of terms) {
    if (line.length + t.length > 200) {
      lines.push(line);
      line = '   ';
    }
    line += ` ${t}`;
  }
  lines.push(`${line}${suffix}`);
  return lines.join('\n');
}

interface Pool {
  type: number;
  cap: number;
  first: number;
}

/** A slot-type set's chain: its pools' distinct first dates, and the pools at each. */
interface Chain {
  days: number[];
  poolsAt: number[][];
}

/**
 * The aggregated LP of an allocation instance, one part per specialty with patients (solve each part and
 * add `objectiveConstant`; the parts are independent, so the sum of their optima is the bound).
 */
export function allocationLowerBoundLp(input: AllocateInput): AllocationLpPart[] {
  const model = resolveCostModel(input);
  const todayDay = parseIsoDay(input.today, 'today');
  const endDay = todayDay + input.horizon;
  const firstDay = todayDay + minNoticeOf(input);
  const typeIndex = new Map<string, number>(SLOT_TYPES.map((t, i) => [t, i]));

  // Pools: specialty → (type, week) → capacity and earliest date.
  const pools = new Map<string, Map<number, Pool>>();
  for (const slot of input.slots) {
    let d = isoToEpochDay(slot.date);
    if (Number.isNaN(d)) d = parseIsoDay(slot.date, `date of slot ${slot.slotId}`);
    const type = typeIndex.get(slot.slotType);
    if (type === undefined) throw new RangeError(`Slot ${slot.slotId}: unknown slot type ${slot.slotType}`);
    if (!Number.isInteger(slot.capacity) || slot.capacity < 0) {
      throw new RangeError(`Slot ${slot.slotId}: capacity must be a whole number ≥ 0`);
    }
    if (slot.capacity === 0 || d < firstDay || d >= endDay) continue;
    let bySpec = pools.get(slot.specialtyCode);
    if (bySpec === undefined) pools.set(slot.specialtyCode, (bySpec = new Map<number, Pool>()));
    const key = type * 10000 + Math.floor((d - todayDay) / 7);
    const pool = bySpec.get(key);
    if (pool === undefined) bySpec.set(key, { type, cap: slot.capacity, first: d });
    else {
      pool.cap += slot.capacity;
      pool.first = Math.min(pool.first, d);
    }
  }

  const bySpecialty = new Map<string, number[]>();
  input.patients.forEach((p, i) => {
    let list = bySpecialty.get(p.specialtyCode);
    if (list === undefined) bySpecialty.set(p.specialtyCode, (list = []));
    list.push(i);
  });

  const bp = createBreakpoints();
  const parts: AllocationLpPart[] = [];
  for (const [code, members] of bySpecialty) {
    const poolMap: Map<number, Pool> = pools.get(code) ?? new Map<number, Pool>();
    const poolList = Array.from(poolMap.keys())
      .sort((a, b) => a - b)
      .map((k) => poolMap.get(k)!);

    // One chain per slot-type set (mask) that some patient has.
    const chains = new Map<number, Chain>();
    const chainOf = (mask: number): Chain => {
      let chain = chains.get(mask);
      if (chain === undefined) {
        const usable = poolList
          .map((pool, j) => [pool, j] as const)
          .filter(([pool]) => (mask & (1 << pool.type)) !== 0);
        const days = Array.from(new Set(usable.map(([pool]) => pool.first))).sort((a, b) => a - b);
        const poolsAt = days.map(() => [] as number[]);
        for (const [pool, j] of usable) poolsAt[days.indexOf(pool.first)]!.push(j);
        chain = { days, poolsAt };
        chains.set(mask, chain);
      }
      return chain;
    };

    // Groups: slot-type set, unbooked cost and the cost stretches over the chain's dates.
    const groups = new Map<
      string,
      { mask: number; count: number; unbooked: number; ends: number[]; costs: number[] }
    >();
    let constant = 0;
    const boundPos: number[] = [];
    const boundW: number[] = [];
    for (const i of members) {
      const p = input.patients[i]!;
      const rank = PRIORITY_RANK[p.priority];
      if (rank === undefined) throw new RangeError(`Pathway ${p.pathwayId}: unknown priority ${p.priority}`);
      let clock = isoToEpochDay(p.clockStart);
      if (Number.isNaN(clock)) clock = parseIsoDay(p.clockStart, `clock start of ${p.pathwayId}`);
      let referral = isoToEpochDay(p.referralReceived);
      if (Number.isNaN(referral))
        referral = parseIsoDay(p.referralReceived, `referral date of ${p.pathwayId}`);
      fillBreakpoints(clock, referral, rank, model, bp);
      const unbooked = costOnDay(bp, endDay) + model.weights.unbooked;
      let mask = 0;
      for (const t of patientSlotTypes(p)) {
        const ti = typeIndex.get(t);
        if (ti === undefined) throw new RangeError(`Pathway ${p.pathwayId}: unknown slot type ${t}`);
        mask |= 1 << ti;
      }
      const { days } = chainOf(mask);
      const P = days.length;
      if (P === 0) {
        constant += unbooked;
        continue;
      }
      // Breakpoints as chain positions (the first date on or after each), merged and sorted.
      let base = 0;
      boundPos.length = 0;
      boundW.length = 0;
      for (let k = 0; k < bp.count; k++) {
        const w = bp.weight[k]!;
        if (w === 0) continue;
        let lo = 0;
        let hi = P;
        const b = bp.day[k]!;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (days[mid]! < b) lo = mid + 1;
          else hi = mid;
        }
        if (lo === 0) base += w;
        else if (lo < P) {
          let j = 0;
          while (j < boundPos.length && boundPos[j]! < lo) j++;
          if (j < boundPos.length && boundPos[j] === lo) boundW[j]! += w;
          else {
            boundPos.splice(j, 0, lo);
            boundW.splice(j, 0, w);
          }
        }
      }
      let key = `${mask}|${unbooked}|${base}`;
      for (let j = 0; j < boundPos.length; j++) key += `|${boundPos[j]}:${boundW[j]}`;
      const g = groups.get(key);
      if (g !== undefined) {
        g.count++;
        continue;
      }
      const ends: number[] = [];
      const costs: number[] = [];
      let c = base;
      for (let j = 0; j <= boundPos.length; j++) {
        ends.push(j < boundPos.length ? boundPos[j]! - 1 : P - 1);
        costs.push(c);
        if (j < boundPos.length) c += boundW[j]!;
      }
      groups.set(key, { mask, count: 1, unbooked, ends, costs });
    }

    // Variables: u<g> unbooked, e<g>_<k> entering chain <mask> at the end of stretch k, z<mask>_<t> the flow
    // from chain date t down to t − 1, h<mask>_<t>_<j> the flow from chain date t into pool j.
    const objective: string[] = [];
    const rows: string[] = [];
    const into = new Map<string, string[]>(); // chain node → entering terms
    let variables = 0;
    let gi = 0;
    for (const g of groups.values()) {
      const terms = [`+ u${gi}`];
      objective.push(`+ ${g.unbooked} u${gi}`);
      variables++;
      g.ends.forEach((end, k) => {
        const name = `e${gi}_${k}`;
        variables++;
        terms.push(`+ ${name}`);
        if (g.costs[k]! !== 0) objective.push(`+ ${g.costs[k]} ${name}`);
        const node = `${g.mask}_${end}`;
        let list = into.get(node);
        if (list === undefined) into.set(node, (list = []));
        list.push(`+ ${name}`);
      });
      rows.push(wrap(` g${gi}:`, terms, ` = ${g.count}`));
      gi++;
    }
    const poolTerms: string[][] = poolList.map(() => []);
    for (const [mask, chain] of chains) {
      const P = chain.days.length;
      for (let t = 0; t < P; t++) {
        // Inflow (entries, and the chain from t + 1) equals outflow (pools at t, and the chain to t − 1).
        const terms = [...(into.get(`${mask}_${t}`) ?? [])];
        if (t + 1 < P) terms.push(`+ z${mask}_${t + 1}`);
        if (t > 0) {
          terms.push(`- z${mask}_${t}`);
          variables++;
        }
        for (const j of chain.poolsAt[t]!) {
          terms.push(`- h${mask}_${t}_${j}`);
          poolTerms[j]!.push(`+ h${mask}_${t}_${j}`);
          variables++;
        }
        rows.push(wrap(` n${mask}_${t}:`, terms, ' = 0'));
      }
    }
    poolTerms.forEach((terms, j) => {
      if (terms.length > 0) rows.push(wrap(` c${j}:`, terms, ` <= ${poolList[j]!.cap}`));
    });
    const empty = groups.size === 0;
    const lp =
      `\\ Pathflow allocation lower bound, specialty ${code.replace(/[^\w-]/g, '_')}, by week and slot type\n` +
      `Minimize\n${empty ? ' obj: 0 z' : wrap(' obj:', objective, '')}\n` +
      `Subject To\n${empty ? ' r0: z = 0' : rows.join('\n')}\nEnd\n`;
    parts.push({
      specialtyCode: code,
      lp,
      objectiveConstant: constant,
      variables,
      constraints: rows.length,
      groups: groups.size,
      pools: poolList.length,
    });
  }
  return parts;
}

import { beforeAll, describe, expect, it } from 'vitest';
import type { Highs } from 'highs';
import { MinCostFlow } from './min-cost-flow';

let highs: Highs;
beforeAll(async () => {
  highs = await (await import('highs')).default();
});

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Instance {
  n: number;
  arcs: { from: number; to: number; cap: number; cost: number }[];
  supply: number[];
}

function randomInstance(seed: number): Instance {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const n = int(2, 25);
  const arcs: Instance['arcs'] = [];
  const m = int(1, n * 4);
  for (let i = 0; i < m; i++) {
    const from = int(0, n - 1);
    let to = int(0, n - 1);
    if (to === from) to = (to + 1) % n;
    arcs.push({ from, to, cap: r() < 0.2 ? Infinity : int(0, 12), cost: int(0, 20) });
  }
  const supply = new Array<number>(n).fill(0);
  for (let k = int(1, 6); k > 0; k--) {
    const amount = int(1, 8);
    supply[int(0, n - 1)]! += amount;
    supply[int(0, n - 1)]! -= amount;
  }
  return { n, arcs, supply };
}

function lpOf(inst: Instance): string {
  const obj = inst.arcs.map((a, i) => `+ ${a.cost} f${i}`).join(' ');
  const rows: string[] = [];
  for (let v = 0; v < inst.n; v++) {
    const terms: string[] = [];
    inst.arcs.forEach((a, i) => {
      if (a.from === v) terms.push(`+ f${i}`);
      if (a.to === v) terms.push(`- f${i}`);
    });
    if (terms.length === 0) {
      if (inst.supply[v] !== 0) rows.push(` n${v}: 0 z = ${inst.supply[v]}`);
      continue;
    }
    rows.push(` n${v}: ${terms.join(' ')} = ${inst.supply[v]}`);
  }
  const bounds = inst.arcs.map((a, i) => (a.cap === Infinity ? ` f${i} >= 0` : ` 0 <= f${i} <= ${a.cap}`));
  return `Minimize\n obj: ${obj}\nSubject To\n${rows.join('\n')}\nBounds\n z = 0\n${bounds.join('\n')}\nEnd\n`;
}

describe('MinCostFlow (network simplex)', () => {
  it('solves a textbook transportation problem', () => {
    // Two sources (4, 3), two sinks (−5, −2); costs 1 2 / 3 1.
    const g = new MinCostFlow(4);
    g.setSupply(0, 4);
    g.setSupply(1, 3);
    g.setSupply(2, -5);
    g.setSupply(3, -2);
    const a = g.addArc(0, 2, Infinity, 1);
    g.addArc(0, 3, Infinity, 2);
    const c = g.addArc(1, 2, Infinity, 3);
    const d = g.addArc(1, 3, Infinity, 1);
    expect(g.solve()).toBe('optimal');
    expect(g.totalCost()).toBe(4 * 1 + 1 * 3 + 2 * 1);
    expect([g.flow(a), g.flow(c), g.flow(d)]).toEqual([4, 1, 2]);
  });

  it('warm-starts from a given spanning tree, and refuses one that is not strongly feasible', () => {
    const build = () => {
      const g = new MinCostFlow(4);
      g.setSupply(0, 4);
      g.setSupply(1, 3);
      g.setSupply(2, -5);
      g.setSupply(3, -2);
      const arcs = [
        g.addArc(0, 2, Infinity, 1),
        g.addArc(0, 3, Infinity, 2),
        g.addArc(1, 2, Infinity, 3),
        g.addArc(1, 3, Infinity, 1),
      ];
      return { g, arcs };
    };
    // Rooted at node 2: 0 → 2, 1 → 2, and 3 under 1 by the arc 1 → 3 (carrying 2 units away from the root).
    const { g, arcs } = build();
    expect(
      g.solve({ tree: { root: 2, parentArc: Int32Array.from([arcs[0]!, arcs[2]!, -1, arcs[3]!]) } }),
    ).toBe('optimal');
    expect(g.totalCost()).toBe(9);
    // With 0 hung under 3 by 0 → 3 instead, the arc 1 → 3 would have to carry −2 units: no such basis.
    const bad = build();
    expect(() =>
      bad.g.solve({
        tree: { root: 2, parentArc: Int32Array.from([bad.arcs[1]!, bad.arcs[2]!, -1, bad.arcs[3]!]) },
      }),
    ).toThrow(RangeError);
    // A tree that leaves node 3 out.
    const missing = build();
    expect(() =>
      missing.g.solve({
        tree: { root: 2, parentArc: Int32Array.from([missing.arcs[0]!, missing.arcs[2]!, -1, -1]) },
      }),
    ).toThrow(RangeError);
  });

  it('reports an infeasible problem', () => {
    const g = new MinCostFlow(2);
    g.setSupply(0, 3);
    g.setSupply(1, -3);
    g.addArc(0, 1, 2, 1);
    expect(g.solve()).toBe('infeasible');
  });

  it('agrees with HiGHS on 200 random networks (cost and feasibility), flows conserve and respect capacity', () => {
    let feasible = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const inst = randomInstance(seed);
      const g = new MinCostFlow(inst.n);
      inst.supply.forEach((s, v) => g.setSupply(v, s));
      for (const a of inst.arcs) g.addArc(a.from, a.to, a.cap, a.cost);
      const status = g.solve();
      const ref = highs.solve(lpOf(inst));
      if (ref.Status === 'Infeasible') {
        expect(status, `seed ${seed}`).toBe('infeasible');
        continue;
      }
      expect(ref.Status, `seed ${seed}`).toBe('Optimal');
      expect(status, `seed ${seed}`).toBe('optimal');
      feasible++;
      expect(g.totalCost(), `seed ${seed}`).toBeCloseTo(ref.ObjectiveValue, 6);
      const balance = new Array<number>(inst.n).fill(0);
      inst.arcs.forEach((a, i) => {
        const f = g.flow(i);
        expect(Number.isInteger(f)).toBe(true);
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThanOrEqual(a.cap);
        balance[a.from]! += f;
        balance[a.to]! -= f;
      });
      expect(balance).toEqual(inst.supply.map((s) => s + 0));
    }
    expect(feasible).toBeGreaterThan(40);
  });
});

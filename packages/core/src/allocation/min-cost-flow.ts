/**
 * An exact minimum-cost flow solver: the primal network simplex method on a strongly feasible spanning tree
 * (Cunningham's rule, which rules out cycling), with block-search pricing and an artificial root node joined
 * to every node (the textbook set-up, as in LEMON's `NetworkSimplex`). Integral supplies and capacities give
 * an integral optimal flow; integral costs are summed exactly in doubles while they stay below 2^53.
 *
 * The allocation engine builds one network per specialty (patient classes → time chains → slot groups → sink)
 * and solves it here. Pure: no I/O, typed arrays only.
 */

const STATE_UPPER = -1;
const STATE_TREE = 0;
const STATE_LOWER = 1;
const DIR_UP = 1;
const DIR_DOWN = -1;
/** Block search pricing scans blocks of BLOCK_FACTOR·√m arcs. */
const BLOCK_FACTOR = 0.5;

export type MinCostFlowStatus = 'optimal' | 'infeasible' | 'unbounded';

export class MinCostFlow {
  readonly nodeCount: number;
  private arcCount = 0;
  private src: Int32Array;
  private tgt: Int32Array;
  private capacity: Float64Array;
  private arcCost: Float64Array;
  private readonly supplies: Float64Array;
  /** Flows of the real arcs after `solve()`. */
  private flows: Float64Array = new Float64Array(0);
  private solved = false;
  /** Pivots made by the last `solve()`. */
  pivots = 0;

  constructor(nodeCount: number, expectedArcs = 16) {
    if (!Number.isInteger(nodeCount) || nodeCount < 0) throw new RangeError(`Bad node count ${nodeCount}`);
    this.nodeCount = nodeCount;
    const room = Math.max(16, expectedArcs);
    this.src = new Int32Array(room);
    this.tgt = new Int32Array(room);
    this.capacity = new Float64Array(room);
    this.arcCost = new Float64Array(room);
    this.supplies = new Float64Array(nodeCount);
  }

  get arcs(): number {
    return this.arcCount;
  }

  /** Adds an arc `from → to` with capacity (≥ 0, `Infinity` for none) and cost per unit; returns its index. */
  addArc(from: number, to: number, capacity: number, cost: number): number {
    if (from < 0 || from >= this.nodeCount || to < 0 || to >= this.nodeCount) {
      throw new RangeError(`Arc ${from} → ${to} outside 0..${this.nodeCount - 1}`);
    }
    if (!(capacity >= 0) || !Number.isFinite(cost)) throw new RangeError(`Bad arc ${capacity}, ${cost}`);
    if (this.arcCount === this.src.length) this.grow();
    const e = this.arcCount++;
    this.src[e] = from;
    this.tgt[e] = to;
    this.capacity[e] = capacity;
    this.arcCost[e] = cost;
    this.solved = false;
    return e;
  }

  /** Supply (> 0) or demand (< 0) of a node; supplies must sum to zero. */
  setSupply(node: number, supply: number): void {
    this.supplies[node] = supply;
    this.solved = false;
  }

  private grow(): void {
    const n = this.src.length * 2;
    const src = new Int32Array(n);
    src.set(this.src);
    this.src = src;
    const tgt = new Int32Array(n);
    tgt.set(this.tgt);
    this.tgt = tgt;
    const cap = new Float64Array(n);
    cap.set(this.capacity);
    this.capacity = cap;
    const cost = new Float64Array(n);
    cost.set(this.arcCost);
    this.arcCost = cost;
  }

  /** The first basis from a caller's spanning tree (see `solve`). */
  private treeStart(
    tree: { root: number; parentArc: Int32Array },
    a: {
      source: Int32Array;
      target: Int32Array;
      cap: Float64Array;
      cost: Float64Array;
      flow: Float64Array;
      state: Int8Array;
      pi: Float64Array;
      parent: Int32Array;
      pred: Int32Array;
      thread: Int32Array;
      revThread: Int32Array;
      succNum: Int32Array;
      lastSucc: Int32Array;
      predDir: Int8Array;
    },
  ): void {
    const n = this.nodeCount;
    const m = this.arcCount;
    const root = n;
    const top = tree.root;
    const bad = (why: string) => new RangeError(`MinCostFlow: the warm-start tree ${why}`);
    if (!(top >= 0 && top < n)) throw bad('has no valid root');
    // Artificial arcs: u → root, cost 0, no flow; only the tree root's is in the basis.
    for (let u = 0, e = m; u < n; u++, e++) {
      a.source[e] = u;
      a.target[e] = root;
      a.cap[e] = Infinity;
      a.cost[e] = 0;
      a.flow[e] = 0;
      a.state[e] = STATE_LOWER;
    }
    a.state[m + top] = STATE_TREE;
    a.parent[top] = root;
    a.pred[top] = m + top;
    a.predDir[top] = DIR_UP;
    // Children lists (counting sort by parent), then a pre-order walk from the tree root.
    const childStart = new Int32Array(n + 1);
    for (let u = 0; u < n; u++) {
      if (u === top) continue;
      const e = tree.parentArc[u]!;
      if (!(e >= 0 && e < m)) throw bad(`has no arc for node ${u}`);
      const p = a.source[e] === u ? a.target[e]! : a.target[e] === u ? a.source[e]! : -1;
      if (p < 0) throw bad(`arc ${e} does not touch node ${u}`);
      a.parent[u] = p;
      a.pred[u] = e;
      a.predDir[u] = a.source[e] === u ? DIR_UP : DIR_DOWN;
      a.state[e] = STATE_TREE;
      childStart[p + 1]!++;
    }
    for (let u = 0; u < n; u++) childStart[u + 1]! += childStart[u]!;
    const fill = childStart.slice(0, n);
    const children = new Int32Array(Math.max(0, n - 1));
    for (let u = 0; u < n; u++) if (u !== top) children[fill[a.parent[u]!]!++] = u;
    const order = new Int32Array(n);
    const stack = new Int32Array(n);
    let sp = 0;
    let len = 0;
    stack[sp++] = top;
    while (sp > 0) {
      const u = stack[--sp]!;
      order[len++] = u;
      for (let k = childStart[u + 1]! - 1; k >= childStart[u]!; k--) stack[sp++] = children[k]!;
    }
    if (len !== n) throw bad('is not connected');
    // Thread (pre-order, circular through the artificial root), subtree sizes, last successors.
    a.thread[root] = top;
    a.revThread[top] = root;
    for (let k = 0; k < n; k++) {
      const u = order[k]!;
      const next = k + 1 < n ? order[k + 1]! : root;
      a.thread[u] = next;
      a.revThread[next] = u;
    }
    const net = new Float64Array(n);
    for (let k = n - 1; k >= 0; k--) {
      const u = order[k]!;
      a.succNum[u]! += 1;
      net[u]! += this.supplies[u]!;
      if (u === top) continue;
      const p = a.parent[u]!;
      a.succNum[p]! += a.succNum[u]!;
      net[p]! += net[u]!;
      const e = a.pred[u]!;
      const f = a.predDir[u] === DIR_UP ? net[u]! : -net[u]!;
      if (f < 0 || f > a.cap[e]!) throw bad(`would put flow ${f} on arc ${e}`);
      // Strongly feasible: the arc can carry more flow towards the root.
      if (a.predDir[u] === DIR_UP ? !(f < a.cap[e]!) : !(f > 0)) {
        throw bad(`is not strongly feasible at arc ${e}`);
      }
      a.flow[e] = f;
    }
    if (net[top] !== 0) throw bad('leaves supply unbalanced');
    for (let k = 0; k < n; k++) {
      const u = order[k]!;
      a.lastSucc[u] = order[k + a.succNum[u]! - 1]!;
      if (u === top) {
        a.pi[u] = 0;
        continue;
      }
      const e = a.pred[u]!;
      a.pi[u] = a.predDir[u] === DIR_UP ? a.pi[a.parent[u]!]! - a.cost[e]! : a.pi[a.parent[u]!]! + a.cost[e]!;
    }
    a.lastSucc[root] = order[n - 1]!;
  }

  /** Flow on arc `e` in the optimal solution. */
  flow(e: number): number {
    if (!this.solved) throw new Error('MinCostFlow: solve() first');
    return this.flows[e]!;
  }

  /** Total cost of the optimal flow. */
  totalCost(): number {
    if (!this.solved) throw new Error('MinCostFlow: solve() first');
    let total = 0;
    for (let e = 0; e < this.arcCount; e++) total += this.flows[e]! * this.arcCost[e]!;
    return total;
  }

  /**
   * Solves the problem. Without options the first basis is the textbook one (every node joined to an
   * artificial root). `tree` warm-starts from a spanning tree given as each node's arc towards `tree.root`
   * (`parentArc[root]` is ignored): its flows follow from the supplies, and it must be strongly feasible
   * (a tree arc carrying no flow points towards the root, one at capacity away from it), else a RangeError.
   * `firstArcs` are tried as entering arcs before pricing starts.
   */
  solve(
    options: { firstArcs?: ArrayLike<number>; tree?: { root: number; parentArc: Int32Array } } = {},
  ): MinCostFlowStatus {
    const firstArcs = options.firstArcs ?? [];
    const n = this.nodeCount;
    const m = this.arcCount;
    const all = m + n;
    const source = new Int32Array(all);
    const target = new Int32Array(all);
    const cap = new Float64Array(all);
    const cost = new Float64Array(all);
    const flow = new Float64Array(all);
    const state = new Int8Array(all);
    source.set(this.src.subarray(0, m));
    target.set(this.tgt.subarray(0, m));
    cap.set(this.capacity.subarray(0, m));
    cost.set(this.arcCost.subarray(0, m));
    state.fill(STATE_LOWER, 0, m);

    const root = n;
    const pi = new Float64Array(n + 1);
    const parent = new Int32Array(n + 1);
    const pred = new Int32Array(n + 1);
    const thread = new Int32Array(n + 1);
    const revThread = new Int32Array(n + 1);
    const succNum = new Int32Array(n + 1);
    const lastSucc = new Int32Array(n + 1);
    const predDir = new Int8Array(n + 1);
    const dirtyRevs: number[] = [];

    let sum = 0;
    for (let u = 0; u < n; u++) sum += this.supplies[u]!;
    if (sum !== 0) return 'infeasible';
    let maxCost = 0;
    for (let e = 0; e < m; e++) if (cost[e]! > maxCost) maxCost = cost[e]!;
    const artCost = (maxCost + 1) * (n + 1);

    parent[root] = -1;
    pred[root] = -1;
    pi[root] = 0;
    succNum[root] = n + 1;
    if (options.tree !== undefined && n > 0) {
      this.treeStart(options.tree, {
        source,
        target,
        cap,
        cost,
        flow,
        state,
        pi,
        parent,
        pred,
        thread,
        revThread,
        succNum,
        lastSucc,
        predDir,
      });
    } else {
      thread[root] = n === 0 ? root : 0;
      revThread[0] = root;
      lastSucc[root] = n === 0 ? root : root - 1;
      for (let u = 0, e = m; u < n; u++, e++) {
        parent[u] = root;
        pred[u] = e;
        thread[u] = u + 1;
        revThread[u + 1] = u;
        succNum[u] = 1;
        lastSucc[u] = u;
        cap[e] = Infinity;
        state[e] = STATE_TREE;
        const s = this.supplies[u]!;
        if (s >= 0) {
          predDir[u] = DIR_UP;
          pi[u] = 0;
          source[e] = u;
          target[e] = root;
          flow[e] = s;
          cost[e] = 0;
        } else {
          predDir[u] = DIR_DOWN;
          pi[u] = artCost;
          source[e] = root;
          target[e] = u;
          flow[e] = -s;
          cost[e] = artCost;
        }
      }
    }

    // The pivot loop, written out in one place (no closures: this is the engine's hot path). Entering arcs:
    // first the warm-start arcs, then block search pricing (scan blocks of about √m arcs and take the most
    // violating arc of the first block that has one).
    const blockSize = Math.max(10, Math.ceil(BLOCK_FACTOR * Math.sqrt(m)));
    const nodesInTree = n + 1;
    let nextArc = 0;
    let warm = 0;
    let pivots = 0;
    for (;;) {
      let inArc = -1;
      while (warm < firstArcs.length) {
        const e = firstArcs[warm++]!;
        if (e >= 0 && e < m && state[e]! * (cost[e]! + pi[source[e]!]! - pi[target[e]!]!) < 0) {
          inArc = e;
          break;
        }
      }
      if (inArc < 0) {
        if (m === 0) break;
        let min = 0;
        let cnt = blockSize;
        let e = nextArc;
        for (let k = 0; k < m; k++) {
          const c = state[e]! * (cost[e]! + pi[source[e]!]! - pi[target[e]!]!);
          if (c < min) {
            min = c;
            inArc = e;
          }
          if (++e === m) e = 0;
          if (--cnt === 0) {
            if (min < 0) break;
            cnt = blockSize;
          }
        }
        if (min >= 0) break;
        nextArc = e;
      }

      // The join node: where the tree paths from the entering arc's ends meet.
      let ju = source[inArc]!;
      let jv = target[inArc]!;
      while (ju !== jv) {
        if (succNum[ju]! < succNum[jv]!) ju = parent[ju]!;
        else jv = parent[jv]!;
      }
      const join = ju;

      // The leaving arc: the last blocking arc met in the cycle's direction (keeps the tree strongly feasible).
      let first: number;
      let second: number;
      if (state[inArc] === STATE_LOWER) {
        first = source[inArc]!;
        second = target[inArc]!;
      } else {
        first = target[inArc]!;
        second = source[inArc]!;
      }
      let delta = cap[inArc]!;
      let result = 0;
      let uOut = -1;
      for (let u = first; u !== join; u = parent[u]!) {
        const e = pred[u]!;
        const d = predDir[u] === DIR_DOWN ? cap[e]! - flow[e]! : flow[e]!;
        if (d < delta) {
          delta = d;
          uOut = u;
          result = 1;
        }
      }
      for (let u = second; u !== join; u = parent[u]!) {
        const e = pred[u]!;
        const d = predDir[u] === DIR_UP ? cap[e]! - flow[e]! : flow[e]!;
        if (d <= delta) {
          delta = d;
          uOut = u;
          result = 2;
        }
      }
      if (delta === Infinity) return 'unbounded';
      pivots++;
      const change = result !== 0;
      const uIn = result === 1 ? first : second;
      const vIn = result === 1 ? second : first;

      // Augment along the cycle.
      if (delta > 0) {
        const val = state[inArc]! * delta;
        flow[inArc] = flow[inArc]! + val;
        for (let u = source[inArc]!; u !== join; u = parent[u]!) {
          flow[pred[u]!] = flow[pred[u]!]! - predDir[u]! * val;
        }
        for (let u = target[inArc]!; u !== join; u = parent[u]!) {
          flow[pred[u]!] = flow[pred[u]!]! + predDir[u]! * val;
        }
      }
      if (!change) {
        state[inArc] = -state[inArc]!;
        continue;
      }
      state[inArc] = STATE_TREE;
      state[pred[uOut]!] = flow[pred[uOut]!] === 0 ? STATE_LOWER : STATE_UPPER;

      // Update the tree: parent, thread, reverse thread, successor counts and last successors.
      const oldRevThread = revThread[uOut]!;
      const oldSuccNum = succNum[uOut]!;
      const oldLastSucc = lastSucc[uOut]!;
      const vOut = parent[uOut]!;
      if (uIn === uOut) {
        parent[uIn] = vIn;
        pred[uIn] = inArc;
        predDir[uIn] = uIn === source[inArc] ? DIR_UP : DIR_DOWN;
        if (thread[vIn] !== uOut) {
          let after = thread[oldLastSucc]!;
          thread[oldRevThread] = after;
          revThread[after] = oldRevThread;
          after = thread[vIn]!;
          thread[vIn] = uOut;
          revThread[uOut] = vIn;
          thread[oldLastSucc] = after;
          revThread[after] = oldLastSucc;
        }
      } else {
        // When oldRevThread is vIn, join and vOut coincide.
        const threadContinue = oldRevThread === vIn ? thread[oldLastSucc]! : thread[vIn]!;
        // Re-hang the stem (the path from uIn up to uOut) under vIn, reversing it.
        let stem = uIn;
        let parStem = vIn;
        let last = lastSucc[uIn]!;
        let after = thread[last]!;
        thread[vIn] = uIn;
        dirtyRevs.length = 0;
        dirtyRevs.push(vIn);
        while (stem !== uOut) {
          const nextStem = parent[stem]!;
          thread[last] = nextStem;
          dirtyRevs.push(last);
          const before = revThread[stem]!;
          thread[before] = after;
          revThread[after] = before;
          parent[stem] = parStem;
          parStem = stem;
          stem = nextStem;
          last = lastSucc[stem] === lastSucc[parStem] ? revThread[parStem]! : lastSucc[stem]!;
          after = thread[last]!;
        }
        parent[uOut] = parStem;
        thread[last] = threadContinue;
        revThread[threadContinue] = last;
        lastSucc[uOut] = last;
        if (oldRevThread !== vIn) {
          thread[oldRevThread] = after;
          revThread[after] = oldRevThread;
        }
        for (let i = 0; i < dirtyRevs.length; i++) {
          const u = dirtyRevs[i]!;
          revThread[thread[u]!] = u;
        }
        let tmpSc = 0;
        const tmpLs = lastSucc[uOut]!;
        for (let u = uOut, p = parent[u]!; u !== uIn; u = p, p = parent[u]!) {
          pred[u] = pred[p]!;
          predDir[u] = -predDir[p]!;
          tmpSc += succNum[u]! - succNum[p]!;
          succNum[u] = tmpSc;
          lastSucc[p] = tmpLs;
        }
        pred[uIn] = inArc;
        predDir[uIn] = uIn === source[inArc] ? DIR_UP : DIR_DOWN;
        succNum[uIn] = oldSuccNum;
      }
      const upLimitOut = lastSucc[join] === vIn ? join : -1;
      const lastSuccOut = lastSucc[uOut]!;
      for (let u = vIn; u !== -1 && lastSucc[u] === vIn; u = parent[u]!) lastSucc[u] = lastSuccOut;
      if (join !== oldRevThread && vIn !== oldRevThread) {
        for (let u = vOut; u !== upLimitOut && lastSucc[u] === oldLastSucc; u = parent[u]!) {
          lastSucc[u] = oldRevThread;
        }
      } else if (lastSuccOut !== oldLastSucc) {
        for (let u = vOut; u !== upLimitOut && lastSucc[u] === oldLastSucc; u = parent[u]!) {
          lastSucc[u] = lastSuccOut;
        }
      }
      for (let u = vIn; u !== join; u = parent[u]!) succNum[u] = succNum[u]! + oldSuccNum;
      for (let u = vOut; u !== join; u = parent[u]!) succNum[u] = succNum[u]! - oldSuccNum;

      // Potentials: shift the moved subtree by sigma so the entering arc has reduced cost 0 — or, when the
      // subtree is the larger part, shift everything else by −sigma (only differences of potentials matter).
      const sigma = pi[vIn]! - pi[uIn]! - predDir[uIn] * cost[inArc]!;
      const end = thread[lastSucc[uIn]!]!;
      if (2 * succNum[uIn]! <= nodesInTree) {
        for (let u = uIn; u !== end; u = thread[u]!) pi[u] = pi[u]! + sigma;
      } else {
        for (let u = end; u !== uIn; u = thread[u]!) pi[u] = pi[u]! - sigma;
      }
    }
    this.pivots = pivots;
    for (let e = m; e < all; e++) if (flow[e] !== 0) return 'infeasible';
    this.flows = flow.subarray(0, m);
    this.solved = true;
    return 'optimal';
  }
}

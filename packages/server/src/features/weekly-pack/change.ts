/**
 * "Change since last week": this week's pack against the stored pack of the week before (or the latest earlier
 * week with one), for the trust and each specialty. Each figure is this week's less that week's; a specialty
 * that had no patients then counts from zero (and is marked new), one that has none now counts to zero.
 */
import type { WaitCounts } from './data';

export interface ChangeFigures {
  total: number;
  within18: number;
  /** The change in the share within 18 weeks, as a fraction (0.02 is 2 percentage points); null if either is. */
  fractionWithin18: number | null;
  over52: number;
  over65: number;
  over78: number;
  potentialBreaches: number;
}

export interface PackChange {
  /** The pack compared with. */
  comparedWith: { asOf: string; generatedAt: string };
  trust: ChangeFigures;
  specialties: Array<ChangeFigures & { code: string; name: string; new: boolean }>;
}

type Figures = WaitCounts & { potentialBreaches: number };

/** The parts of a pack a change is worked from (a stored pack of an older version has at least these). */
export interface ComparablePack {
  asOf: string;
  generatedAt: string;
  trust: Figures;
  specialties: Array<Figures & { code: string; name: string }>;
}

const EMPTY: Figures = {
  total: 0,
  within18: 0,
  fractionWithin18: null,
  over18: 0,
  over52: 0,
  over65: 0,
  over78: 0,
  potentialBreaches: 0,
};

function difference(now: Figures, then: Figures): ChangeFigures {
  return {
    total: now.total - then.total,
    within18: now.within18 - then.within18,
    fractionWithin18:
      now.fractionWithin18 === null || then.fractionWithin18 === null
        ? null
        : now.fractionWithin18 - then.fractionWithin18,
    over52: now.over52 - then.over52,
    over65: now.over65 - then.over65,
    over78: now.over78 - then.over78,
    potentialBreaches: now.potentialBreaches - then.potentialBreaches,
  };
}

/** The change from `previous` to `current`, specialties in `current`'s order then any that have gone. */
export function packChange(previous: ComparablePack, current: ComparablePack): PackChange {
  const before = new Map(previous.specialties.map((s) => [s.code, s]));
  const specialties: PackChange['specialties'] = current.specialties.map((s) => {
    const then = before.get(s.code);
    return { code: s.code, name: s.name, new: !then, ...difference(s, then ?? EMPTY) };
  });
  const present = new Set(current.specialties.map((s) => s.code));
  for (const s of previous.specialties) {
    if (!present.has(s.code))
      specialties.push({ code: s.code, name: s.name, new: false, ...difference(EMPTY, s) });
  }
  return {
    comparedWith: { asOf: previous.asOf, generatedAt: previous.generatedAt },
    trust: difference(current.trust, previous.trust),
    specialties,
  };
}

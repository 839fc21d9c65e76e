/**
 * Synthetic patients. Patient i's values come from its own keyed random stream, so any patient's identity, sex
 * and date of birth can be re-derived from its index alone (the pathway generator does that to match
 * specialties to patients) and the generator never holds more than one batch.
 */
import { nhsNumberFromStem, validateNhsNumber, type CommunicationNeed, type Sex } from '@pathflow/core';
import { ageInYears, isoDate, isoInstant } from './dates';
import { NAME_GROUPS } from './names';
import { TOWNS, postcode, streetName } from './places';
import { DecimalPermutation, Random, WeightedPicker } from './random';
import { STREAM } from './streams';
import type { BulkColumn, CellValue } from './bulk-insert';

export const PATIENT_COLUMNS: readonly BulkColumn[] = [
  { name: 'org_id', kind: 'uuid' },
  { name: 'id', kind: 'uuid' },
  { name: 'nhs_number', kind: 'text' },
  { name: 'mrn', kind: 'text' },
  { name: 'title', kind: 'text' },
  { name: 'given_name', kind: 'text' },
  { name: 'family_name', kind: 'text' },
  { name: 'date_of_birth', kind: 'date' },
  { name: 'sex', kind: 'text' },
  { name: 'address_line1', kind: 'text' },
  { name: 'address_line2', kind: 'text' },
  { name: 'town', kind: 'text' },
  { name: 'postcode', kind: 'text' },
  { name: 'phone', kind: 'text' },
  { name: 'email', kind: 'text' },
  { name: 'gp_practice_code', kind: 'text' },
  { name: 'interpreter_language', kind: 'text' },
  { name: 'communication_needs', kind: 'text-list' },
  { name: 'transport_eligible', kind: 'boolean' },
  { name: 'created_at', kind: 'timestamptz' },
];

/** Target shares of patients (the tests check the generated shares against these). */
export const PATIENT_SHARES = {
  interpreter: 0.04,
  largePrint: 0.02,
  easyRead: 0.01,
  bsl: 0.003,
  braille: 0.001,
  transport: 0.06,
  phone: 0.9,
  mobileGivenPhone: 0.7,
  email: 0.45,
  gpRegistered: 0.97,
} as const;

/** Age bands (whole years, inclusive) weighted towards the older people who fill elective lists. */
const AGE_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[0, 4], 2.5],
  [[5, 15], 5.5],
  [[16, 24], 6],
  [[25, 34], 9],
  [[35, 44], 11],
  [[45, 54], 14],
  [[55, 64], 17],
  [[65, 74], 17.5],
  [[75, 84], 12.5],
  [[85, 94], 4.5],
  [[95, 101], 0.5],
];

const SEXES: readonly (readonly [Sex, number])[] = [
  ['female', 51],
  ['male', 48.9],
  ['unknown', 0.1],
];

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;

/** What the pathway generator needs to know about a patient. */
export interface PatientCore {
  id: string;
  sex: Sex;
  birthDay: number;
}

/** Hands out distinct test-range NHS numbers (999 000 0000 – 999 999 9999) in a seeded order. */
export class NhsNumberAllocator {
  private readonly order: DecimalPermutation;
  private cursor = 0;

  constructor(seed: number) {
    this.order = new DecimalPermutation(new Random(seed, STREAM.nhsNumbers), 6);
  }

  next(): string {
    while (this.cursor < 1_000_000) {
      const stem = String(999_000_000 + this.order.at(this.cursor++));
      const number = nhsNumberFromStem(stem);
      if (number !== null && validateNhsNumber(number).valid) return number;
    }
    throw new RangeError('The NHS number test range is used up');
  }
}

function asciiLower(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '');
}

export class PatientFactory {
  private readonly rng: Random;
  private readonly coreRng: Random;
  private readonly ages = new WeightedPicker(AGE_BANDS);
  private readonly sexes = new WeightedPicker(SEXES);
  private readonly groups = new WeightedPicker(NAME_GROUPS.map((g) => [g, g.weight] as const));
  private readonly towns = new WeightedPicker(TOWNS.map((t) => [t, t.weight] as const));
  private readonly interpreterRate = new Map<string, number>();
  private readonly languages = new Map<string, WeightedPicker<string>>();
  private readonly practices = new Map<string, string[]>();
  private readonly mrns: DecimalPermutation;
  private readonly nhsNumbers: NhsNumberAllocator;

  constructor(
    private readonly seed: number,
    private readonly orgId: string,
    private readonly todayDay: number,
    gpPractices: number,
  ) {
    this.rng = new Random(seed);
    this.coreRng = new Random(seed);
    this.mrns = new DecimalPermutation(new Random(seed, STREAM.mrns), 8);
    this.nhsNumbers = new NhsNumberAllocator(seed);
    // Scale each group's propensity so the expected interpreter share is exactly the target.
    const totalWeight = NAME_GROUPS.reduce((s, g) => s + g.weight, 0);
    const propensity = NAME_GROUPS.reduce(
      (s, g) => s + (g.weight / totalWeight) * g.interpreterPropensity,
      0,
    );
    for (const g of NAME_GROUPS) {
      this.interpreterRate.set(g.key, (PATIENT_SHARES.interpreter * g.interpreterPropensity) / propensity);
      if (g.languages.length > 0) this.languages.set(g.key, new WeightedPicker(g.languages));
    }
    this.practices = gpPracticeCodes(seed, gpPractices);
  }

  /** Draws the patient's identity, sex and date of birth: always the first draws of the patient's stream. */
  private drawCore(rng: Random, index: number): PatientCore {
    rng.reseed(this.seed, STREAM.patients, index);
    const id = rng.uuid();
    const sex = this.sexes.pick(rng);
    const [lo, hi] = this.ages.pick(rng);
    const ageDays = Math.floor((lo + rng.float() * (hi - lo + 1)) * 365.2425);
    return { id, sex, birthDay: this.todayDay - Math.max(1, ageDays) };
  }

  /** Patient `index`'s identity, sex and date of birth, without generating the rest. */
  core(index: number): PatientCore {
    return this.drawCore(this.coreRng, index);
  }

  /** Patient `index`'s row. Must be called for indexes 0, 1, 2, … in order (NHS numbers are handed out in turn). */
  row(index: number): CellValue[] {
    const rng = this.rng;
    const { id, sex, birthDay } = this.drawCore(rng, index);
    const age = ageInYears(birthDay, this.todayDay);
    const group = this.groups.pick(rng);
    const female = sex === 'female' || (sex !== 'male' && rng.chance(0.5));
    const givenName = rng.pick(female ? group.female : group.male);
    const familyName = rng.pick(group.family);
    const title = this.title(rng, sex, age);

    const town = this.towns.pick(rng);
    const number = 1 + Math.floor(rng.float() * rng.float() * 240);
    const street = `${number} ${streetName(rng)}`;
    let line1 = street;
    let line2: string | null = null;
    if (rng.chance(0.12)) {
      line1 = `Flat ${1 + rng.int(24)}`;
      line2 = street;
    } else if (rng.chance(0.3)) {
      line2 = rng.pick(town.localities);
    }
    const code = postcode(rng, town);

    let phone: string | null = null;
    if (rng.chance(PATIENT_SHARES.phone)) {
      const n = String(rng.int(1000)).padStart(3, '0');
      phone = rng.chance(PATIENT_SHARES.mobileGivenPhone) ? `07700 900${n}` : `0113 496 0${n}`;
    }
    let email: string | null = null;
    if (rng.chance(PATIENT_SHARES.email) && age >= 13) {
      const suffix = rng.chance(0.4) ? String(rng.int(100)) : '';
      email = `${asciiLower(givenName)}.${asciiLower(familyName)}${suffix}@${rng.pick(EMAIL_DOMAINS)}`;
    }
    const gp = rng.chance(PATIENT_SHARES.gpRegistered) ? rng.pick(this.practices.get(town.name)!) : null;

    const interpreter = rng.chance(this.interpreterRate.get(group.key)!)
      ? (this.languages.get(group.key)?.pick(rng) ?? null)
      : null;
    const needs = this.communicationNeeds(rng);
    const transport = rng.chance(PATIENT_SHARES.transport);

    const registeredFrom = Math.max(birthDay, this.todayDay - 20 * 365);
    const registered = registeredFrom + rng.int(Math.max(1, this.todayDay - registeredFrom));
    return [
      this.orgId,
      id,
      this.nhsNumbers.next(),
      `PF${String(this.mrns.at(index)).padStart(8, '0')}`,
      title,
      givenName,
      familyName,
      isoDate(birthDay),
      sex,
      line1,
      line2,
      town.name,
      code,
      phone,
      email,
      gp,
      interpreter,
      needs.join(','),
      transport,
      isoInstant(registered, 480 + rng.int(540)),
    ];
  }

  private title(rng: Random, sex: Sex, age: number): string | null {
    if (age < 16 || rng.chance(0.04)) return null;
    if (rng.chance(0.015)) return 'Dr';
    if (sex === 'male') return 'Mr';
    if (sex !== 'female') return 'Mx';
    const x = rng.float();
    if (age < 25) return x < 0.8 ? 'Miss' : 'Ms';
    return x < 0.5 ? 'Mrs' : x < 0.85 ? 'Ms' : 'Miss';
  }

  private communicationNeeds(rng: Random): CommunicationNeed[] {
    const needs: CommunicationNeed[] = [];
    if (rng.chance(PATIENT_SHARES.largePrint)) needs.push('large-print');
    if (rng.chance(PATIENT_SHARES.easyRead)) needs.push('easy-read');
    if (rng.chance(PATIENT_SHARES.bsl)) needs.push('bsl');
    if (rng.chance(PATIENT_SHARES.braille)) needs.push('braille');
    return needs;
  }
}

/** GP practice codes (a letter and five digits), shared among the towns by population. */
function gpPracticeCodes(seed: number, count: number): Map<string, string[]> {
  const rng = new Random(seed, STREAM.gpPractices);
  const letters = 'ABCDEFGHJKLMNPY';
  const used = new Set<string>();
  const byTown = new Map<string, string[]>();
  const totalWeight = TOWNS.reduce((s, t) => s + t.weight, 0);
  for (const town of TOWNS) {
    const n = Math.max(1, Math.round((count * town.weight) / totalWeight));
    const codes: string[] = [];
    while (codes.length < n) {
      const code = `${letters[rng.int(letters.length)]!}${String(rng.between(81000, 89999))}`;
      if (used.has(code)) continue;
      used.add(code);
      codes.push(code);
    }
    byTown.set(town.name, codes);
  }
  return byTown;
}

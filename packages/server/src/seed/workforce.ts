/** The synthetic trust's clinicians, clinic locations and demo staff accounts: small tables, built in memory. */
import { ROLES, ROLE_LABELS, type Role } from '@pathflow/core';
import type { BulkColumn, CellValue } from './bulk-insert';
import { CLINICIAN_GROUP_WEIGHTS, NAME_GROUPS, type NameGroup } from './names';
import { SITES } from './places';
import { DecimalPermutation, Random, WeightedPicker } from './random';
import { SPECIALTIES, type SpecialtyProfile } from './specialties';
import { STREAM } from './streams';

export const CLINICIAN_COLUMNS: readonly BulkColumn[] = [
  { name: 'org_id', kind: 'uuid' },
  { name: 'id', kind: 'uuid' },
  { name: 'registration_code', kind: 'text' },
  { name: 'title', kind: 'text' },
  { name: 'given_name', kind: 'text' },
  { name: 'family_name', kind: 'text' },
  { name: 'specialty_code', kind: 'text' },
  { name: 'grade', kind: 'text' },
];

export const LOCATION_COLUMNS: readonly BulkColumn[] = [
  { name: 'org_id', kind: 'uuid' },
  { name: 'id', kind: 'uuid' },
  { name: 'site_code', kind: 'text' },
  { name: 'name', kind: 'text' },
  { name: 'site', kind: 'text' },
  { name: 'address_line', kind: 'text' },
  { name: 'postcode', kind: 'text' },
];

export const STAFF_COLUMNS: readonly BulkColumn[] = [
  { name: 'org_id', kind: 'uuid' },
  { name: 'id', kind: 'uuid' },
  { name: 'username', kind: 'text' },
  { name: 'display_name', kind: 'text' },
  { name: 'role', kind: 'text' },
  { name: 'password_hash', kind: 'text' },
  { name: 'created_at', kind: 'timestamptz' },
];

/** Splits `total` among the specialties by list size (largest remainder), at least `minimum` each. */
export function allocateBySpecialty(total: number, minimum: number): Map<string, number> {
  const spare = total - minimum * SPECIALTIES.length;
  if (spare < 0)
    throw new RangeError(`Cannot give ${SPECIALTIES.length} specialties ${minimum} each from ${total}`);
  const weight = SPECIALTIES.reduce((s, x) => s + x.listWeight, 0);
  const shares = SPECIALTIES.map((s, i) => ({ i, exact: (spare * s.listWeight) / weight }));
  const counts = shares.map((s) => Math.floor(s.exact));
  let left = spare - counts.reduce((a, b) => a + b, 0);
  for (const s of [...shares].sort(
    (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.i - b.i,
  )) {
    if (left-- <= 0) break;
    counts[s.i]! += 1;
  }
  return new Map(SPECIALTIES.map((s, i) => [s.code, counts[i]! + minimum]));
}

function clinicianTitle(rng: Random, specialty: SpecialtyProfile, female: boolean, grade: string): string {
  if (grade === 'consultant' && rng.chance(0.04)) return 'Professor';
  if (!specialty.surgical) return 'Dr';
  if (!female) return 'Mr';
  const x = rng.float();
  return x < 0.6 ? 'Ms' : x < 0.85 ? 'Miss' : 'Mrs';
}

export interface Clinicians {
  rows: CellValue[][];
  /** Clinician ids by specialty code. */
  bySpecialty: Map<string, string[]>;
}

export function generateClinicians(seed: number, orgId: string, total: number): Clinicians {
  const perSpecialty = allocateBySpecialty(total, total >= 4 * SPECIALTIES.length ? 4 : 1);
  const registrations = new DecimalPermutation(new Random(seed, STREAM.registrations), 7);
  const groups = new Map<string, NameGroup>(NAME_GROUPS.map((g) => [g.key, g]));
  const groupPicker = new WeightedPicker(CLINICIAN_GROUP_WEIGHTS);
  const rng = new Random(seed);
  const rows: CellValue[][] = [];
  const bySpecialty = new Map<string, string[]>();
  let index = 0;
  for (const specialty of SPECIALTIES) {
    const ids: string[] = [];
    for (let k = 0; k < perSpecialty.get(specialty.code)!; k++, index++) {
      rng.reseed(seed, STREAM.clinicians, index);
      const id = rng.uuid();
      const female = rng.chance(0.42);
      const group = groups.get(groupPicker.pick(rng))!;
      const grade = k === 0 || rng.chance(0.85) ? 'consultant' : 'specialty-doctor';
      rows.push([
        orgId,
        id,
        `C${String(registrations.at(index)).padStart(7, '0')}`,
        clinicianTitle(rng, specialty, female, grade),
        rng.pick(female ? group.female : group.male),
        rng.pick(group.family),
        specialty.code,
        grade,
      ]);
      ids.push(id);
    }
    bySpecialty.set(specialty.code, ids);
  }
  return { rows, bySpecialty };
}

export function generateLocations(
  seed: number,
  orgId: string,
  odsCode: string,
  sites: number,
): CellValue[][] {
  const rng = new Random(seed);
  const rows: CellValue[][] = [];
  let index = 0;
  for (const site of SITES.slice(0, sites)) {
    for (const department of site.departments) {
      rng.reseed(seed, STREAM.locations, index++);
      rows.push([
        orgId,
        rng.uuid(),
        `${odsCode}${site.suffix}`,
        department,
        site.name,
        site.addressLine,
        site.postcode,
      ]);
    }
  }
  return rows;
}

function titleCase(label: string): string {
  return label.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

export interface DemoAccount {
  username: string;
  role: Role;
  displayName: string;
}

export function demoAccounts(): DemoAccount[] {
  return ROLES.map((role) => ({ username: role, role, displayName: `Demo ${titleCase(ROLE_LABELS[role])}` }));
}

export function generateStaff(
  seed: number,
  orgId: string,
  passwordHash: string,
  createdAt: string,
): CellValue[][] {
  const rng = new Random(seed);
  return demoAccounts().map((account, i) => {
    rng.reseed(seed, STREAM.staff, i);
    return [orgId, rng.uuid(), account.username, account.displayName, account.role, passwordHash, createdAt];
  });
}

/**
 * The synthetic trust's geography: invented towns whose postcodes have the real format (outward code: area
 * letters and a district number; inward code: a digit and two letters from Royal Mail's set) but use area
 * letters that Royal Mail does not use, so no synthetic address is anybody's real one.
 */
import type { Random } from './random';

export interface Town {
  readonly name: string;
  /** Postcode area letters (not a real UK postcode area). */
  readonly area: string;
  readonly districts: number;
  /** Share of the catchment's patients, in %. */
  readonly weight: number;
  /** Localities used as a second address line. */
  readonly localities: readonly string[];
}

export const TOWNS: readonly Town[] = [
  {
    name: 'Pathflow',
    area: 'PF',
    districts: 9,
    weight: 30,
    localities: ['Old Town', 'Church Fields', 'Kirkgate', 'Hollin Park', 'Beckside'],
  },
  {
    name: 'Riverside',
    area: 'RV',
    districts: 4,
    weight: 14,
    localities: ['Wharfside', 'Mill Green', 'Ferry Bank'],
  },
  {
    name: 'Northgate',
    area: 'NX',
    districts: 3,
    weight: 11,
    localities: ['Upper Northgate', 'Moorside', 'Thornhill'],
  },
  { name: 'Eastbrook', area: 'EW', districts: 3, weight: 10, localities: ['Brookfield', 'Eastbrook Green'] },
  { name: 'Kingsmoor', area: 'KM', districts: 3, weight: 9, localities: ['Kings Cross Lanes', 'Moor End'] },
  { name: 'Millbridge', area: 'MB', districts: 2, weight: 8, localities: ['Bridge End', 'Low Mill'] },
  { name: 'Oakhurst', area: 'OH', districts: 2, weight: 7, localities: ['Oak Bank', 'Hurst Common'] },
  { name: 'Ferncliffe', area: 'FD', districts: 2, weight: 6, localities: ['Cliffe Top', 'Fernhill'] },
  { name: 'Stanton Vale', area: 'SX', districts: 1, weight: 5, localities: ['Stanton Parva', 'Vale Bottom'] },
];

const STREET_NAMES = [
  'Church',
  'Mill',
  'Station',
  'Victoria',
  'Park',
  'Queens',
  'Kings',
  'Manor',
  'Green',
  'Albert',
  'Chapel',
  'Springfield',
  'Highfield',
  'Grange',
  'Beech',
  'Oak',
  'Ash',
  'Elm',
  'Willow',
  'Meadow',
  'Orchard',
  'Hawthorn',
  'Sycamore',
  'Rowan',
  'Moor',
  'Bridge',
  'Castle',
  'Market',
  'North',
  'South',
  'West',
  'East',
  'Westfield',
  'Hillside',
  'Brook',
  'Windsor',
  'York',
  'Clarence',
  'Cromwell',
  'Nelson',
  'Stanley',
  'Jubilee',
  'Coronation',
  'Lowther',
  'Heather',
  'Bracken',
  'Holly',
  'Laburnum',
  'Cedar',
  'Fern',
  'Primrose',
  'Bluebell',
  'Foxglove',
  'Thorn',
  'Well',
  'Wharf',
  'Canal',
  'Quarry',
  'Rectory',
  'Vicarage',
];

const STREET_SUFFIXES: readonly (readonly [string, number])[] = [
  ['Road', 30],
  ['Street', 22],
  ['Lane', 14],
  ['Avenue', 9],
  ['Close', 7],
  ['Drive', 6],
  ['Way', 4],
  ['Crescent', 3],
  ['Grove', 3],
  ['Terrace', 2],
];

export function streetName(rng: Random): string {
  const name = rng.pick(STREET_NAMES);
  let x = rng.float() * 100;
  for (const [suffix, weight] of STREET_SUFFIXES) {
    x -= weight;
    if (x < 0) return `${name} ${suffix}`;
  }
  return `${name} Road`;
}

/** Letters Royal Mail uses in the inward code (not C, I, K, M, O or V). */
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export function postcode(rng: Random, town: Town): string {
  const district = 1 + rng.int(town.districts);
  const inward = `${rng.int(10)}${INWARD_LETTERS[rng.int(20)]!}${INWARD_LETTERS[rng.int(20)]!}`;
  return `${town.area}${district} ${inward}`;
}

export interface Site {
  /** ODS site code: the trust's code and two digits. */
  readonly suffix: string;
  readonly name: string;
  readonly addressLine: string;
  readonly postcode: string;
  readonly departments: readonly string[];
}

export const SITES: readonly Site[] = [
  {
    suffix: '01',
    name: 'Pathflow General Hospital',
    addressLine: 'Infirmary Road, Pathflow',
    postcode: 'PF1 3QA',
    departments: [
      'Main Outpatients',
      'Eye Clinic',
      'Fracture Clinic',
      'ENT and Audiology Outpatients',
      "Women's Health Unit",
      "Children's Outpatients",
      'Cardiac Investigations Unit',
      'Dermatology Outpatients',
      'Breast Unit',
    ],
  },
  {
    suffix: '02',
    name: 'Riverside Treatment Centre',
    addressLine: 'Wharf Street, Riverside',
    postcode: 'RV2 6HT',
    departments: [
      'Orthopaedic Outpatients',
      'Pre-operative Assessment',
      'Day Surgery Outpatients',
      'Urology Outpatients',
    ],
  },
  {
    suffix: '03',
    name: 'Northgate Community Hospital',
    addressLine: 'Moor Lane, Northgate',
    postcode: 'NX1 4BD',
    departments: ['Community Outpatients', 'Elderly Care Day Unit', 'Rheumatology Outpatients'],
  },
  {
    suffix: '04',
    name: 'Eastbrook Diagnostic Centre',
    addressLine: 'Brook Way, Eastbrook',
    postcode: 'EW2 7LN',
    departments: ['Endoscopy Outpatients', 'Respiratory Clinic', 'Outpatients East'],
  },
  {
    suffix: '05',
    name: 'Kingsmoor Health Park',
    addressLine: 'Moor End Road, Kingsmoor',
    postcode: 'KM1 2SX',
    departments: ['Kingsmoor Outpatients', 'Eye Clinic Kingsmoor', 'Minor Operations Suite'],
  },
];

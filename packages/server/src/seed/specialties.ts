/**
 * The synthetic trust's specialties: real treatment function codes (NHS Data Dictionary) with their usual
 * names, and the shape of each specialty's waiting list.
 */

export interface SpecialtyProfile {
  /** Treatment function code. */
  readonly code: string;
  readonly name: string;
  /** Relative size of the waiting list (roughly each specialty's share of the national RTT list, in %). */
  readonly listWeight: number;
  /** Relative share of suspected-cancer (two-week-wait) referrals; 0 when the specialty takes none. */
  readonly cancerWeight: number;
  /** Wait multiplier: above 1 the specialty is under more pressure than the trust as a whole. */
  readonly pressure: number;
  /** Surgical specialties: consultants are Mr, Ms, Miss or Mrs rather than Dr (a British custom). */
  readonly surgical: boolean;
  /** The directorate that manages it (potential breaches are reported per directorate). */
  readonly directorate: Directorate;
  /** Youngest and oldest patient (whole years) the specialty sees. */
  readonly minAge: number;
  readonly maxAge: number;
  /** Chance a male patient is accepted when this specialty is drawn (1: no preference). */
  readonly maleAcceptance: number;
  /** Chance a female patient is accepted when this specialty is drawn. */
  readonly femaleAcceptance: number;
}

/** The synthetic trust's directorates: the surgical specialties, women's and children's, and the rest. */
export const DIRECTORATES = ['Surgery', "Women's and children's", 'Medicine'] as const;
export type Directorate = (typeof DIRECTORATES)[number];

type Shape = Partial<Omit<SpecialtyProfile, 'code' | 'name' | 'listWeight'>>;

/** Surgical specialties are in Surgery and the others in Medicine, unless the shape names a directorate. */
function specialty(code: string, name: string, listWeight: number, shape: Shape = {}): SpecialtyProfile {
  return {
    code,
    name,
    listWeight,
    cancerWeight: 0,
    pressure: 1,
    surgical: false,
    minAge: 16,
    maxAge: 120,
    maleAcceptance: 1,
    femaleAcceptance: 1,
    directorate: shape.surgical ? 'Surgery' : 'Medicine',
    ...shape,
  };
}

const surgical = { surgical: true } as const;
const allAges = { minAge: 0 } as const;
const womenAndChildren = { directorate: "Women's and children's" } as const;

export const SPECIALTIES: readonly SpecialtyProfile[] = [
  specialty('100', 'General surgery', 7, { ...surgical, cancerWeight: 6, minAge: 0 }),
  specialty('101', 'Urology', 5, { ...surgical, cancerWeight: 12, femaleAcceptance: 0.35 }),
  specialty('103', 'Breast surgery', 1.6, { ...surgical, cancerWeight: 20, maleAcceptance: 0.02 }),
  specialty('104', 'Colorectal surgery', 2.5, { ...surgical, cancerWeight: 16 }),
  specialty('107', 'Vascular surgery', 1, { ...surgical, minAge: 30, pressure: 0.9 }),
  specialty('110', 'Trauma and orthopaedics', 12, { ...surgical, ...allAges, pressure: 1.2 }),
  specialty('120', 'Ear, nose and throat', 8, { ...surgical, ...allAges, cancerWeight: 6, pressure: 1.15 }),
  specialty('130', 'Ophthalmology', 9.5, { ...surgical, ...allAges, pressure: 1.05 }),
  specialty('140', 'Oral surgery', 4, { ...surgical, ...allAges, pressure: 1.15 }),
  specialty('150', 'Neurosurgery', 1.2, { ...surgical, pressure: 1.1 }),
  specialty('160', 'Plastic surgery', 2, { ...surgical, ...allAges, cancerWeight: 2, pressure: 1.1 }),
  specialty('170', 'Cardiothoracic surgery', 0.6, { ...surgical, minAge: 18, cancerWeight: 1 }),
  specialty('300', 'General internal medicine', 2, { pressure: 0.8 }),
  specialty('301', 'Gastroenterology', 4.5, { cancerWeight: 10, pressure: 1.05 }),
  specialty('302', 'Endocrinology', 1.5, { pressure: 0.9 }),
  specialty('320', 'Cardiology', 4.5, { pressure: 0.85 }),
  specialty('330', 'Dermatology', 6, { ...allAges, cancerWeight: 18, pressure: 1.05 }),
  specialty('340', 'Respiratory medicine', 2.5, { cancerWeight: 6, pressure: 0.85 }),
  specialty('361', 'Nephrology', 0.8, { pressure: 0.8 }),
  specialty('400', 'Neurology', 2.5, { pressure: 1.1 }),
  specialty('410', 'Rheumatology', 2, { pressure: 0.95 }),
  specialty('420', 'Paediatrics', 4, { ...womenAndChildren, minAge: 0, maxAge: 15, pressure: 1.1 }),
  specialty('430', 'Geriatric medicine', 1.2, { minAge: 70, pressure: 0.7 }),
  specialty('502', 'Gynaecology', 8, {
    ...surgical,
    ...womenAndChildren,
    cancerWeight: 12,
    maleAcceptance: 0,
    pressure: 1.15,
  }),
  specialty('800', 'Clinical oncology', 0.8, { cancerWeight: 1, pressure: 0.6 }),
];

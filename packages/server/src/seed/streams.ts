/** Stream numbers for keyed random streams: one per kind of thing generated. Never renumber (it changes the data). */
export const STREAM = {
  organisation: 1,
  staff: 2,
  clinicians: 3,
  locations: 4,
  patients: 5,
  pathways: 6,
  nhsNumbers: 7,
  mrns: 8,
  ppids: 9,
  registrations: 10,
  gpPractices: 11,
  clinics: 12,
  slots: 13,
} as const;

import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { getClinics, type ClinicSummary } from '../../api/clinics';
import {
  SLOT_TYPES,
  runWhatIf,
  type ClinicChangeKind,
  type ClinicChangeView,
  type SlotType,
  type WhatIfBody,
  type WhatIfView,
} from '../../api/forecast';
import { CaptionedTable } from '../../components/captioned-table';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { FieldsetGroup, Radios, ShortInput, Select } from '../../components/form-fields';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { useLoad } from '../../components/use-load';
import { useSession } from '../../session/session-context';
import { LOADING_TEXT, SLOT_TYPE_LABELS, THRESHOLDS, formatChange, formatExpected } from './forecast-format';

/** What the what-if changes: places per week for a specialty, or one clinic. */
type Kind = 'places' | 'clinic';

/** The fields, in the order they are on the page (and so in the error summary). */
const FIELDS = [
  'specialty',
  'slotType',
  'placesPerWeek',
  'clinicId',
  'clinicChange',
  'fromWeek',
  'toWeek',
] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;
type TextField = Exclude<Field, 'clinicChange'>;
type Values = Record<TextField, string> & { kind: Kind; clinicChange: ClinicChangeKind | '' };
/** The fields shown for each kind of change (the others are hidden in the radio not chosen). */
const SHOWN: Record<Kind, readonly Field[]> = {
  places: ['specialty', 'slotType', 'placesPerWeek', 'fromWeek', 'toWeek'],
  clinic: ['clinicId', 'clinicChange', 'fromWeek', 'toWeek'],
};
const KIND_ID = 'what-if-kind';
const ID: Record<Field, string> = {
  specialty: 'what-if-specialty',
  slotType: 'what-if-slot-type',
  placesPerWeek: 'what-if-places',
  clinicId: 'what-if-clinic',
  clinicChange: 'what-if-clinic-change',
  fromWeek: 'what-if-from-week',
  toWeek: 'what-if-to-week',
};
/** The fields a server's 400 can name, by the path under `/body/` it names them with, for each kind. */
const SERVER_FIELDS: Record<Kind, [string, Field][]> = {
  places: [
    ['adjustments/0/specialty', 'specialty'],
    ['adjustments/0/slotType', 'slotType'],
    ['adjustments/0/placesPerWeek', 'placesPerWeek'],
    ['adjustments/0/fromWeek', 'fromWeek'],
    ['adjustments/0/toWeek', 'toWeek'],
  ],
  clinic: [
    ['clinics/0/clinicId', 'clinicId'],
    ['clinics/0/change', 'clinicChange'],
    ['clinics/0/fromWeek', 'fromWeek'],
    ['clinics/0/toWeek', 'toWeek'],
  ],
};
const MAX_PLACES = 100_000;

function wholeNumber(text: string, what: string, min: number, max: number): string | undefined {
  if (!/^-?\d+$/.test(text)) return `The ${what} must be a whole number, like 3 or -2`;
  const n = Number(text);
  if (n < min || n > max) return `The ${what} must be from ${min} to ${max}`;
  return undefined;
}

function check(values: Values, weeks: number): FieldErrors {
  const e: FieldErrors = {};
  if (values.kind === 'places') {
    if (!values.specialty) e.specialty = 'Select a specialty';
    if (!values.slotType) e.slotType = 'Select a slot type';
    const places = values.placesPerWeek.trim();
    if (places === '') e.placesPerWeek = 'Enter the number of places per week to add or remove';
    else {
      const p = wholeNumber(places, 'number of places per week', -MAX_PLACES, MAX_PLACES);
      if (p) e.placesPerWeek = p;
      else if (Number(places) === 0) e.placesPerWeek = 'Enter a number of places other than 0';
    }
  } else {
    if (!values.clinicId) e.clinicId = 'Select a clinic';
    if (!values.clinicChange) {
      e.clinicChange = 'Select whether to remove the clinic or add one more session like it each week';
    }
  }
  const from = values.fromWeek.trim();
  const to = values.toWeek.trim();
  if (from !== '') {
    const f = wholeNumber(from, 'first week', 0, weeks - 1);
    if (f) e.fromWeek = f;
  }
  if (to !== '') {
    const t = wholeNumber(to, 'last week', 1, weeks);
    if (t) e.toWeek = t;
    else if (!e.fromWeek && Number(to) <= Number(from || '0'))
      e.toWeek = 'The last week must be after the first week';
  }
  return e;
}

/** The request for what the form has: one change in places, or one clinic change. */
function bodyOf(values: Values): WhatIfBody {
  const weeks = {
    ...(values.fromWeek.trim() ? { fromWeek: Number(values.fromWeek.trim()) } : {}),
    ...(values.toWeek.trim() ? { toWeek: Number(values.toWeek.trim()) } : {}),
  };
  if (values.kind === 'clinic') {
    return {
      clinics: [{ clinicId: values.clinicId, change: values.clinicChange as ClinicChangeKind, ...weeks }],
    };
  }
  return {
    adjustments: [
      {
        specialty: values.specialty,
        slotType: values.slotType as SlotType,
        placesPerWeek: Number(values.placesPerWeek.trim()),
        ...weeks,
      },
    ],
  };
}

interface Failure {
  fields: FieldErrors;
  other: string[];
}

function failureFrom(err: unknown, kind: Kind): Failure {
  if (!(err instanceof ApiError)) {
    return { fields: {}, other: ['Sorry, there is a problem with the service. Try again later.'] };
  }
  if (err.code === 'validation_failed') {
    const fields: FieldErrors = {};
    for (const [path, f] of SERVER_FIELDS[kind]) {
      const message = err.fieldError(path);
      if (message && !fields[f]) fields[f] = message;
    }
    if (Object.keys(fields).length > 0) return { fields, other: [] };
  }
  return { fields: {}, other: [err.detail || err.title] };
}

/** "Ms Surgeon knee clinic (Trauma and orthopaedics)", clinics in name order. */
function clinicOptions(clinics: ClinicSummary[], specialtyName: (code: string) => string) {
  return [...clinics]
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
    .map((c) => ({ value: c.id, label: `${c.name} (${specialtyName(c.specialtyCode)})` }));
}

/**
 * What-if: add or remove places per week for one specialty and slot type, or remove a clinic for some weeks or
 * add one more session like it each week, and see the forecast change.
 */
export function WhatIfForm({
  specialties,
  weeks,
  onError,
}: {
  specialties: { code: string; name: string }[];
  weeks: number;
  onError: (error: boolean) => void;
}) {
  const { expired } = useSession();
  const [values, setValues] = useState<Values>({
    kind: 'places',
    specialty: '',
    slotType: 'new',
    placesPerWeek: '',
    clinicId: '',
    clinicChange: '',
    fromWeek: '',
    toWeek: '',
  });
  const [failure, setFailure] = useState<Failure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<WhatIfView | null>(null);
  // The clinics are fetched once "A clinic" is first chosen.
  const [wantClinics, setWantClinics] = useState(false);
  const clinics = useLoad('what-if-clinics', getClinics, wantClinics);
  const set = (f: TextField) => (v: string) => setValues((old) => ({ ...old, [f]: v }));
  const specialtyName = (code: string) => specialties.find((s) => s.code === code)?.name ?? code;

  const fail = (next: Failure) => {
    setFailure(next);
    setAttempt((n) => n + 1);
    onError(true);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const found = check(values, weeks);
    if (Object.keys(found).length > 0) return fail({ fields: found, other: [] });
    setFailure(null);
    onError(false);
    setBusy(true);
    setResult(null);
    const kind = values.kind;
    runWhatIf(bodyOf(values))
      .then(setResult)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return expired();
        fail(failureFrom(err, kind));
      })
      .finally(() => setBusy(false));
  };

  const items: ErrorSummaryItem[] = [];
  // Only the errors of the fields shown: a field hidden by choosing the other kind of change has no link.
  for (const f of FIELDS) {
    const text = failure?.fields[f];
    if (text && SHOWN[values.kind].includes(f)) items.push({ text, fieldId: ID[f] });
  }
  for (const text of failure?.other ?? []) items.push({ text });

  let clinicHint: string | undefined;
  if (clinics.status === 'loading') clinicHint = 'Loading the clinics.';
  else if (clinics.status === 'forbidden') clinicHint = 'You cannot see the clinics.';
  else if (clinics.status === 'failed') clinicHint = 'The clinics could not be loaded. Try again later.';
  else if (clinics.data.length === 0) clinicHint = 'There are no clinics set up yet.';

  const placesFields = (
    <>
      <Select
        id={ID.specialty}
        label="Specialty to change"
        value={values.specialty}
        onChange={set('specialty')}
        error={failure?.fields.specialty}
        placeholder="Select a specialty"
        options={specialties.map((s) => ({ value: s.code, label: s.name }))}
      />
      <Select
        id={ID.slotType}
        label="Slot type to change"
        value={values.slotType}
        onChange={set('slotType')}
        error={failure?.fields.slotType}
        options={SLOT_TYPES.map((t) => ({ value: t, label: SLOT_TYPE_LABELS[t] }))}
      />
      <ShortInput
        id={ID.placesPerWeek}
        label="Places per week"
        hint="A whole number. To remove places, put a minus sign first, like -2."
        value={values.placesPerWeek}
        onChange={set('placesPerWeek')}
        error={failure?.fields.placesPerWeek}
        width={5}
      />
    </>
  );
  const clinicFields = (
    <>
      <Select
        id={ID.clinicId}
        label="Clinic"
        {...(clinicHint ? { hint: clinicHint } : {})}
        value={values.clinicId}
        onChange={set('clinicId')}
        error={failure?.fields.clinicId}
        placeholder="Select a clinic"
        options={clinics.status === 'loaded' ? clinicOptions(clinics.data, specialtyName) : []}
      />
      <FieldsetGroup
        id={ID.clinicChange}
        legend="What do you want to do with the clinic?"
        hint="Removing it takes away its free places in those weeks: patients already booked into it keep their appointments. Adding a session adds as many places as its usual session has."
        error={failure?.fields.clinicChange}
      >
        <Radios<ClinicChangeKind>
          name={ID.clinicChange}
          value={values.clinicChange}
          onChange={(clinicChange) => setValues((old) => ({ ...old, clinicChange }))}
          options={[
            { value: 'remove', label: 'Remove it (for example, for leave)' },
            { value: 'add', label: 'Add one more session like it each week' },
          ]}
        />
      </FieldsetGroup>
    </>
  );

  return (
    <section aria-labelledby="what-if-heading">
      <h2 className="nhsuk-heading-m" id="what-if-heading">
        What if you add or remove places
      </h2>
      <p className="nhsuk-body">
        See how the expected breaches change with more or fewer places each week, or without a clinic or with
        one more session of it. Nothing is booked or changed.
      </p>
      {items.length > 0 ? <ErrorSummary key={attempt} items={items} /> : null}
      <form onSubmit={submit} noValidate>
        <FieldsetGroup id={KIND_ID} legend="What do you want to change?" error={undefined}>
          <Radios<Kind>
            name={KIND_ID}
            value={values.kind}
            onChange={(kind) => {
              setValues((old) => ({ ...old, kind }));
              if (kind === 'clinic') setWantClinics(true);
            }}
            options={[
              {
                value: 'places',
                label: 'Places per week for a specialty',
                conditional: { id: 'conditional-what-if-places', content: placesFields },
              },
              {
                value: 'clinic',
                label: 'A clinic',
                conditional: { id: 'conditional-what-if-clinic', content: clinicFields },
              },
            ]}
          />
        </FieldsetGroup>
        <ShortInput
          id={ID.fromWeek}
          label="From week (optional)"
          hint={`Week 0 is the 7 days from today. Leave blank to start now.`}
          value={values.fromWeek}
          onChange={set('fromWeek')}
          error={failure?.fields.fromWeek}
          width={3}
          numeric
        />
        <ShortInput
          id={ID.toWeek}
          label="To week (optional)"
          hint={`The week after the last one changed, up to ${weeks}. Leave blank for all ${weeks} weeks.`}
          value={values.toWeek}
          onChange={set('toWeek')}
          error={failure?.fields.toWeek}
          width={3}
          numeric
        />
        <button className="nhsuk-button" type="submit" disabled={busy}>
          Show what would change
        </button>
      </form>
      {busy ? <Loading text={LOADING_TEXT} /> : null}
      {result ? <WhatIfResult result={result} /> : null}
    </section>
  );
}

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** "week 3", "weeks 0 to 3": `toWeek` is the week after the last one changed. */
const weeksText = (c: { fromWeek: number; toWeek: number }) =>
  c.toWeek - c.fromWeek === 1 ? `week ${c.fromWeek}` : `weeks ${c.fromWeek} to ${c.toWeek - 1}`;

/** What a clinic change did, in a sentence or two. */
function clinicSentence(c: ClinicChangeView): string {
  if (c.change === 'add') {
    return `Adding one more session of ${c.name} each week, in ${weeksText(c)}, adds ${count(c.places, 'place', 'places')}.`;
  }
  const removed = `Removing ${c.name} in ${weeksText(c)} takes away ${count(c.places, 'free place', 'free places')}.`;
  let booked: string;
  if (c.bookedKept === 0) booked = 'No patients are booked into it in those weeks.';
  else if (c.bookedKept === 1) {
    booked = '1 patient already booked into it keeps their appointment in this what-if.';
  } else {
    booked = `${count(c.bookedKept, 'patient', 'patients')} already booked into it keep their appointments in this what-if.`;
  }
  return `${removed} ${booked}`;
}

function WhatIfResult({ result }: { result: WhatIfView }) {
  const { before, after, change } = result;
  const rows: { label: string; before: number; after: number; change: number }[] = [
    ...THRESHOLDS.map((k) => ({
      label: `Expected to pass ${k} weeks`,
      before: before.expectedBreaches[k],
      after: after.expectedBreaches[k],
      change: change.expectedBreaches[k],
    })),
    {
      label: `Expected on the waiting list in ${result.weeks} weeks`,
      before: before.listSizeAtHorizon,
      after: after.listSizeAtHorizon,
      change: change.listSizeAtHorizon,
    },
    {
      label: `Expected over 18 weeks in ${result.weeks} weeks`,
      before: before.over18AtHorizon,
      after: after.over18AtHorizon,
      change: change.over18AtHorizon,
    },
  ];
  return (
    <div id="what-if-result">
      {result.clinics.map((c) => (
        <p className="nhsuk-body" key={`${c.clinicId}/${c.change}/${c.fromWeek}`}>
          {clinicSentence(c)}
        </p>
      ))}
      <InsetText>
        <p>This is a what-if: no clinics or slots have been changed.</p>
      </InsetText>
      <CaptionedTable
        captionId="what-if-caption"
        caption="Before and after the change"
        columns={[
          { label: 'Figure' },
          { label: 'Before', numeric: true },
          { label: 'After', numeric: true },
          { label: 'Change', numeric: true },
        ]}
      >
        {rows.map((r) => (
          <tr className="nhsuk-table__row" key={r.label}>
            <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
              {r.label}
            </th>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatExpected(r.before)}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatExpected(r.after)}</td>
            <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatChange(r.change)}</td>
          </tr>
        ))}
      </CaptionedTable>
    </div>
  );
}

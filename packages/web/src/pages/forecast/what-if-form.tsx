import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { SLOT_TYPES, runWhatIf, type SlotType, type WhatIfView } from '../../api/forecast';
import { CaptionedTable } from '../../components/captioned-table';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { ShortInput, Select } from '../../components/form-fields';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { useSession } from '../../session/session-context';
import { LOADING_TEXT, SLOT_TYPE_LABELS, THRESHOLDS, formatChange, formatExpected } from './forecast-format';

const FIELDS = ['specialty', 'slotType', 'placesPerWeek', 'fromWeek', 'toWeek'] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;
const ID: Record<Field, string> = {
  specialty: 'what-if-specialty',
  slotType: 'what-if-slot-type',
  placesPerWeek: 'what-if-places',
  fromWeek: 'what-if-from-week',
  toWeek: 'what-if-to-week',
};
const MAX_PLACES = 100_000;

function wholeNumber(text: string, what: string, min: number, max: number): string | undefined {
  if (!/^-?\d+$/.test(text)) return `The ${what} must be a whole number, like 3 or -2`;
  const n = Number(text);
  if (n < min || n > max) return `The ${what} must be from ${min} to ${max}`;
  return undefined;
}

function check(values: Record<Field, string>, weeks: number): FieldErrors {
  const e: FieldErrors = {};
  if (!values.specialty) e.specialty = 'Select a specialty';
  if (!values.slotType) e.slotType = 'Select a slot type';
  const places = values.placesPerWeek.trim();
  if (places === '') e.placesPerWeek = 'Enter the number of places per week to add or remove';
  else {
    const p = wholeNumber(places, 'number of places per week', -MAX_PLACES, MAX_PLACES);
    if (p) e.placesPerWeek = p;
    else if (Number(places) === 0) e.placesPerWeek = 'Enter a number of places other than 0';
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

interface Failure {
  fields: FieldErrors;
  other: string[];
}

function failureFrom(err: unknown): Failure {
  if (!(err instanceof ApiError)) {
    return { fields: {}, other: ['Sorry, there is a problem with the service. Try again later.'] };
  }
  if (err.code === 'validation_failed') {
    const fields: FieldErrors = {};
    for (const f of FIELDS) {
      const message = err.fieldError(`adjustments/0/${f}`);
      if (message) fields[f] = message;
    }
    if (Object.keys(fields).length > 0) return { fields, other: [] };
  }
  return { fields: {}, other: [err.detail || err.title] };
}

/** What-if: add or remove places per week for one specialty and slot type, and see the forecast change. */
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
  const [values, setValues] = useState<Record<Field, string>>({
    specialty: '',
    slotType: 'new',
    placesPerWeek: '',
    fromWeek: '',
    toWeek: '',
  });
  const [failure, setFailure] = useState<Failure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<WhatIfView | null>(null);
  const set = (f: Field) => (v: string) => setValues((old) => ({ ...old, [f]: v }));

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
    runWhatIf({
      adjustments: [
        {
          specialty: values.specialty,
          slotType: values.slotType as SlotType,
          placesPerWeek: Number(values.placesPerWeek.trim()),
          ...(values.fromWeek.trim() ? { fromWeek: Number(values.fromWeek.trim()) } : {}),
          ...(values.toWeek.trim() ? { toWeek: Number(values.toWeek.trim()) } : {}),
        },
      ],
    })
      .then(setResult)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return expired();
        fail(failureFrom(err));
      })
      .finally(() => setBusy(false));
  };

  const items: ErrorSummaryItem[] = [];
  for (const f of FIELDS) {
    const text = failure?.fields[f];
    if (text) items.push({ text, fieldId: ID[f] });
  }
  for (const text of failure?.other ?? []) items.push({ text });

  return (
    <section aria-labelledby="what-if-heading">
      <h2 className="nhsuk-heading-m" id="what-if-heading">
        What if you add or remove places
      </h2>
      <p className="nhsuk-body">
        See how the expected breaches change with more or fewer places each week. Nothing is booked or
        changed.
      </p>
      {items.length > 0 ? <ErrorSummary key={attempt} items={items} /> : null}
      <form onSubmit={submit} noValidate>
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

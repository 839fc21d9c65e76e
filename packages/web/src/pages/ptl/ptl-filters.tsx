import { useId, useState, type FormEvent } from 'react';
import type { PtlSort, PtlStatus, SpecialtyWaiting } from '@pathflow/core';
import type { Clinician } from '../../api/clinics';
import {
  DateInput,
  dateFieldId,
  datePartsOf,
  isBlankDate,
  isoFromParts,
  type DateParts,
} from '../../components/date-input';
import { ErrorSummary } from '../../components/error-summary';
import {
  PRIORITY_LABELS,
  SORT_LABELS,
  STATUS_LABELS,
  VALIDATION_CHOICES,
  WEEK_BANDS,
  searchFromView,
  type PtlView,
  type ValidationChoice,
  type WeekBand,
} from './ptl-view';

interface SelectProps<T extends string> {
  id: string;
  name: string;
  label: string;
  value: T;
  options: { value: T; text: string }[];
  onChange: (value: T) => void;
}

/** NHS.UK select with its label. */
function Select<T extends string>({ id, name, label, value, options, onChange }: SelectProps<T>) {
  return (
    <div className="nhsuk-form-group app-ptl-filters__item">
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <select
        className="nhsuk-select"
        id={id}
        name={name}
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

interface PtlFiltersProps {
  view: PtlView;
  /** The organisation's specialties, or null while they load (or if they could not be loaded). */
  specialties: SpecialtyWaiting[] | null;
  /** The organisation's clinicians, or null while they load (or if they could not be loaded). */
  clinicians: Clinician[] | null;
  onApply: (view: PtlView) => void;
}

const BREACH_ID = 'breach-by';
const BREACH_ERROR = 'Breach date must be a real date, for example 31 1 2027';

/**
 * The filters and sort order. A GET form: "Apply" puts the choices in the address, so that a view can be
 * bookmarked and shared, and the back button goes back to the previous one. When the address changes, the
 * fields change to match it; the form stays in place, so focus stays on "Apply".
 */
export function PtlFilters({ view, specialties, clinicians, onApply }: PtlFiltersProps) {
  const id = useId();
  const [specialty, setSpecialty] = useState(view.specialty);
  const [consultant, setConsultant] = useState(view.consultant);
  const [priority, setPriority] = useState(view.priority);
  const [weeks, setWeeks] = useState<WeekBand | ''>(view.weeks);
  const [breachBy, setBreachBy] = useState<DateParts>(datePartsOf(view.breachBy));
  const [status, setStatus] = useState<PtlStatus | ''>(view.status);
  const [validation, setValidation] = useState<ValidationChoice | ''>(view.validation);
  const [sort, setSort] = useState<PtlSort>(view.sort);
  const [breachError, setBreachError] = useState<{ attempt: number } | null>(null);
  // The address the fields were last set from (React's way of resetting state when a prop changes).
  const search = searchFromView(view);
  const [shownFor, setShownFor] = useState(search);
  if (shownFor !== search) {
    setShownFor(search);
    setSpecialty(view.specialty);
    setConsultant(view.consultant);
    setPriority(view.priority);
    setWeeks(view.weeks);
    setBreachBy(datePartsOf(view.breachBy));
    setStatus(view.status);
    setValidation(view.validation);
    setSort(view.sort);
    setBreachError(null);
  }

  const specialtyOptions = [{ value: '', text: 'All specialties' }];
  for (const s of specialties ?? []) specialtyOptions.push({ value: s.code, text: s.name });
  // A specialty from the address that is not (yet) in the list stays selected.
  if (specialty && !specialtyOptions.some((o) => o.value === specialty)) {
    specialtyOptions.push({ value: specialty, text: `Specialty ${specialty}` });
  }

  // The consultants of the chosen specialty (all of them for every specialty); the chosen one always stays.
  const consultantOptions = [{ value: '', text: 'All consultants' }];
  for (const c of clinicians ?? []) {
    if (!specialty || c.specialtyCode === specialty || c.id === consultant) {
      consultantOptions.push({ value: c.id, text: c.name });
    }
  }
  if (consultant && !consultantOptions.some((o) => o.value === consultant)) {
    consultantOptions.push({ value: consultant, text: 'The consultant chosen' });
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const breach = isBlankDate(breachBy) ? '' : isoFromParts(breachBy);
    if (breach === null) {
      setBreachError((e) => ({ attempt: (e?.attempt ?? 0) + 1 }));
      return;
    }
    setBreachError(null);
    onApply({
      specialty,
      consultant,
      priority,
      weeks,
      breachBy: breach,
      status,
      validation,
      sort,
      page: 1,
    });
  };

  return (
    <form method="get" action="/ptl" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      {breachError ? (
        <ErrorSummary
          key={breachError.attempt}
          items={[{ text: BREACH_ERROR, fieldId: dateFieldId(BREACH_ID) }]}
        />
      ) : null}
      <h2 className="nhsuk-heading-s" id={`${id}-heading`}>
        Filter and sort
      </h2>
      <div className="app-ptl-filters">
        <Select
          id="specialty"
          name="specialty"
          label="Specialty"
          value={specialty}
          options={specialtyOptions}
          onChange={setSpecialty}
        />
        <Select
          id="consultant"
          name="consultant"
          label="Consultant"
          value={consultant}
          options={consultantOptions}
          onChange={setConsultant}
        />
        <Select
          id="priority"
          name="priority"
          label="Priority"
          value={priority}
          options={[
            { value: '', text: 'All priorities' },
            ...(['routine', 'urgent', 'two-week-wait'] as const).map((p) => ({
              value: p,
              text: PRIORITY_LABELS[p],
            })),
          ]}
          onChange={setPriority}
        />
        <Select<WeekBand | ''>
          id="weeks"
          name="weeks"
          label="Weeks waited"
          value={weeks}
          options={[
            { value: '', text: 'Any time' },
            ...(Object.keys(WEEK_BANDS) as WeekBand[]).map((band) => ({
              value: band,
              text: WEEK_BANDS[band].label,
            })),
          ]}
          onChange={setWeeks}
        />
        <Select<PtlStatus | ''>
          id="status"
          name="status"
          label="Booking status"
          value={status}
          options={[
            { value: '', text: 'Any status' },
            ...(Object.keys(STATUS_LABELS) as PtlStatus[]).map((s) => ({ value: s, text: STATUS_LABELS[s] })),
          ]}
          onChange={setStatus}
        />
        <Select<ValidationChoice | ''>
          id="validation"
          name="validation"
          label="Validation"
          value={validation}
          options={[
            { value: '', text: 'Any' },
            ...(Object.keys(VALIDATION_CHOICES) as ValidationChoice[]).map((v) => ({
              value: v,
              text: VALIDATION_CHOICES[v].label,
            })),
          ]}
          onChange={setValidation}
        />
        <Select<PtlSort>
          id="sort"
          name="sort"
          label="Sort by"
          value={sort}
          options={(Object.keys(SORT_LABELS) as PtlSort[]).map((s) => ({ value: s, text: SORT_LABELS[s] }))}
          onChange={setSort}
        />
      </div>
      <div className="app-ptl-filters">
        <div className="app-ptl-filters__item">
          <DateInput
            id={BREACH_ID}
            legend="Breaches on or before"
            hint="18-week breach date. For example, 31 1 2027"
            value={breachBy}
            onChange={(value) => setBreachBy(value)}
            error={breachError ? BREACH_ERROR : undefined}
          />
        </div>
        <div className="nhsuk-form-group app-ptl-filters__item">
          <button className="nhsuk-button nhsuk-button--secondary app-ptl-filters__button" type="submit">
            Apply
          </button>
        </div>
      </div>
    </form>
  );
}

import { useId, useState, type FormEvent } from 'react';
import type { PtlSort, SpecialtyWaiting } from '@pathflow/core';
import {
  PRIORITY_LABELS,
  SORT_LABELS,
  WEEK_BANDS,
  searchFromView,
  type PtlView,
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
  onApply: (view: PtlView) => void;
}

/**
 * The filters and sort order. A GET form: "Apply" puts the choices in the address, so that a view can be
 * bookmarked and shared, and the back button goes back to the previous one. When the address changes, the
 * fields change to match it; the form stays in place, so focus stays on "Apply".
 */
export function PtlFilters({ view, specialties, onApply }: PtlFiltersProps) {
  const id = useId();
  const [specialty, setSpecialty] = useState(view.specialty);
  const [priority, setPriority] = useState(view.priority);
  const [weeks, setWeeks] = useState<WeekBand | ''>(view.weeks);
  const [sort, setSort] = useState<PtlSort>(view.sort);
  // The address the fields were last set from (React's way of resetting state when a prop changes).
  const search = searchFromView(view);
  const [shownFor, setShownFor] = useState(search);
  if (shownFor !== search) {
    setShownFor(search);
    setSpecialty(view.specialty);
    setPriority(view.priority);
    setWeeks(view.weeks);
    setSort(view.sort);
  }

  const specialtyOptions = [{ value: '', text: 'All specialties' }];
  for (const s of specialties ?? []) specialtyOptions.push({ value: s.code, text: s.name });
  // A specialty from the address that is not (yet) in the list stays selected.
  if (specialty && !specialtyOptions.some((o) => o.value === specialty)) {
    specialtyOptions.push({ value: specialty, text: `Specialty ${specialty}` });
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply({ specialty, priority, weeks, sort, page: 1 });
  };

  return (
    <form method="get" action="/ptl" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
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
        <Select<PtlSort>
          id="sort"
          name="sort"
          label="Sort by"
          value={sort}
          options={(Object.keys(SORT_LABELS) as PtlSort[]).map((s) => ({ value: s, text: SORT_LABELS[s] }))}
          onChange={setSort}
        />
        <div className="nhsuk-form-group app-ptl-filters__item">
          <button className="nhsuk-button nhsuk-button--secondary app-ptl-filters__button" type="submit">
            Apply
          </button>
        </div>
      </div>
    </form>
  );
}

/** NHS.UK date input: day, month and year boxes in one fieldset, with its hint and inline error message. */

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export const EMPTY_DATE: DateParts = { day: '', month: '', year: '' };

/** "2026-11-30" → its parts; anything else → empty. */
export function datePartsOf(iso: string | null | undefined): DateParts {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!match) return EMPTY_DATE;
  return { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1]! };
}

export const isBlankDate = (d: DateParts) => !d.day.trim() && !d.month.trim() && !d.year.trim();

/** The parts as YYYY-MM-DD, or null when they do not make a real date. */
export function isoFromParts(d: DateParts): string | null {
  const [day, month, year] = [d.day.trim(), d.month.trim(), d.year.trim()];
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const date = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** The id an error summary links to for the date input `id`: its day box. */
export const dateFieldId = (id: string) => `${id}-day`;

interface DateInputProps {
  id: string;
  legend: string;
  hint?: string;
  value: DateParts;
  onChange: (value: DateParts) => void;
  error?: string | undefined;
}

export function DateInput({ id, legend, hint, value, onChange, error }: DateInputProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const parts: { key: keyof DateParts; label: string; width: 2 | 4 }[] = [
    { key: 'day', label: 'Day', width: 2 },
    { key: 'month', label: 'Month', width: 2 },
    { key: 'year', label: 'Year', width: 4 },
  ];
  return (
    <div className={error ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
      <fieldset className="nhsuk-fieldset" role="group" aria-describedby={describedBy}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        {hint ? (
          <div className="nhsuk-hint" id={hintId}>
            {hint}
          </div>
        ) : null}
        {error ? (
          <span className="nhsuk-error-message" id={errorId}>
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {error}
          </span>
        ) : null}
        <div className="nhsuk-date-input" id={id}>
          {parts.map((p) => (
            <div className="nhsuk-date-input__item" key={p.key}>
              <div className="nhsuk-form-group">
                <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${p.key}`}>
                  {p.label}
                </label>
                <input
                  className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${p.width}${error ? ' nhsuk-input--error' : ''}`}
                  id={`${id}-${p.key}`}
                  name={`${id}-${p.key}`}
                  type="text"
                  inputMode="numeric"
                  value={value[p.key]}
                  aria-invalid={error ? true : undefined}
                  onChange={(event) => onChange({ ...value, [p.key]: event.target.value })}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

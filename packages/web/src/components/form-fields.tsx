/**
 * NHS.UK form pieces shared by the clinic and allocation forms: the form group, its inline error, a labelled
 * field (short input or select), and a fieldset of radios with conditionally revealed content.
 */
import { Fragment, type ReactNode } from 'react';

export const groupClass = (error: string | undefined) =>
  error ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group';

/** The ids a field is described by: its hint (if it has one), then its error (if any). */
export const describedBy = (id: string, hint: boolean, error: string | undefined): string | undefined =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function ErrorMessage({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <span className="nhsuk-error-message" id={`${id}-error`}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {text}
    </span>
  );
}

function Hint({ id, hint }: { id: string; hint: ReactNode }) {
  if (!hint) return null;
  return (
    <div className="nhsuk-hint" id={`${id}-hint`}>
      {hint}
    </div>
  );
}

/** A form group with a label, optional hint and inline error, around the control (`children`) they name. */
export function FieldGroup({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={groupClass(error)}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} />
      <ErrorMessage id={id} text={error} />
      {children}
    </div>
  );
}

/** What a labelled field takes: its id (also its name), label, optional hint, value and inline error. */
interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}

/** A short text input with its label, hint and error, for numbers and times. */
export function ShortInput({
  id,
  label,
  hint,
  value,
  onChange,
  error,
  width,
  numeric = false,
}: FieldProps & {
  width: 2 | 3 | 4 | 5 | 10 | 20 | 30;
  numeric?: boolean;
}) {
  return (
    <FieldGroup id={id} label={label} {...(hint ? { hint } : {})} error={error}>
      <input
        className={`nhsuk-input nhsuk-input--width-${width}${error ? ' nhsuk-input--error' : ''}`}
        id={id}
        name={id}
        type="text"
        inputMode={numeric ? 'numeric' : undefined}
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy(id, Boolean(hint), error)}
        aria-invalid={error ? true : undefined}
      />
    </FieldGroup>
  );
}

/** A select with its label, hint and error; `placeholder` is a first, empty choice. */
export function Select({
  id,
  label,
  hint,
  value,
  onChange,
  error,
  options,
  placeholder,
}: FieldProps & {
  options: { value: string; label: string }[];
  placeholder?: string;
}) {
  return (
    <FieldGroup id={id} label={label} {...(hint ? { hint } : {})} error={error}>
      <select
        className={error ? 'nhsuk-select nhsuk-select--error' : 'nhsuk-select'}
        id={id}
        name={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy(id, Boolean(hint), error)}
      >
        {placeholder === undefined ? null : <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldGroup>
  );
}

/**
 * A form group with a fieldset, its legend, optional hint and inline error, around the choices (`children`).
 * The fieldset is described by the error while there is one, otherwise by the hint.
 */
export function FieldsetGroup({
  id,
  legend,
  hint,
  error,
  children,
}: {
  id: string;
  legend: ReactNode;
  hint?: ReactNode;
  error: string | undefined;
  children: ReactNode;
}) {
  let describedById: string | undefined;
  if (error) describedById = `${id}-error`;
  else if (hint) describedById = `${id}-hint`;
  return (
    <div className={groupClass(error)}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedById}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        <Hint id={id} hint={hint} />
        <ErrorMessage id={id} text={error} />
        {children}
      </fieldset>
    </div>
  );
}

export interface RadioOption<V extends string> {
  value: V;
  label: ReactNode;
  /** Shown under the radio while it is chosen (NHS.UK conditional reveal). */
  conditional?: { id: string; content: ReactNode };
}

/**
 * Radios named `name`: the first one's id is `name` (so the error summary can link to it), the others'
 * `name-value`.
 */
export function Radios<V extends string>({
  name,
  value,
  onChange,
  options,
}: {
  name: string;
  value: string;
  onChange: (value: V) => void;
  options: readonly RadioOption<V>[];
}) {
  const conditional = options.some((o) => o.conditional);
  return (
    <div className={conditional ? 'nhsuk-radios nhsuk-radios--conditional' : 'nhsuk-radios'}>
      {options.map((o, k) => {
        const id = k === 0 ? name : `${name}-${o.value}`;
        return (
          <Fragment key={o.value}>
            <div className="nhsuk-radios__item">
              <input
                className="nhsuk-radios__input"
                id={id}
                name={name}
                type="radio"
                value={o.value}
                checked={value === o.value}
                onChange={() => onChange(o.value)}
                aria-controls={o.conditional?.id}
              />
              <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                {o.label}
              </label>
            </div>
            {o.conditional ? (
              <div
                className={
                  value === o.value
                    ? 'nhsuk-radios__conditional'
                    : 'nhsuk-radios__conditional nhsuk-radios__conditional--hidden'
                }
                id={o.conditional.id}
              >
                {o.conditional.content}
              </div>
            ) : null}
          </Fragment>
        );
      })}
    </div>
  );
}

import type { InputHTMLAttributes } from 'react';

type NativeProps = Pick<
  InputHTMLAttributes<HTMLInputElement>,
  'autoComplete' | 'autoCapitalize' | 'spellCheck' | 'inputMode'
>;

interface TextInputProps extends NativeProps {
  id: string;
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password';
  hint?: string;
  /** Shown under the label and tied to the input with aria-describedby. */
  error?: string | undefined;
  /** Fixed width in characters (NHS.UK `nhsuk-input--width-N`). */
  width?: 10 | 20 | 30;
}

/** NHS.UK text input with its label, optional hint and inline error message. */
export function TextInput({
  id,
  name,
  label,
  value,
  onChange,
  type = 'text',
  hint,
  error,
  width,
  ...native
}: TextInputProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const inputClasses = [
    'nhsuk-input',
    width ? `nhsuk-input--width-${width}` : '',
    error ? 'nhsuk-input--error' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={error ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
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
      <input
        className={inputClasses}
        id={id}
        name={name}
        type={type}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        {...native}
      />
    </div>
  );
}

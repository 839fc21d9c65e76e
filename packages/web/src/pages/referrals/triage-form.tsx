import { Fragment, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { CLINIC_TYPES, REFERRAL_PRIORITIES, type ClinicType, type ReferralPriority } from '@pathflow/core';
import { ApiError } from '../../api/client';
import {
  triageReferral,
  type Referral,
  type TriageDecisionKind,
  type TriageRequest,
} from '../../api/referrals';
import type { ErrorSummaryItem } from '../../components/error-summary';
import { InsetText } from '../../components/inset-text';
import { useSession } from '../../session/session-context';
import { CLINIC_TYPE_LABELS, PRIORITY_LABELS } from './referral-format';

/** The most the server takes for a reason or a note. */
const MAX_TEXT = 2000;

type Field = 'kind' | 'priority' | 'clinicType' | 'reason' | 'note';
const FIELD_ORDER: Field[] = ['kind', 'priority', 'clinicType', 'reason', 'note'];

/** The id of each field's control (for a group of radios, the first), which the error summary links to. */
const FIELD_IDS: Record<Field, string> = {
  kind: 'kind',
  priority: 'priority',
  clinicType: 'clinicType',
  reason: 'reason',
  note: 'note',
};

const KIND_OPTIONS: { value: TriageDecisionKind; label: string; id: string }[] = [
  { value: 'accepted', label: 'Accept', id: 'kind' },
  { value: 'rejected', label: 'Reject', id: 'kind-rejected' },
  { value: 'advice-and-guidance', label: 'Advice and guidance', id: 'kind-advice-and-guidance' },
];

export interface TriageErrors {
  summary: ErrorSummaryItem[];
  fields: Partial<Record<Field, string>>;
}

function withSummary(fields: TriageErrors['fields'], other: string[] = []): TriageErrors | null {
  const summary: ErrorSummaryItem[] = FIELD_ORDER.flatMap((field) => {
    const text = fields[field];
    return text ? [{ text, fieldId: FIELD_IDS[field] }] : [];
  });
  summary.push(...other.map((text) => ({ text })));
  return summary.length > 0 ? { summary, fields } : null;
}

interface Values {
  kind: TriageDecisionKind | '';
  priority: ReferralPriority;
  clinicType: ClinicType | '';
  reason: string;
  note: string;
}

/** What the person must fix before we ask the server; the server checks the rest (clinic type, reason). */
function validate(values: Values): TriageErrors | null {
  const fields: TriageErrors['fields'] = {};
  if (values.kind === '') fields.kind = 'Select the triage outcome';
  if (values.kind === 'rejected' && values.reason.trim().length > MAX_TEXT) {
    fields.reason = 'Reason for rejecting the referral must be 2,000 characters or fewer';
  }
  if (values.kind === 'advice-and-guidance' && values.note.trim().length > MAX_TEXT) {
    fields.note = 'Advice for the referrer must be 2,000 characters or fewer';
  }
  return withSummary(fields);
}

/** Only the fields of the outcome chosen: the server refuses a reason for an accepted referral, and so on. */
function requestFrom(values: Values, kind: TriageDecisionKind): TriageRequest {
  switch (kind) {
    case 'accepted':
      return {
        kind,
        priority: values.priority,
        ...(values.clinicType ? { clinicType: values.clinicType } : {}),
      };
    case 'rejected':
      return { kind, ...(values.reason.trim() ? { reason: values.reason.trim() } : {}) };
    case 'advice-and-guidance':
      return { kind, ...(values.note.trim() ? { note: values.note.trim() } : {}) };
  }
}

/** The server's field errors (`/body/reason` and so on) on their fields; anything else in the summary. */
function errorsFromServer(err: ApiError): TriageErrors {
  const fields: TriageErrors['fields'] = {};
  const other: string[] = [];
  for (const e of err.errors) {
    const field = FIELD_ORDER.find((f) => e.field === `/body/${f}`);
    if (field && !fields[field]) fields[field] = e.message;
    else if (!field) other.push(e.message);
  }
  return withSummary(fields, other) ?? { summary: [{ text: err.detail || err.title }], fields: {} };
}

function ErrorMessage({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {text}
    </span>
  );
}

function Textarea({
  id,
  label,
  hint,
  value,
  error,
  onChange,
}: {
  id: Field;
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={error ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <div className="nhsuk-hint" id={`${id}-hint`}>
        {hint}
      </div>
      <ErrorMessage id={`${id}-error`} text={error} />
      <textarea
        className={error ? 'nhsuk-textarea nhsuk-textarea--error' : 'nhsuk-textarea'}
        id={id}
        name={id}
        rows={4}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
    </div>
  );
}

interface TriageFormProps {
  referral: Referral;
  /** Shown by the page, whose error summary sits at the top. */
  errors: TriageErrors | null;
  /** Errors after a failed submission (show the summary afresh), or null once there are none. */
  onErrors: (errors: TriageErrors | null) => void;
  /** The outcome was recorded. */
  onRecorded: (referral: Referral) => void;
  /** Someone else recorded an outcome first (409). */
  onAlreadyTriaged: () => void;
}

/** "Record triage outcome": accept (priority and clinic type), reject (reason) or advice and guidance. */
export function TriageForm({ referral, errors, onErrors, onRecorded, onAlreadyTriaged }: TriageFormProps) {
  const { expired } = useSession();
  const [values, setValues] = useState<Values>({
    kind: '',
    priority: referral.priority,
    clinicType: '',
    reason: '',
    note: '',
  });
  const submitting = useRef(false);
  const set = <K extends keyof Values>(key: K, value: Values[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  const fail = (next: TriageErrors) => onErrors(next);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting.current) return;
    const invalid = validate(values);
    if (invalid || values.kind === '') return fail(invalid ?? { summary: [], fields: {} });
    submitting.current = true;
    try {
      const recorded = await triageReferral(referral.id, requestFrom(values, values.kind));
      onErrors(null);
      onRecorded(recorded);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 409) return onAlreadyTriaged();
      if (err instanceof ApiError && err.status === 400) return fail(errorsFromServer(err));
      const detail = err instanceof ApiError ? err.detail || err.title : '';
      fail({
        summary: [
          {
            text: `The triage outcome has not been saved. ${detail || 'There is a problem with the service.'} Try again later.`,
          },
        ],
        fields: {},
      });
    } finally {
      submitting.current = false;
    }
  };

  const fields = errors?.fields ?? {};
  const conditional = (kind: TriageDecisionKind, content: ReactNode) => (
    <div
      className={
        values.kind === kind
          ? 'nhsuk-radios__conditional'
          : 'nhsuk-radios__conditional nhsuk-radios__conditional--hidden'
      }
      id={`conditional-${kind}`}
    >
      {content}
    </div>
  );

  const acceptFields = (
    <>
      <div className={fields.priority ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
        <label className="nhsuk-label" htmlFor="priority">
          Priority
        </label>
        <div className="nhsuk-hint" id="priority-hint">
          The referrer asked for {PRIORITY_LABELS[referral.priority].toLowerCase()}
        </div>
        <ErrorMessage id="priority-error" text={fields.priority} />
        <select
          className={fields.priority ? 'nhsuk-select nhsuk-select--error' : 'nhsuk-select'}
          id="priority"
          name="priority"
          value={values.priority}
          onChange={(event) => set('priority', event.target.value as ReferralPriority)}
          aria-describedby={fields.priority ? 'priority-hint priority-error' : 'priority-hint'}
        >
          {REFERRAL_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </select>
      </div>
      <div className={fields.clinicType ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
        <fieldset
          className="nhsuk-fieldset"
          aria-describedby={fields.clinicType ? 'clinicType-error' : undefined}
        >
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Clinic type</legend>
          <ErrorMessage id="clinicType-error" text={fields.clinicType} />
          <div className="nhsuk-radios">
            {CLINIC_TYPES.map((c, i) => {
              const id = i === 0 ? 'clinicType' : `clinicType-${c}`;
              return (
                <div className="nhsuk-radios__item" key={c}>
                  <input
                    className="nhsuk-radios__input"
                    id={id}
                    name="clinicType"
                    type="radio"
                    value={c}
                    checked={values.clinicType === c}
                    onChange={() => set('clinicType', c)}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                    {CLINIC_TYPE_LABELS[c]}
                  </label>
                </div>
              );
            })}
          </div>
        </fieldset>
      </div>
    </>
  );

  const content: Record<TriageDecisionKind, ReactNode> = {
    accepted: acceptFields,
    rejected: (
      <Textarea
        id="reason"
        label="Reason for rejecting the referral"
        hint="Say why, so that the referrer knows what to do next."
        value={values.reason}
        error={fields.reason}
        onChange={(value) => set('reason', value)}
      />
    ),
    'advice-and-guidance': (
      <Textarea
        id="note"
        label="Advice for the referrer (optional)"
        hint="For example, treatment to try first, or tests to arrange before referring again."
        value={values.note}
        error={fields.note}
        onChange={(value) => set('note', value)}
      />
    ),
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="triage-heading">
      <h2 className="nhsuk-heading-m" id="triage-heading">
        Record triage outcome
      </h2>
      <InsetText>
        <p>
          Rejecting a referral, or giving advice and guidance, sends it back to the referrer and stops the RTT
          clock today.
        </p>
      </InsetText>
      <div className={fields.kind ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
        <fieldset className="nhsuk-fieldset" aria-describedby={fields.kind ? 'kind-error' : undefined}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
            What is the triage outcome?
          </legend>
          <ErrorMessage id="kind-error" text={fields.kind} />
          <div className="nhsuk-radios nhsuk-radios--conditional">
            {KIND_OPTIONS.map((option) => (
              <Fragment key={option.value}>
                <div className="nhsuk-radios__item">
                  <input
                    className="nhsuk-radios__input"
                    id={option.id}
                    name="kind"
                    type="radio"
                    value={option.value}
                    checked={values.kind === option.value}
                    onChange={() => set('kind', option.value)}
                    aria-controls={`conditional-${option.value}`}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={option.id}>
                    {option.label}
                  </label>
                </div>
                {conditional(option.value, content[option.value])}
              </Fragment>
            ))}
          </div>
        </fieldset>
      </div>
      <button className="nhsuk-button" type="submit">
        Save triage outcome
      </button>
    </form>
  );
}

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { ApiError } from '../../api/client';
import { getSpecialties } from '../../api/endpoints';
import {
  applyPlan,
  getPlan,
  makePlan,
  type AllocationPlan,
  type ApplyAnswer,
  type PlanAssignment,
  type PlanBreaching,
} from '../../api/allocation';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { FieldGroup, describedBy } from '../../components/form-fields';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { AssignmentsTable, BreachingTable, PlanSummary } from './plan-view';

/** Rows shown at first, and added by each "Show more". */
const PAGE = 50;
const MAX_WEEKS = 26;
const MAX_NOTICE = 90;

type Field = 'specialtyCode' | 'weeks' | 'minNoticeDays';
type FieldErrors = Partial<Record<Field, string>>;

interface Failure {
  fields: FieldErrors;
  other: string[];
}

/** A whole number from `min` to `max`, or the message to show. */
function wholeNumber(value: string, min: number, max: number, what: string): string | undefined {
  const text = value.trim();
  if (text === '') return `Enter the ${what}`;
  if (!/^\d+$/.test(text)) return `The ${what} must be a whole number`;
  const n = Number(text);
  if (n < min || n > max) return `The ${what} must be from ${min} to ${max}`;
  return undefined;
}

function checkForm(specialty: string, weeks: string, notice: string): FieldErrors {
  const errors: FieldErrors = {};
  if (specialty === '') errors.specialtyCode = 'Select a specialty';
  const w = wholeNumber(weeks, 1, MAX_WEEKS, 'number of weeks');
  if (w) errors.weeks = w;
  const n = wholeNumber(notice, 0, MAX_NOTICE, 'minimum notice');
  if (n) errors.minNoticeDays = n;
  return errors;
}

function failureFrom(err: unknown): Failure {
  if (!(err instanceof ApiError)) {
    return { fields: {}, other: ['Sorry, there is a problem with the service. Try again later.'] };
  }
  if (err.code === 'validation_failed') {
    const fields: FieldErrors = {};
    for (const f of ['specialtyCode', 'weeks', 'minNoticeDays'] as const) {
      const message = err.fieldError(f);
      if (message) fields[f] = message;
    }
    if (Object.keys(fields).length > 0) return { fields, other: [] };
  }
  if (err.status === 403) return { fields: {}, other: ['Booking appointments is not part of your role.'] };
  return { fields: {}, other: [err.detail || err.title] };
}

/**
 * Automatic allocation: choose a specialty and a period, see the plan the engine makes (who would be booked
 * when, the breaches it avoids, who still breaches and why), then book it all in one go after confirming.
 */
export function AllocationPage() {
  const { user } = useSignedInSession();
  const allowed =
    user.permissions.includes('Appointment.write') && user.permissions.includes('WaitingList.read');
  if (!allowed) return <NoAccess what="Booking a waiting list automatically" user={user} />;
  return <Allocation />;
}

function Allocation() {
  const { expired } = useSession();
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    true,
  );
  const [specialty, setSpecialty] = useState('');
  const [weeks, setWeeks] = useState('6');
  const [notice, setNotice] = useState('7');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [plan, setPlan] = useState<AllocationPlan | null>(null);
  const [assignments, setAssignments] = useState<PlanAssignment[]>([]);
  const [breaching, setBreaching] = useState<PlanBreaching[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [applied, setApplied] = useState<ApplyAnswer | null>(null);
  const [busy, setBusy] = useState<'planning' | 'booking' | 'more' | null>(null);
  const sending = useRef(false);

  const errorItems: ErrorSummaryItem[] = [];
  for (const f of ['specialtyCode', 'weeks', 'minNoticeDays'] as const) {
    const text = failure?.fields[f];
    if (text) errorItems.push({ text, fieldId: f });
  }
  for (const text of failure?.other ?? []) errorItems.push({ text });
  let title = 'Book a waiting list automatically';
  if (applied) title = 'Appointments booked';
  else if (confirming) title = 'Check before you book';
  usePageTitle(title, { error: errorItems.length > 0 });

  // The confirmation step replaces the page: move focus to its heading, as a new page would.
  useEffect(() => {
    if (confirming) document.querySelector<HTMLElement>('[data-page-heading]')?.focus();
  }, [confirming]);

  const fail = (next: Failure) => {
    setFailure(next);
    setAttempt((n) => n + 1);
  };

  /** Runs one request at a time; a 401 ends the session. */
  const run = async (what: 'planning' | 'booking' | 'more', work: () => Promise<void>) => {
    if (sending.current) return;
    sending.current = true;
    setBusy(what);
    try {
      await work();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      fail(failureFrom(err));
    } finally {
      sending.current = false;
      setBusy(null);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = checkForm(specialty, weeks, notice);
    if (Object.keys(fields).length > 0) return fail({ fields, other: [] });
    void run('planning', async () => {
      setApplied(null);
      setConfirming(false);
      const made = await makePlan({
        specialtyCode: specialty,
        weeks: Number(weeks.trim()),
        minNoticeDays: Number(notice.trim()),
      });
      setFailure(null);
      setPlan(made);
      setAssignments(made.assignments.items);
      setBreaching(made.stillBreaching.items);
    });
  };

  const showMore = (which: 'assignments' | 'breaching') => {
    if (!plan) return;
    void run('more', async () => {
      const page = await getPlan(plan.id, {
        offset: which === 'assignments' ? assignments.length : 0,
        limit: which === 'assignments' ? PAGE : 1,
        breachingOffset: which === 'breaching' ? breaching.length : 0,
        breachingLimit: which === 'breaching' ? PAGE : 1,
      });
      if (which === 'assignments') setAssignments((a) => [...a, ...page.assignments.items]);
      else setBreaching((b) => [...b, ...page.stillBreaching.items]);
    });
  };

  const book = () => {
    if (!plan) return;
    void run('booking', async () => {
      try {
        const answer = await applyPlan(plan.id);
        setFailure(null);
        setApplied(answer);
        setConfirming(false);
        setPlan(null);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          // Nothing was booked: the plan is out of date (or already used), so a new one is needed.
          setConfirming(false);
          setPlan(null);
          return fail({
            fields: {},
            other: [err.detail || 'The plan can no longer be booked. Make a new plan.'],
          });
        }
        throw err;
      }
    });
  };

  const specialtyName = (code: string) =>
    specialties.status === 'loaded' ? (specialties.data.find((s) => s.code === code)?.name ?? code) : code;

  if (applied) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <NotificationBanner success focusOnShow title="Success" heading="Appointments booked">
            <p className="nhsuk-body">
              {formatCount(applied.appointmentsBooked)}{' '}
              {applied.appointmentsBooked === 1 ? 'appointment' : 'appointments'} booked;{' '}
              {formatCount(applied.lettersQueued)} {applied.lettersQueued === 1 ? 'letter' : 'letters'} queued
            </p>
          </NotificationBanner>
          <PageHeading>Appointments booked</PageHeading>
          <dl className="nhsuk-summary-list">
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Appointments booked</dt>
              <dd className="nhsuk-summary-list__value">{formatCount(applied.appointmentsBooked)}</dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Letters queued</dt>
              <dd className="nhsuk-summary-list__value">{formatCount(applied.lettersQueued)}</dd>
            </div>
            <div className="nhsuk-summary-list__row">
              <dt className="nhsuk-summary-list__key">Slots used</dt>
              <dd className="nhsuk-summary-list__value">{formatCount(applied.slotsUsed)}</dd>
            </div>
          </dl>
          <p>Each patient will get a letter with their appointment.</p>
          <p>
            <button
              className="nhsuk-button nhsuk-button--secondary"
              type="button"
              onClick={() => setApplied(null)}
            >
              Make another plan
            </button>
          </p>
          <p>
            <Link to="/">Go to the Pathflow home page</Link>
          </p>
        </div>
      </div>
    );
  }

  if (plan && confirming) {
    const n = plan.summary.counts.booked;
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          {errorItems.length > 0 ? <ErrorSummary key={attempt} items={errorItems} /> : null}
          <PageHeading caption={`${plan.specialtyCode} ${specialtyName(plan.specialtyCode)}`}>
            Check before you book
          </PageHeading>
          <p>
            You are about to book {formatCount(n)} {n === 1 ? 'appointment' : 'appointments'} and queue{' '}
            {formatCount(n)} {n === 1 ? 'letter' : 'letters'} to the patients.
          </p>
          <div className="nhsuk-warning-callout">
            <h2 className="nhsuk-warning-callout__label">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              Booked all at once
            </h2>
            <p>
              Every appointment in the plan is booked, or none is. If a slot or a patient has changed since
              you made the plan, nothing is booked and you will need to make a new plan.
            </p>
          </div>
          <div className="nhsuk-button-group">
            <button className="nhsuk-button" type="button" onClick={book} disabled={busy !== null}>
              Yes, book {formatCount(n)} {n === 1 ? 'appointment' : 'appointments'}
            </button>
            <button
              className="nhsuk-button nhsuk-button--secondary"
              type="button"
              onClick={() => setConfirming(false)}
            >
              Go back to the plan
            </button>
          </div>
          {busy === 'booking' ? <Loading text="Booking the appointments…" /> : null}
        </div>
      </div>
    );
  }

  const specialtyError = failure?.fields.specialtyCode;
  const wholeNumberInput = (
    id: 'weeks' | 'minNoticeDays',
    label: string,
    hint: ReactNode,
    value: string,
    onChange: (value: string) => void,
  ) => {
    const error = failure?.fields[id];
    return (
      <FieldGroup id={id} label={label} hint={hint} error={error}>
        <input
          className={`nhsuk-input nhsuk-input--width-3${error ? ' nhsuk-input--error' : ''}`}
          id={id}
          name={id}
          type="text"
          inputMode="numeric"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-describedby={describedBy(id, true, error)}
          aria-invalid={error ? true : undefined}
        />
      </FieldGroup>
    );
  };

  /** "Show 50 more …", under a table that shows `shown` rows of `total`. */
  const showMoreButton = (list: 'assignments' | 'breaching', shown: number, total: number, what: string) =>
    shown < total ? (
      <p>
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          onClick={() => showMore(list)}
          disabled={busy !== null}
        >
          Show {formatCount(Math.min(PAGE, total - shown))} more {what}
        </button>
      </p>
    ) : null;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        {errorItems.length > 0 ? <ErrorSummary key={attempt} items={errorItems} /> : null}
        <PageHeading>Book a waiting list automatically</PageHeading>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <p>
              Pathflow plans first appointments for a specialty’s waiting list into its free slots. It books
              the patients who would breach first, and otherwise books in turn. Nothing is booked until you
              check the plan and confirm it.
            </p>
            <form onSubmit={submit} noValidate>
              <FieldGroup
                id="specialtyCode"
                label="Specialty"
                hint="The waiting list and clinics to plan for"
                error={specialtyError}
              >
                <select
                  className={specialtyError ? 'nhsuk-select nhsuk-select--error' : 'nhsuk-select'}
                  id="specialtyCode"
                  name="specialtyCode"
                  value={specialty}
                  onChange={(event) => setSpecialty(event.target.value)}
                  aria-describedby={describedBy('specialtyCode', true, specialtyError)}
                  aria-invalid={specialtyError ? true : undefined}
                >
                  <option value="">Select a specialty</option>
                  {specialties.status === 'loaded'
                    ? specialties.data.map((s) => (
                        <option key={s.code} value={s.code}>
                          {s.code} {s.name}
                        </option>
                      ))
                    : null}
                </select>
              </FieldGroup>
              {specialties.status === 'loading' ? <Loading text="Loading the specialties…" /> : null}
              {specialties.status === 'failed' ? (
                <p className="nhsuk-body">The specialties could not be loaded. Try again later.</p>
              ) : null}

              {wholeNumberInput(
                'weeks',
                'Number of weeks to plan',
                <>From today, 1 to {MAX_WEEKS} weeks</>,
                weeks,
                setWeeks,
              )}

              {wholeNumberInput(
                'minNoticeDays',
                'Minimum notice, in days',
                'No appointment is booked sooner than this. An offer with less than 21 days’ notice is not a reasonable offer: the patient may decline it without it affecting their wait.',
                notice,
                setNotice,
              )}
              <button className="nhsuk-button" type="submit" disabled={busy === 'planning'}>
                Make a plan
              </button>
              {busy === 'planning' ? <Loading text="Making the plan…" /> : null}
            </form>
          </div>
        </div>

        {plan ? (
          <section aria-labelledby="plan-heading">
            <h2 className="nhsuk-heading-l" id="plan-heading">
              Plan for {plan.specialtyCode} {specialtyName(plan.specialtyCode)}
            </h2>
            <PlanSummary plan={plan} />
            {plan.assignments.total === 0 ? (
              <InsetText>
                <p>The plan books nobody: there are no free slots that suit the patients waiting.</p>
              </InsetText>
            ) : (
              <>
                <AssignmentsTable items={assignments} total={plan.assignments.total} />
                {showMoreButton('assignments', assignments.length, plan.assignments.total, 'appointments')}
              </>
            )}
            {plan.stillBreaching.total > 0 ? (
              <>
                <BreachingTable items={breaching} total={plan.stillBreaching.total} />
                {showMoreButton(
                  'breaching',
                  breaching.length,
                  plan.stillBreaching.total,
                  'patients who still breach',
                )}
              </>
            ) : (
              <p>Nobody still breaches with this plan.</p>
            )}
            {plan.assignments.total > 0 ? (
              <button
                className="nhsuk-button"
                type="button"
                onClick={() => {
                  setFailure(null);
                  setConfirming(true);
                }}
              >
                Book these appointments
              </button>
            ) : null}
          </section>
        ) : null}
      </div>
    </div>
  );
}

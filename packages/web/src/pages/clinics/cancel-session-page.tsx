import { Fragment, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  cancelClinicSession,
  getClinic,
  getClinicSlots,
  type CancelOutcome,
  type Clinic,
  type Slot,
} from '../../api/clinics';
import {
  DateInput,
  dateFieldId,
  datePartsOf,
  isBlankDate,
  isoFromParts,
  type DateParts,
} from '../../components/date-input';
import { ErrorSummary } from '../../components/error-summary';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { Textarea } from '../../components/textarea';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';
import { AppliedCancellation } from './clinic-results';
import { addDays, dateParam, exampleDate, londonToday } from './clinic-format';
import { ErrorMessage, ShortInput } from './schedule-fields';
import { addError, errorsFromServer, noErrors, type FormErrors } from './template-draft';

const NOTICE_DAYS = 42;
const MAX_REASON = 2000;
/** The session choice meaning every session on the date. */
const WHOLE_DAY = 'all';

interface SessionOnDate {
  index: number;
  start: string;
  end: string;
  open: number;
  booked: number;
}

/** The open sessions on a date, from its slots: start, end and how many slots are open and booked. */
function sessionsOf(slots: Slot[]): SessionOnDate[] {
  const byIndex = new Map<number, SessionOnDate>();
  for (const s of slots) {
    if (s.status !== 'open') continue;
    const known = byIndex.get(s.sessionIndex);
    if (!known) {
      byIndex.set(s.sessionIndex, {
        index: s.sessionIndex,
        start: s.startsAt,
        end: s.endsAt,
        open: 1,
        booked: s.booked,
      });
      continue;
    }
    known.open += 1;
    known.booked += s.booked;
    if (s.startsAt < known.start) known.start = s.startsAt;
    if (s.endsAt > known.end) known.end = s.endsAt;
  }
  return [...byIndex.values()].sort((a, b) => a.start.localeCompare(b.start));
}

const describe = (s: SessionOnDate) =>
  `${formatTime(new Date(s.start))} to ${formatTime(new Date(s.end))}: ${s.open} open ${s.open === 1 ? 'slot' : 'slots'}, ${s.booked} booked`;

const groupClass = (error: string | undefined) =>
  error ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group';

const PAGE_FIELDS: Record<string, string> = {
  '/body/date': dateFieldId('date'),
  '/body/sessionIndex': 'sessionIndex',
  '/body/keepSlots': 'keepSlots',
  '/body/reason': 'reason',
};

function CancelForm({ clinic, initialDate }: { clinic: Clinic; initialDate: string | null }) {
  const { expired } = useSession();
  const [date, setDate] = useState<DateParts>(() => datePartsOf(initialDate));
  const [session, setSession] = useState('');
  const [action, setAction] = useState<'' | 'cancel' | 'reduce'>('');
  const [keep, setKeep] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [outcome, setOutcome] = useState<CancelOutcome | null>(null);
  const submitting = useRef(false);
  const iso = isoFromParts(date);
  const slots = useLoad<Slot[]>(
    `slots:${clinic.id}:${iso ?? ''}`,
    (signal) => getClinicSlots(clinic.id, iso ?? '', iso ?? '', signal),
    iso !== null,
  );
  const sessions = slots.status === 'loaded' ? sessionsOf(slots.data) : [];
  const noticeFrom = addDays(londonToday(), NOTICE_DAYS);

  let title = 'Cancel or reduce a session';
  if (outcome?.status === 'applied') title = outcome.keptSlots > 0 ? 'Session reduced' : 'Session cancelled';
  else if (outcome) title = 'Cancellation sent for approval';
  usePageTitle(title, { error: errors !== null });

  const fail = (next: FormErrors) => {
    setAttempt((n) => n + 1);
    setErrors(next);
  };

  const chosen = sessions.length === 1 ? sessions[0] : sessions.find((s) => String(s.index) === session);
  const keepHint = chosen
    ? `The session has ${chosen.open} open ${chosen.open === 1 ? 'slot' : 'slots'}. The first ones, in time order, are kept.`
    : 'The first slots of the session, in time order, are kept and the rest cancelled.';

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting.current) return;
    const found = noErrors();
    if (isBlankDate(date)) addError(found, dateFieldId('date'), 'Enter the date of the session');
    else if (!iso) addError(found, dateFieldId('date'), 'The date must be a real date, like 30 11 2026');
    else if (slots.status === 'loaded' && sessions.length === 0)
      addError(found, dateFieldId('date'), `The clinic has no open session on ${formatLongDate(iso)}`);
    if (sessions.length > 1 && session === '') addError(found, 'sessionIndex', 'Select the session');
    if (action === '') addError(found, 'action', 'Select whether to cancel or reduce the session');
    const keepSlots = /^\d+$/.test(keep.trim()) ? Number(keep) : null;
    if (action === 'reduce' && keepSlots === null)
      addError(found, 'keepSlots', 'Enter how many slots to keep as a whole number, like 4');
    if (action === 'reduce' && session === WHOLE_DAY && sessions.length > 1)
      addError(found, 'sessionIndex', 'Select one session to reduce');
    if (!reason.trim()) addError(found, 'reason', 'Enter why the session is cancelled or reduced');
    else if (reason.trim().length > MAX_REASON)
      addError(found, 'reason', 'The reason must be 2,000 characters or fewer');
    if (found.summary.length > 0 || !iso) return fail(found);
    const sessionIndex =
      sessions.length === 1 ? sessions[0]!.index : session === WHOLE_DAY ? undefined : Number(session);
    submitting.current = true;
    try {
      const answer = await cancelClinicSession(clinic.id, {
        date: iso,
        ...(sessionIndex === undefined ? {} : { sessionIndex }),
        ...(action === 'reduce' && keepSlots !== null ? { keepSlots } : {}),
        reason: reason.trim(),
      });
      setErrors(null);
      setOutcome(answer);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      const problem =
        err instanceof ApiError
          ? err
          : { errors: [], detail: '', title: 'There is a problem with the service. Try again later.' };
      fail(
        errorsFromServer(
          problem,
          [],
          (field) => PAGE_FIELDS[field] ?? null,
          'The session has not been cancelled.',
        ),
      );
    } finally {
      submitting.current = false;
    }
  };

  const back = (
    <p>
      <Link to={`/clinics/${clinic.id}${iso ? `?week=${iso}` : ''}`}>Go back to the clinic</Link>
    </p>
  );

  if (outcome?.status === 'applied') {
    const heading = outcome.keptSlots > 0 ? 'Session reduced' : 'Session cancelled';
    return (
      <>
        <NotificationBanner success focusOnShow title="Success" heading={heading}>
          <p className="nhsuk-body">
            {outcome.cancelledSlots} {outcome.cancelledSlots === 1 ? 'slot was' : 'slots were'} cancelled.{' '}
            {outcome.rebooked.length} {outcome.rebooked.length === 1 ? 'patient was' : 'patients were'}{' '}
            rebooked and {outcome.escalated.length} could not be rebooked in time.
          </p>
        </NotificationBanner>
        <PageHeading caption={clinic.name}>{heading}</PageHeading>
        <AppliedCancellation result={outcome} />
        {back}
      </>
    );
  }
  if (outcome) {
    return (
      <>
        <NotificationBanner
          success
          focusOnShow
          title="Sent for approval"
          heading="Cancellation sent for approval"
        >
          <p className="nhsuk-body">
            The session on {formatLongDate(outcome.firstAffectedDate)} is less than 6 weeks away, so a service
            manager needs to approve the cancellation. Nothing changes until then, and booked patients keep
            their appointments.
          </p>
        </NotificationBanner>
        <PageHeading caption={clinic.name}>Cancellation sent for approval</PageHeading>
        {back}
      </>
    );
  }

  const fields = errors?.fields ?? {};
  const showSessions = slots.status === 'loaded' && sessions.length > 1;
  return (
    <>
      {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
      <PageHeading caption={clinic.name}>Cancel or reduce a session</PageHeading>
      <InsetText>
        <p>
          Booked patients are cancelled by the hospital and rebooked into the earliest suitable slots. A
          session before {formatLongDate(noticeFrom)} (less than 6 weeks&apos; notice) needs a service
          manager&apos;s approval first.
        </p>
      </InsetText>
      <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="cancel-heading">
        <h2 className="nhsuk-heading-m" id="cancel-heading">
          Which session
        </h2>
        <DateInput
          id="date"
          legend="Date of the session"
          hint={`For example, ${exampleDate(noticeFrom)}`}
          value={date}
          onChange={(d) => {
            setDate(d);
            setSession('');
          }}
          error={fields[dateFieldId('date')]}
        />
        <div aria-live="polite">
          {iso && slots.status === 'loading' ? <Loading text="Finding the sessions on this date…" /> : null}
          {iso && slots.status === 'loaded' && sessions.length === 0 ? (
            <p>The clinic has no open session on {formatLongDate(iso)}.</p>
          ) : null}
          {iso && slots.status === 'loaded' && sessions.length === 1 && sessions[0] ? (
            <p>
              The session on {formatLongDate(iso)}: {describe(sessions[0])}.
            </p>
          ) : null}
        </div>
        {showSessions ? (
          <div className={groupClass(fields.sessionIndex)}>
            <fieldset
              className="nhsuk-fieldset"
              aria-describedby={fields.sessionIndex ? 'sessionIndex-error' : undefined}
            >
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
                Which session on {iso ? formatLongDate(iso) : 'this date'}?
              </legend>
              <ErrorMessage id="sessionIndex" text={fields.sessionIndex} />
              <div className="nhsuk-radios">
                {[
                  ...sessions.map((s) => ({ value: String(s.index), label: describe(s) })),
                  {
                    value: WHOLE_DAY,
                    label: 'Every session on this day',
                  },
                ].map((o, k) => {
                  const id = k === 0 ? 'sessionIndex' : `sessionIndex-${o.value}`;
                  return (
                    <div className="nhsuk-radios__item" key={o.value}>
                      <input
                        className="nhsuk-radios__input"
                        id={id}
                        name="sessionIndex"
                        type="radio"
                        value={o.value}
                        checked={session === o.value}
                        onChange={() => setSession(o.value)}
                      />
                      <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                        {o.label}
                      </label>
                    </div>
                  );
                })}
              </div>
            </fieldset>
          </div>
        ) : null}
        <div className={groupClass(fields.action)}>
          <fieldset className="nhsuk-fieldset" aria-describedby={fields.action ? 'action-error' : undefined}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
              What do you want to do?
            </legend>
            <ErrorMessage id="action" text={fields.action} />
            <div className="nhsuk-radios nhsuk-radios--conditional">
              {(
                [
                  { value: 'cancel', id: 'action', label: 'Cancel the whole session' },
                  {
                    value: 'reduce',
                    id: 'action-reduce',
                    label: 'Reduce it: keep the first slots, cancel the rest',
                  },
                ] as const
              ).map((o) => (
                <Fragment key={o.value}>
                  <div className="nhsuk-radios__item">
                    <input
                      className="nhsuk-radios__input"
                      id={o.id}
                      name="action"
                      type="radio"
                      value={o.value}
                      checked={action === o.value}
                      onChange={() => setAction(o.value)}
                      aria-controls={o.value === 'reduce' ? 'conditional-reduce' : undefined}
                    />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={o.id}>
                      {o.label}
                    </label>
                  </div>
                  {o.value === 'reduce' ? (
                    <div
                      className={
                        action === 'reduce'
                          ? 'nhsuk-radios__conditional'
                          : 'nhsuk-radios__conditional nhsuk-radios__conditional--hidden'
                      }
                      id="conditional-reduce"
                    >
                      <ShortInput
                        id="keepSlots"
                        label="How many slots to keep"
                        hint={keepHint}
                        value={keep}
                        onChange={setKeep}
                        error={fields.keepSlots}
                        width={3}
                        numeric
                      />
                    </div>
                  ) : null}
                </Fragment>
              ))}
            </div>
          </fieldset>
        </div>
        <Textarea
          id="reason"
          label="Why is the session cancelled or reduced?"
          hint="For example, the consultant is on annual leave. This is kept with each cancelled appointment."
          value={reason}
          onChange={setReason}
          error={fields.reason}
        />
        <button className="nhsuk-button nhsuk-button--warning" type="submit">
          Cancel or reduce the session
        </button>
      </form>
      {back}
    </>
  );
}

/** "Cancel or reduce a session": a date, which session, all or the first N slots kept, and why. */
export function CancelSessionPage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const initialDate = dateParam(new URLSearchParams(useLocation().search).get('date'));
  const allowed = user.permissions.includes('Clinic.write') && user.permissions.includes('Clinic.read');
  const clinic = useLoad<Clinic>(`clinic:${id}`, (signal) => getClinic(id, signal), allowed);
  const notFound = clinic.status === 'failed' && (clinic.httpStatus === 404 || clinic.httpStatus === 400);
  const forbidden = !allowed || clinic.status === 'forbidden';
  let title = 'Cancel or reduce a session';
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Clinic not found';
  usePageTitle(title);
  if (forbidden) return <NoAccess what="Cancelling clinic sessions" user={user} />;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <div className="nhsuk-u-margin-bottom-5">
          <Link className="nhsuk-back-link" to={`/clinics/${id}`}>
            Back to the clinic
          </Link>
        </div>
        {clinic.status === 'loading' ? <Loading text="Loading the clinic…" /> : null}
        {notFound ? (
          <>
            <PageHeading>Clinic not found</PageHeading>
            <p>
              <Link to="/clinics">Go to clinics</Link>
            </p>
          </>
        ) : null}
        {clinic.status === 'failed' && !notFound ? (
          <>
            <PageHeading>Cancel or reduce a session</PageHeading>
            <p>The clinic could not be loaded. {clinic.detail ? `${clinic.detail} ` : ''}Try again later.</p>
          </>
        ) : null}
        {clinic.status === 'loaded' ? <CancelForm clinic={clinic.data} initialDate={initialDate} /> : null}
      </div>
    </div>
  );
}

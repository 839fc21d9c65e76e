import { useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../../api/client';
import {
  cancelClinicSession,
  getClinicSlots,
  previewClinicCancellation,
  type CancelBody,
  type CancelOutcome,
  type CancelPreview,
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
import { FieldsetGroup, Radios, ShortInput } from '../../components/form-fields';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { Textarea } from '../../components/textarea';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatTime } from '../../format';
import { useSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';
import { AppliedCancellation } from './clinic-results';
import { DisplacedPatients, PreviewCounts, ProposalsMayChange, useFocusHeadingOn } from './clinic-preview';
import { addDays, dateParam, exampleDate, londonToday } from './clinic-format';
import { ClinicFormPage } from './clinic-form-page';
import { checkReason, problemOf, useFormErrors } from './form-errors';
import { addError, errorsFromServer, noErrors } from './template-draft';

const NOTICE_DAYS = 42;
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

const PAGE_FIELDS: Record<string, string> = {
  '/body/date': dateFieldId('date'),
  '/body/sessionIndex': 'sessionIndex',
  '/body/keepSlots': 'keepSlots',
  '/body/reason': 'reason',
};

/** Where the cancellation stands: being filled in, being checked (with its preview), or done. */
type Step =
  | { kind: 'form' }
  | { kind: 'check'; body: CancelBody; preview: CancelPreview }
  | { kind: 'done'; outcome: CancelOutcome };

function CancelForm({ clinic, initialDate }: { clinic: Clinic; initialDate: string | null }) {
  const { expired } = useSession();
  const [date, setDate] = useState<DateParts>(() => datePartsOf(initialDate));
  const [session, setSession] = useState('');
  const [action, setAction] = useState<'' | 'cancel' | 'reduce'>('');
  const [keep, setKeep] = useState('');
  const [reason, setReason] = useState('');
  const { errors, attempt, fail, clear } = useFormErrors();
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const submitting = useRef(false);
  const [busy, setBusy] = useState(false);
  const iso = isoFromParts(date);
  const slots = useLoad<Slot[]>(
    `slots:${clinic.id}:${iso ?? ''}`,
    (signal) => getClinicSlots(clinic.id, iso ?? '', iso ?? '', signal),
    iso !== null && step.kind === 'form',
  );
  const sessions = slots.status === 'loaded' ? sessionsOf(slots.data) : [];
  const noticeFrom = addDays(londonToday(), NOTICE_DAYS);
  useFocusHeadingOn(step.kind);

  let title = 'Cancel or reduce a session';
  if (step.kind === 'check') title = 'Check the changes';
  else if (step.kind === 'done' && step.outcome.status === 'applied')
    title = step.outcome.keptSlots > 0 ? 'Session reduced' : 'Session cancelled';
  else if (step.kind === 'done') title = 'Cancellation sent for approval';
  usePageTitle(title, { error: errors !== null });

  const chosen = sessions.length === 1 ? sessions[0] : sessions.find((s) => String(s.index) === session);
  const keepHint = chosen
    ? `The session has ${chosen.open} open ${chosen.open === 1 ? 'slot' : 'slots'}. The first ones, in time order, are kept.`
    : 'The first slots of the session, in time order, are kept and the rest cancelled.';

  /** The form checked, then the preview asked for: the "Check the changes" step. */
  const check = async (event: FormEvent<HTMLFormElement>) => {
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
    checkReason(found, reason, 'Enter why the session is cancelled or reduced');
    if (found.summary.length > 0 || !iso) return fail(found);
    const sessionIndex =
      sessions.length === 1 ? sessions[0]!.index : session === WHOLE_DAY ? undefined : Number(session);
    const body: CancelBody = {
      date: iso,
      ...(sessionIndex === undefined ? {} : { sessionIndex }),
      ...(action === 'reduce' && keepSlots !== null ? { keepSlots } : {}),
      reason: reason.trim(),
    };
    submitting.current = true;
    setBusy(true);
    try {
      const preview = await previewClinicCancellation(clinic.id, body);
      clear();
      setStep({ kind: 'check', body, preview });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      fail(
        errorsFromServer(
          problemOf(err),
          [],
          (field) => PAGE_FIELDS[field] ?? null,
          'The changes could not be checked.',
        ),
      );
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  };

  /** "Apply these changes" or "Send for approval", with what was checked. */
  const apply = async (body: CancelBody) => {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    try {
      const outcome = await cancelClinicSession(clinic.id, body);
      clear();
      setStep({ kind: 'done', outcome });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      fail(errorsFromServer(problemOf(err), [], () => null, 'The session has not been cancelled.'));
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  };

  const back = (
    <p>
      <Link to={`/clinics/${clinic.id}${iso ? `?week=${iso}` : ''}`}>Go back to the clinic</Link>
    </p>
  );

  if (step.kind === 'done' && step.outcome.status === 'applied') {
    const outcome = step.outcome;
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
        <p>This is what was actually done.</p>
        <AppliedCancellation result={outcome} />
        {back}
      </>
    );
  }
  if (step.kind === 'done' && step.outcome.status === 'pending-approval') {
    const outcome = step.outcome;
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
        <p>
          The service manager will see the proposed rebookings before deciding. If the cancellation is
          approved, patients are rebooked into the earliest suitable slots free on that day.
        </p>
        {back}
      </>
    );
  }

  if (step.kind === 'check') {
    const { preview, body } = step;
    const reduce = preview.keptSlots > 0;
    return (
      <>
        {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
        <PageHeading caption={clinic.name}>Check the changes</PageHeading>
        <p>
          {reduce ? 'Reduce' : 'Cancel'} the session on {formatLongDate(preview.sessionDate)}. Nothing has
          changed yet.
        </p>
        <PreviewCounts counts={preview}>
          <SummaryRow label="Reason">{body.reason}</SummaryRow>
        </PreviewCounts>
        {preview.needsApproval ? (
          <div className="nhsuk-warning-callout">
            <h2 className="nhsuk-warning-callout__label">
              <span role="text">
                <span className="nhsuk-u-visually-hidden">Important: </span>A service manager must approve
                this
              </span>
            </h2>
            <p>
              The session is less than 6 weeks away (6 weeks&apos; notice would be from{' '}
              {formatLongDate(noticeFrom)}), so the cancellation goes to a service manager for approval.
              Nothing changes for patients until it is approved. The rebookings are made on the day it is
              approved, so they may differ from the ones shown here.
            </p>
          </div>
        ) : null}
        <h2 className="nhsuk-heading-m">What would happen to booked patients</h2>
        <DisplacedPatients patients={preview.patients} captionId="preview-caption" />
        <ProposalsMayChange
          when={preview.needsApproval ? 'the cancellation is approved' : 'you apply them'}
        />
        <div className="nhsuk-button-group">
          <button
            className={preview.needsApproval ? 'nhsuk-button' : 'nhsuk-button nhsuk-button--warning'}
            type="button"
            disabled={busy}
            aria-disabled={busy}
            onClick={() => void apply(body)}
          >
            {preview.needsApproval ? 'Send for approval' : 'Apply these changes'}
          </button>
          <button
            className="nhsuk-button nhsuk-button--secondary"
            type="button"
            disabled={busy}
            onClick={() => {
              clear();
              setStep({ kind: 'form' });
            }}
          >
            Change the details
          </button>
        </div>
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
          Booked patients are cancelled by the hospital and rebooked into the earliest suitable slots. You can
          check who would be rebooked where before anything changes. A session before{' '}
          {formatLongDate(noticeFrom)} (less than 6 weeks&apos; notice) needs a service manager&apos;s
          approval first.
        </p>
      </InsetText>
      <form onSubmit={(event) => void check(event)} noValidate aria-labelledby="cancel-heading">
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
          <FieldsetGroup
            id="sessionIndex"
            legend={<>Which session on {iso ? formatLongDate(iso) : 'this date'}?</>}
            error={fields.sessionIndex}
          >
            <Radios
              name="sessionIndex"
              value={session}
              onChange={setSession}
              options={[
                ...sessions.map((s) => ({ value: String(s.index), label: describe(s) })),
                {
                  value: WHOLE_DAY,
                  label: 'Every session on this day',
                },
              ]}
            />
          </FieldsetGroup>
        ) : null}
        <FieldsetGroup id="action" legend="What do you want to do?" error={fields.action}>
          <Radios
            name="action"
            value={action}
            onChange={setAction}
            options={[
              { value: 'cancel', label: 'Cancel the whole session' },
              {
                value: 'reduce',
                label: 'Reduce it: keep the first slots, cancel the rest',
                conditional: {
                  id: 'conditional-reduce',
                  content: (
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
                  ),
                },
              },
            ]}
          />
        </FieldsetGroup>
        <Textarea
          id="reason"
          label="Why is the session cancelled or reduced?"
          hint="For example, the consultant is on annual leave. This is kept with each cancelled appointment."
          value={reason}
          onChange={setReason}
          error={fields.reason}
        />
        <button className="nhsuk-button" type="submit" disabled={busy} aria-disabled={busy}>
          Continue
        </button>
      </form>
      {back}
    </>
  );
}

/**
 * "Cancel or reduce a session", in two steps: a date, which session, all or the first N slots kept, and why;
 * then "Check the changes" (the server's preview: each booked patient's proposed rebooking or escalation, and
 * their letter), then apply (or send for approval when notice is short) and see what was actually done.
 */
export function CancelSessionPage() {
  const initialDate = dateParam(new URLSearchParams(useLocation().search).get('date'));
  return (
    <ClinicFormPage heading="Cancel or reduce a session" what="Cancelling clinic sessions">
      {(clinic) => <CancelForm clinic={clinic} initialDate={initialDate} />}
    </ClinicFormPage>
  );
}

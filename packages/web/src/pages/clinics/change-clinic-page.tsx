import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  addClinicVersion,
  getClinic,
  type Clinic,
  type ClinicVersion,
  type NewVersionOutcome,
} from '../../api/clinics';
import { ErrorSummary } from '../../components/error-summary';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { Textarea } from '../../components/textarea';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { useSession, useSignedInSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';
import { AppliedVersion } from './clinic-results';
import { addDays, exampleDate, londonToday } from './clinic-format';
import { ScheduleFields } from './schedule-fields';
import {
  addError,
  buildSchedule,
  draftFromVersion,
  errorsFromServer,
  noErrors,
  type FormErrors,
  type ScheduleDraft,
} from './template-draft';

/** Days of notice a change can be made with, without a service manager's approval. */
const NOTICE_DAYS = 42;
const MAX_REASON = 2000;

/** The version in force: the latest active one. */
export function currentVersion(clinic: Clinic): ClinicVersion | null {
  const active = clinic.versions.filter((v) => v.status === 'active');
  return active.reduce<ClinicVersion | null>((a, v) => (a && a.version > v.version ? a : v), null);
}

function ChangeForm({ clinic, version }: { clinic: Clinic; version: ClinicVersion }) {
  const { expired } = useSession();
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftFromVersion(version, ''));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [outcome, setOutcome] = useState<NewVersionOutcome | null>(null);
  const submitting = useRef(false);
  const noticeFrom = addDays(londonToday(), NOTICE_DAYS);
  let title = 'Change this clinic';
  if (outcome?.status === 'active') title = 'Clinic changed';
  else if (outcome) title = 'Change sent for approval';
  usePageTitle(title, { error: errors !== null });

  const fail = (next: FormErrors) => {
    setAttempt((n) => n + 1);
    setErrors(next);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting.current) return;
    const found = noErrors();
    const built = buildSchedule(draft, found);
    if (!reason.trim()) addError(found, 'reason', 'Enter why the clinic is changing');
    else if (reason.trim().length > MAX_REASON)
      addError(found, 'reason', 'The reason must be 2,000 characters or fewer');
    if (!built || found.summary.length > 0) return fail(found);
    submitting.current = true;
    try {
      const answer = await addClinicVersion(clinic.id, { ...built.fields, reason: reason.trim() });
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
          built.rowOf,
          (field) => (field === '/body/reason' ? 'reason' : null),
          'The clinic has not been changed.',
        ),
      );
    } finally {
      submitting.current = false;
    }
  };

  const back = (
    <p>
      <Link to={`/clinics/${clinic.id}`}>Go back to the clinic</Link>
    </p>
  );

  if (outcome?.status === 'active') {
    return (
      <>
        <NotificationBanner success focusOnShow title="Success" heading="Clinic changed">
          <p className="nhsuk-body">
            The change had 6 weeks&apos; notice or more, so it has been made. {outcome.created}{' '}
            {outcome.created === 1 ? 'slot was' : 'slots were'} made
            {outcome.displacedAppointments > 0
              ? ` and ${outcome.displacedAppointments} ${outcome.displacedAppointments === 1 ? 'appointment needs' : 'appointments need'} rebooking`
              : ''}
            .
          </p>
        </NotificationBanner>
        <PageHeading caption={clinic.name}>Clinic changed</PageHeading>
        <AppliedVersion result={outcome} />
        {back}
      </>
    );
  }
  if (outcome) {
    return (
      <>
        <NotificationBanner success focusOnShow title="Sent for approval" heading="Change sent for approval">
          <p className="nhsuk-body">
            The change affects the clinic from {formatLongDate(outcome.firstAffectedDate)}, which is less than
            6 weeks away, so a service manager needs to approve it. Nothing changes until then.
          </p>
        </NotificationBanner>
        <PageHeading caption={clinic.name}>Change sent for approval</PageHeading>
        {back}
      </>
    );
  }

  return (
    <>
      {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
      <PageHeading caption={clinic.name}>Change this clinic</PageHeading>
      <p>
        The form shows the clinic as it runs now (version {version.version}). Change what you need and choose
        the date the change starts. The clinic runs as before until then.
      </p>
      <InsetText>
        <p>
          A change that affects a session before {formatLongDate(noticeFrom)} (less than 6 weeks&apos; notice)
          needs a service manager&apos;s approval. Booked patients whose slots no longer fit are marked to be
          rebooked.
        </p>
      </InsetText>
      {clinic.pendingRequests.length > 0 ? (
        <div className="nhsuk-warning-callout">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              Waiting for approval
            </span>
          </h2>
          <p>
            This clinic already has{' '}
            {clinic.pendingRequests.length === 1 ? 'a change' : `${clinic.pendingRequests.length} changes`}{' '}
            waiting for a service manager.
          </p>
        </div>
      ) : null}
      <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="change-heading">
        <h2 className="nhsuk-heading-m" id="change-heading">
          The clinic from the change
        </h2>
        <ScheduleFields
          draft={draft}
          onChange={setDraft}
          errors={errors?.fields ?? {}}
          firstDateLegend="Date the change starts"
          firstDateHint={`For example, ${exampleDate(noticeFrom)}`}
        />
        <Textarea
          id="reason"
          label="Why is the clinic changing?"
          hint="For example, the consultant's job plan has changed. A service manager sees this if the change needs approval."
          value={reason}
          onChange={setReason}
          error={errors?.fields.reason}
        />
        <button className="nhsuk-button" type="submit">
          Save the change
        </button>
      </form>
      {back}
    </>
  );
}

/** "Change this clinic": a new version of its template from a date, with a reason. */
export function ChangeClinicPage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const allowed = user.permissions.includes('Clinic.write') && user.permissions.includes('Clinic.read');
  const clinic = useLoad<Clinic>(`clinic:${id}`, (signal) => getClinic(id, signal), allowed);
  const notFound = clinic.status === 'failed' && (clinic.httpStatus === 404 || clinic.httpStatus === 400);
  const forbidden = !allowed || clinic.status === 'forbidden';
  let title = 'Change this clinic';
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Clinic not found';
  usePageTitle(title);
  if (forbidden) return <NoAccess what="Changing clinics" user={user} />;

  const c = clinic.status === 'loaded' ? clinic.data : null;
  const version = c ? currentVersion(c) : null;
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
            <PageHeading>Change this clinic</PageHeading>
            <p>The clinic could not be loaded. {clinic.detail ? `${clinic.detail} ` : ''}Try again later.</p>
          </>
        ) : null}
        {c && !version ? (
          <>
            <PageHeading caption={c.name}>Change this clinic</PageHeading>
            <p>This clinic has no version in force to change.</p>
          </>
        ) : null}
        {c && version ? <ChangeForm clinic={c} version={version} /> : null}
      </div>
    </div>
  );
}

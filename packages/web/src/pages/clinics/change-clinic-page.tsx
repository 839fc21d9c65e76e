import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { addClinicVersion, type Clinic, type ClinicVersion, type NewVersionOutcome } from '../../api/clinics';
import { ErrorSummary } from '../../components/error-summary';
import { InsetText } from '../../components/inset-text';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { Textarea } from '../../components/textarea';
import { usePageTitle } from '../../components/use-page-title';
import { useSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';
import { ClinicFormPage } from './clinic-form-page';
import { AppliedVersion } from './clinic-results';
import { addDays, exampleDate, londonToday } from './clinic-format';
import { checkReason, problemOf, useFormErrors } from './form-errors';
import { ScheduleFields } from './schedule-fields';
import {
  buildSchedule,
  draftFromVersion,
  errorsFromServer,
  noErrors,
  type ScheduleDraft,
} from './template-draft';

/** Days of notice a change can be made with, without a service manager's approval. */
const NOTICE_DAYS = 42;

/** The version in force: the latest active one. */
export function currentVersion(clinic: Clinic): ClinicVersion | null {
  const active = clinic.versions.filter((v) => v.status === 'active');
  return active.reduce<ClinicVersion | null>((a, v) => (a && a.version > v.version ? a : v), null);
}

function ChangeForm({ clinic, version }: { clinic: Clinic; version: ClinicVersion }) {
  const { expired } = useSession();
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftFromVersion(version, ''));
  const [reason, setReason] = useState('');
  const { errors, attempt, fail, clear } = useFormErrors();
  const [outcome, setOutcome] = useState<NewVersionOutcome | null>(null);
  const submitting = useRef(false);
  const noticeFrom = addDays(londonToday(), NOTICE_DAYS);
  let title = 'Change this clinic';
  if (outcome?.status === 'active') title = 'Clinic changed';
  else if (outcome) title = 'Change sent for approval';
  usePageTitle(title, { error: errors !== null });

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting.current) return;
    const found = noErrors();
    const built = buildSchedule(draft, found);
    checkReason(found, reason, 'Enter why the clinic is changing');
    if (!built || found.summary.length > 0) return fail(found);
    submitting.current = true;
    try {
      const answer = await addClinicVersion(clinic.id, { ...built.fields, reason: reason.trim() });
      clear();
      setOutcome(answer);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      fail(
        errorsFromServer(
          problemOf(err),
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
  return (
    <ClinicFormPage heading="Change this clinic" what="Changing clinics">
      {(clinic) => <ChangeFormOrNone clinic={clinic} />}
    </ClinicFormPage>
  );
}

function ChangeFormOrNone({ clinic }: { clinic: Clinic }) {
  const version = currentVersion(clinic);
  if (version) return <ChangeForm clinic={clinic} version={version} />;
  return (
    <>
      <PageHeading caption={clinic.name}>Change this clinic</PageHeading>
      <p>This clinic has no version in force to change.</p>
    </>
  );
}

import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  decideChangeRequest,
  getChangeRequestPreview,
  getChangeRequests,
  type ChangeRequest,
  type Decision,
  type RequestPreview,
} from '../../api/clinics';
import { BackLink } from '../../components/back-link';
import { ACTION_COLUMN, CaptionedTable } from '../../components/captioned-table';
import { ErrorSummary } from '../../components/error-summary';
import { FieldsetGroup, Radios } from '../../components/form-fields';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { Textarea } from '../../components/textarea';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';
import { AppliedCancellation, AppliedVersion } from './clinic-results';
import { DisplacedPatients, PreviewCounts, ProposalsMayChange } from './clinic-preview';
import { daysBetweenDates, londonToday } from './clinic-format';
import { checkReason, problemOf, useFormErrors } from './form-errors';
import { addError, errorsFromServer, noErrors } from './template-draft';

const CAPTION_ID = 'changes-caption';
const DECISION_FIELDS: Record<string, string> = { '/body/approve': 'approve', '/body/reason': 'reason' };

/** "Cancel the session on 1 December 2026", "New version 2 from 1 December 2026". */
export function describeChange(r: ChangeRequest): string {
  if (r.kind === 'cancel-session') {
    return `Cancel or reduce the session on ${formatLongDate(r.sessionDate ?? r.firstAffectedDate)}`;
  }
  return `Change the clinic (version ${r.version ?? '?'}), first affecting ${formatLongDate(r.firstAffectedDate)}`;
}

function noticeOf(r: ChangeRequest): string {
  const days = daysBetweenDates(londonToday(), r.firstAffectedDate);
  if (days < 0) return 'The date has passed';
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** "Clinic changes to approve": the service manager's worklist of changes with less than 6 weeks' notice. */
export function ClinicChangesPage() {
  const { user } = useSignedInSession();
  const allowed = user.permissions.includes('ClinicChange.write') && user.permissions.includes('Clinic.read');
  const requests = useLoad<ChangeRequest[]>(
    'change-requests:requested',
    (signal) => getChangeRequests('requested', signal),
    allowed,
  );
  usePageTitle(allowed ? 'Clinic changes to approve' : 'You do not have access');
  if (!allowed || requests.status === 'forbidden')
    return <NoAccess what="Approving clinic changes" user={user} />;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>Clinic changes to approve</PageHeading>
        <p>
          Changes to clinics with less than 6 weeks&apos; notice wait here for a service manager. Nothing
          changes for patients until a change is approved.
        </p>
        {requests.status === 'loading' ? <Loading text="Loading the changes…" /> : null}
        {requests.status === 'failed' ? (
          <p>
            The changes could not be loaded. {requests.detail ? `${requests.detail} ` : ''}Try again later.
          </p>
        ) : null}
        {requests.status === 'loaded' && requests.data.length === 0 ? (
          <p>There are no clinic changes waiting for approval.</p>
        ) : null}
        {requests.status === 'loaded' && requests.data.length > 0 ? (
          <CaptionedTable
            captionId={CAPTION_ID}
            caption="Changes waiting for approval, soonest first"
            columns={[
              { label: 'Clinic' },
              { label: 'Change' },
              { label: 'Notice' },
              { label: 'Reason' },
              ACTION_COLUMN,
            ]}
          >
            {[...requests.data]
              .sort((a, b) => a.firstAffectedDate.localeCompare(b.firstAffectedDate))
              .map((r) => (
                <tr className="nhsuk-table__row" key={r.id}>
                  <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
                    <Link to={`/clinics/${r.templateId}`}>{r.clinicName}</Link>
                  </th>
                  <td className="nhsuk-table__cell">
                    {describeChange(r)}
                    <br />
                    <span className="nhsuk-u-secondary-text-colour">
                      Requested {formatDateTime(r.requestedAt)}
                    </span>
                  </td>
                  <td className="nhsuk-table__cell">{noticeOf(r)}</td>
                  <td className="nhsuk-table__cell">{r.reason}</td>
                  <td className="nhsuk-table__cell">
                    <Link to={`/clinic-changes/${r.id}`}>
                      Approve or reject
                      <span className="nhsuk-u-visually-hidden">
                        {' '}
                        {r.clinicName}: {describeChange(r)}
                      </span>
                    </Link>
                  </td>
                </tr>
              ))}
          </CaptionedTable>
        ) : null}
      </div>
    </div>
  );
}

/** What approving the request now would do: the server's preview (nothing changes to find out). */
function RequestProposals({ request }: { request: ChangeRequest }) {
  const preview = useLoad<RequestPreview>(
    `change-preview:${request.id}`,
    (signal) => getChangeRequestPreview(request.id, signal),
    true,
  );
  return (
    <section aria-labelledby="proposals-heading">
      <h2 className="nhsuk-heading-m" id="proposals-heading">
        What approving would do
      </h2>
      {preview.status === 'loading' ? <Loading text="Working out the rebookings…" /> : null}
      {preview.status === 'forbidden' ? <p>You do not have access to the proposed rebookings.</p> : null}
      {preview.status === 'failed' ? (
        <div className="nhsuk-warning-callout">
          <h3 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              {preview.httpStatus === 409
                ? 'This change can no longer be made'
                : 'The proposals could not be loaded'}
            </span>
          </h3>
          <p>
            {preview.detail ? `${preview.detail} ` : ''}
            {preview.httpStatus === 409 ? 'You can still reject it.' : 'Try again later.'}
          </p>
        </div>
      ) : null}
      {preview.status === 'loaded' ? (
        <>
          {preview.data.cancellation ? <PreviewCounts counts={preview.data.cancellation} /> : null}
          {preview.data.version ? (
            <dl className="nhsuk-summary-list">
              <SummaryRow label="Slots to make">{String(preview.data.version.created)}</SummaryRow>
              <SummaryRow label="Free slots to remove">{String(preview.data.version.removed)}</SummaryRow>
              <SummaryRow label="Slots kept">{String(preview.data.version.kept)}</SummaryRow>
              <SummaryRow label="Appointments to rebook">
                {String(preview.data.version.displacedAppointments)}
              </SummaryRow>
            </dl>
          ) : null}
          <DisplacedPatients
            patients={preview.data.patients}
            captionId="request-preview-caption"
            caption="Patients whose appointments would be cancelled or moved"
          />
          <ProposalsMayChange when="you approve it" />
        </>
      ) : null}
    </section>
  );
}

function DecisionForm({ request }: { request: ChangeRequest }) {
  const { expired } = useSession();
  const [approve, setApprove] = useState<'' | 'yes' | 'no'>('');
  const [reason, setReason] = useState('');
  const { errors, attempt, fail, clear } = useFormErrors();
  const [decision, setDecision] = useState<Decision | null>(null);
  const [decidedElsewhere, setDecidedElsewhere] = useState<string | null>(null);
  const submitting = useRef(false);
  let title = 'Approve or reject a clinic change';
  if (decision) title = decision.request.status === 'approved' ? 'Change approved' : 'Change rejected';
  else if (decidedElsewhere !== null) title = 'This change cannot be decided';
  usePageTitle(title, { error: errors !== null });

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting.current) return;
    const found = noErrors();
    if (approve === '') addError(found, 'approve', 'Select whether to approve or reject the change');
    checkReason(found, reason, 'Enter the reason for your decision');
    if (found.summary.length > 0) return fail(found);
    submitting.current = true;
    try {
      const answer = await decideChangeRequest(request.id, {
        approve: approve === 'yes',
        reason: reason.trim(),
      });
      clear();
      setDecision(answer);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 409) {
        clear();
        return setDecidedElsewhere(err.detail || err.title);
      }
      fail(
        errorsFromServer(
          problemOf(err),
          [],
          (field) => DECISION_FIELDS[field] ?? null,
          'The decision has not been saved.',
        ),
      );
    } finally {
      submitting.current = false;
    }
  };

  const back = (
    <p>
      <Link to="/clinic-changes">Go back to clinic changes to approve</Link>
    </p>
  );

  if (decision) {
    const approved = decision.request.status === 'approved';
    return (
      <>
        <NotificationBanner
          success
          focusOnShow
          title="Success"
          heading={approved ? 'Change approved' : 'Change rejected'}
        >
          <p className="nhsuk-body">
            {approved
              ? `The change to ${request.clinicName} has been made.`
              : `${request.clinicName} stays as it was.`}
          </p>
        </NotificationBanner>
        <PageHeading caption={request.clinicName}>
          {approved ? 'Change approved' : 'Change rejected'}
        </PageHeading>
        {decision.applied ? <AppliedVersion result={decision.applied} /> : null}
        {decision.cancellation ? <AppliedCancellation result={decision.cancellation} /> : null}
        <p>
          <Link to={`/clinics/${request.templateId}`}>Go to the clinic</Link>
        </p>
        {back}
      </>
    );
  }
  if (decidedElsewhere !== null) {
    return (
      <>
        <PageHeading caption={request.clinicName}>This change cannot be decided</PageHeading>
        <p>{decidedElsewhere}</p>
        {back}
      </>
    );
  }

  const fields = errors?.fields ?? {};
  return (
    <>
      {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
      <PageHeading caption={request.clinicName}>Approve or reject a clinic change</PageHeading>
      <dl className="nhsuk-summary-list">
        <SummaryRow label="Change">{describeChange(request)}</SummaryRow>
        <SummaryRow label="Notice">{noticeOf(request)}</SummaryRow>
        <SummaryRow label="Reason given">{request.reason}</SummaryRow>
        <SummaryRow label="Requested">{formatDateTime(request.requestedAt)}</SummaryRow>
      </dl>
      <RequestProposals request={request} />
      <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="decision-heading">
        <h2 className="nhsuk-heading-m" id="decision-heading">
          Your decision
        </h2>
        <FieldsetGroup
          id="approve"
          legend="Do you approve this change?"
          hint="Approving makes the change now: booked patients whose slots go are rebooked, or passed to you if they cannot be rebooked in time."
          error={fields.approve}
        >
          <Radios
            name="approve"
            value={approve}
            onChange={setApprove}
            options={[
              { value: 'yes', label: 'Yes, approve it' },
              { value: 'no', label: 'No, reject it' },
            ]}
          />
        </FieldsetGroup>
        <Textarea
          id="reason"
          label="Reason for your decision"
          hint="This is kept with the change."
          value={reason}
          onChange={setReason}
          error={fields.reason}
        />
        <button className="nhsuk-button" type="submit">
          Save the decision
        </button>
      </form>
      {back}
    </>
  );
}

/** One change waiting for approval, and the form to approve or reject it. */
export function DecideChangePage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const allowed = user.permissions.includes('ClinicChange.write') && user.permissions.includes('Clinic.read');
  // There is no read of one request: the worklist holds it.
  const requests = useLoad<ChangeRequest[]>(
    'change-requests:requested',
    (signal) => getChangeRequests('requested', signal),
    allowed,
  );
  const request = requests.status === 'loaded' ? requests.data.find((r) => r.id === id) : undefined;
  const missing = requests.status === 'loaded' && !request;
  usePageTitle(
    !allowed ? 'You do not have access' : missing ? 'Change not found' : 'Approve or reject a clinic change',
  );
  if (!allowed || requests.status === 'forbidden')
    return <NoAccess what="Approving clinic changes" user={user} />;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink to="/clinic-changes">Back to clinic changes to approve</BackLink>
        {requests.status === 'loading' ? <Loading text="Loading the change…" /> : null}
        {requests.status === 'failed' ? (
          <>
            <PageHeading>Approve or reject a clinic change</PageHeading>
            <p>
              The change could not be loaded. {requests.detail ? `${requests.detail} ` : ''}Try again later.
            </p>
          </>
        ) : null}
        {missing ? (
          <>
            <PageHeading>Change not found</PageHeading>
            <p>The change may already have been approved or rejected, or the web address may be wrong.</p>
            <p>
              <Link to="/clinic-changes">Go to clinic changes to approve</Link>
            </p>
          </>
        ) : null}
        {request ? <DecisionForm request={request} /> : null}
      </div>
    </div>
  );
}

import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { getSpecialties } from '../../api/endpoints';
import { getReferral, type Referral } from '../../api/referrals';
import { ErrorSummary } from '../../components/error-summary';
import { InsetText } from '../../components/inset-text';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime, withArticle } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import { formatNhsNumber } from '../ptl/ptl-format';
import {
  CLINIC_TYPE_LABELS,
  PRIORITY_LABELS,
  SOURCE_LABELS,
  TRIAGE_LABELS,
  TRIAGE_TAGS,
  formatLongDate,
  labelOf,
} from './referral-format';
import { TriageForm, type TriageErrors } from './triage-form';

type Row = [key: string, value: ReactNode];

function SummaryList({ rows }: { rows: Row[] }) {
  return (
    <dl className="nhsuk-summary-list">
      {rows.map(([key, value]) => (
        <div className="nhsuk-summary-list__row" key={key}>
          <dt className="nhsuk-summary-list__key">{key}</dt>
          <dd className="nhsuk-summary-list__value">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function detailRows(r: Referral, specialtyName: string | undefined): Row[] {
  const rows: Row[] = [
    ['NHS number', formatNhsNumber(r.nhsNumber)],
    ['Specialty', specialtyName ? `${specialtyName} (${r.specialtyCode})` : r.specialtyCode],
    ['Priority asked for', labelOf(PRIORITY_LABELS, r.priority)],
    ['Referral source', labelOf(SOURCE_LABELS, r.source)],
  ];
  if (r.ubrn) rows.push(['UBRN', r.ubrn]);
  if (r.ersConversionDate) rows.push(['UBRN conversion date', formatLongDate(r.ersConversionDate)]);
  if (r.asiWorklistDate) rows.push(['ASI worklist date', formatLongDate(r.asiWorklistDate)]);
  rows.push(['Received', formatLongDate(r.receivedDate)]);
  if (r.originalClockStart) rows.push(['Original clock start', formatLongDate(r.originalClockStart)]);
  if (r.referrerName || r.referrerOrgCode) {
    rows.push([
      'Referrer',
      <>
        {r.referrerName}
        {r.referrerName && r.referrerOrgCode ? <br /> : null}
        {r.referrerOrgCode ? `ODS code ${r.referrerOrgCode}` : null}
      </>,
    ]);
  }
  rows.push(['RTT clock start', formatLongDate(r.clockStart)]);
  return rows;
}

function outcomeRows(r: Referral): Row[] {
  const t = r.triage;
  const rows: Row[] = [
    ['Outcome', <strong className={labelOf(TRIAGE_TAGS, t.kind)}>{labelOf(TRIAGE_LABELS, t.kind)}</strong>],
  ];
  if (t.priority) rows.push(['Priority', labelOf(PRIORITY_LABELS, t.priority)]);
  if (t.clinicType) rows.push(['Clinic type', labelOf(CLINIC_TYPE_LABELS, t.clinicType)]);
  if (t.reason) rows.push(['Reason', t.reason]);
  if (t.kind === 'advice-and-guidance') rows.push(['Advice', t.note ?? 'None recorded']);
  if (t.triagedAt) rows.push(['Recorded', formatDateTime(t.triagedAt)]);
  return rows;
}

/** What the success banner says for each outcome. */
function recordedBanner(r: Referral): { heading: string; text: string } {
  switch (r.triage.kind) {
    case 'accepted':
      return {
        heading: 'Referral accepted',
        text: 'The patient’s pathway has the priority and clinic type you chose, and its RTT clock is still running.',
      };
    case 'rejected':
      return {
        heading: 'Referral rejected',
        text: 'The referral goes back to the referrer. The RTT clock stopped today.',
      };
    case 'advice-and-guidance':
      return {
        heading: 'Advice and guidance recorded',
        text: 'The referral goes back to the referrer with your advice. The RTT clock stopped today.',
      };
    case 'pending':
      return { heading: 'Triage outcome saved', text: '' };
  }
}

function NotFound() {
  usePageTitle('Referral not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Referral not found</PageHeading>
        <p>The referral may have been entered for another organisation, or the web address may be wrong.</p>
        <p>
          <Link to="/referrals">Go to referrals waiting for triage</Link>
        </p>
      </div>
    </div>
  );
}

/** One referral: its details, its triage outcome, and the form to record one while it is waiting. */
export function ReferralPage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const allowed = user.permissions.includes('Referral.read');
  const canTriage = user.permissions.includes('Referral.write');
  // Changing the version fetches the referral again (after someone else triaged it).
  const [version, setVersion] = useState(0);
  const [recorded, setRecorded] = useState<Referral | null>(null);
  const [alreadyTriaged, setAlreadyTriaged] = useState(false);
  const [errors, setErrors] = useState<TriageErrors | null>(null);
  const [attempt, setAttempt] = useState(0);

  const load = useLoad<Referral>(`${id}:${version}`, (signal) => getReferral(id, signal), allowed);
  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed && user.permissions.includes('WaitingList.read'),
  );

  const referral = recorded ?? (load.status === 'loaded' ? load.data : null);
  const forbidden = !allowed || load.status === 'forbidden';
  // The server answers 400 for an id that is not a UUID, 404 for one it does not hold.
  const notFound = load.status === 'failed' && (load.httpStatus === 404 || load.httpStatus === 400);
  let title = referral ? `Referral for ${referral.patientName}` : 'Referral';
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Referral not found';
  // The same title as the page shown below sets, since this page's effect runs after theirs.
  usePageTitle(title, { error: errors !== null && !forbidden && !notFound });

  if (forbidden) return <NoAccess what="Referral triage" user={user} />;
  if (notFound) return <NotFound />;

  const specialtyName =
    referral && specialties.status === 'loaded'
      ? specialties.data.find((s) => s.code === referral.specialtyCode)?.name
      : undefined;
  const banner = recorded ? recordedBanner(recorded) : null;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <div className="nhsuk-u-margin-bottom-5">
          <Link className="nhsuk-back-link" to="/referrals">
            Back to referrals waiting for triage
          </Link>
        </div>
        {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
        {banner ? (
          <NotificationBanner success focusOnShow title="Success" heading={banner.heading}>
            {banner.text ? <p className="nhsuk-body">{banner.text}</p> : null}
            <p className="nhsuk-body">
              <Link className="nhsuk-notification-banner__link" to="/referrals">
                Go to referrals waiting for triage
              </Link>
            </p>
          </NotificationBanner>
        ) : null}
        {alreadyTriaged ? (
          <NotificationBanner focusOnShow title="Important" heading="This referral has already been triaged">
            <p className="nhsuk-body">
              Someone else recorded its triage outcome while you had this page open, so yours was not saved.
              Their outcome is shown below.
            </p>
          </NotificationBanner>
        ) : null}

        <PageHeading caption="Referral">{referral ? referral.patientName : 'Referral'}</PageHeading>
        {load.status === 'loading' && !referral ? <Loading text="Loading the referral…" /> : null}
        {load.status === 'failed' && !referral ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The referral is not available</h2>
              <p className="nhsuk-card__description">
                The referral could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}

        {referral ? (
          <>
            <h2 className="nhsuk-heading-m">Referral details</h2>
            <SummaryList rows={detailRows(referral, specialtyName)} />
            <h2 className="nhsuk-heading-m">Triage</h2>
            <SummaryList rows={outcomeRows(referral)} />
            {referral.triage.kind === 'pending' && canTriage ? (
              <TriageForm
                key={referral.id}
                referral={referral}
                errors={errors}
                onErrors={(next) => {
                  setErrors(next);
                  if (next) setAttempt((n) => n + 1);
                }}
                onRecorded={(r) => {
                  setAlreadyTriaged(false);
                  setRecorded(r);
                }}
                onAlreadyTriaged={() => {
                  setErrors(null);
                  setAlreadyTriaged(true);
                  setVersion((v) => v + 1);
                }}
              />
            ) : null}
            {referral.triage.kind === 'pending' && !canTriage ? (
              <InsetText>
                <p>Recording the triage outcome is not part of your role as {withArticle(user.roleLabel)}.</p>
              </InsetText>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}

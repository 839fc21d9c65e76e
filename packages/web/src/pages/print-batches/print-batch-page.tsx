import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  getPrintBatch,
  lettersPdfUrl,
  manifestCsvUrl,
  markCollected,
  type PrintBatch,
} from '../../api/print-batches';
import { BackLink } from '../../components/back-link';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';
import { BATCH_STATUS_LABELS, BATCH_STATUS_TAGS, letterCount } from './print-batch-format';
import type { MadeBatchState } from './print-batches-page';

function NotFound() {
  usePageTitle('Print batch not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Print batch not found</PageHeading>
        <p>The print batch may be for another organisation, or the web address may be wrong.</p>
        <p>
          <Link to="/print-batches">Go to print and post letters</Link>
        </p>
      </div>
    </div>
  );
}

/** The confirmation before a batch is marked collected: its letters are then marked sent. */
function ConfirmCollected({
  batch,
  onYes,
  onNo,
}: {
  batch: PrintBatch;
  onYes: () => void;
  onNo: () => void;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="nhsuk-warning-callout">
      <h2 className="nhsuk-warning-callout__label" ref={ref} tabIndex={-1}>
        <span role="text">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Has the print and post provider collected these letters?
        </span>
      </h2>
      <p>The {letterCount(batch.letterCount)} in this batch will be marked as sent. You cannot undo this.</p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" onClick={onYes}>
          Yes, mark as collected
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onNo}>
          No, go back
        </button>
      </div>
    </div>
  );
}

/** One print batch: its letters to download, and marking it collected. */
export function PrintBatchPage() {
  const { user } = useSignedInSession();
  const { expired } = useSession();
  const { id = '' } = useParams();
  const location = useLocation();
  const made = (location.state as MadeBatchState | null)?.made === true;
  const allowed = user.permissions.includes('Communication.read');
  const canCollect = user.permissions.includes('Communication.write');
  const [collected, setCollected] = useState<PrintBatch | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<ErrorSummaryItem[] | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [version, setVersion] = useState(0);
  const busy = useRef(false);
  const buttonRef = useRef<HTMLButtonElement>(null);

  const load = useLoad<PrintBatch>(`${id}:${version}`, (signal) => getPrintBatch(id, signal), allowed);
  const batch = collected ?? (load.status === 'loaded' ? load.data : null);
  const forbidden = !allowed || load.status === 'forbidden';
  const notFound = load.status === 'failed' && (load.httpStatus === 404 || load.httpStatus === 400);
  let title = batch ? `Print batch for ${formatLongDate(batch.date)}` : 'Print batch';
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Print batch not found';
  usePageTitle(title, { error: errors !== null && !forbidden && !notFound });

  if (forbidden) return <NoAccess what="Printing letters" user={user} />;
  if (notFound) return <NotFound />;

  const collect = async () => {
    if (busy.current || !batch) return;
    busy.current = true;
    try {
      setCollected(await markCollected(batch.id));
      setConfirming(false);
      setErrors(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      setConfirming(false);
      setAttempt((n) => n + 1);
      if (err instanceof ApiError && err.status === 409) {
        setErrors([{ text: 'This batch has already been marked as collected.' }]);
        setVersion((v) => v + 1);
        return;
      }
      const detail = err instanceof ApiError ? err.detail || err.title : '';
      setErrors([
        {
          text: `The batch has not been marked as collected. ${detail || 'There is a problem with the service.'} Try again later.`,
        },
      ]);
    } finally {
      busy.current = false;
    }
  };

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink to="/print-batches">Back to print and post letters</BackLink>
        {errors ? <ErrorSummary key={attempt} items={errors} /> : null}
        {collected ? (
          <NotificationBanner success focusOnShow title="Success" heading="Batch marked as collected">
            <p className="nhsuk-body">Its {letterCount(collected.letterCount)} are now marked as sent.</p>
          </NotificationBanner>
        ) : made && !errors ? (
          <NotificationBanner success title="Success" heading="Print batch made">
            <p className="nhsuk-body">
              Download the letters and the manifest for the print and post provider.
            </p>
          </NotificationBanner>
        ) : null}
        <PageHeading caption="Print and post letters">{title}</PageHeading>
        {load.status === 'loading' && !batch ? <Loading text="Loading the print batch…" /> : null}
        {load.status === 'failed' && !batch ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The print batch is not available</h2>
              <p className="nhsuk-card__description">
                The print batch could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {batch ? (
          <>
            <dl className="nhsuk-summary-list">
              <SummaryRow label="Letters">{letterCount(batch.letterCount)}</SummaryRow>
              <SummaryRow label="Letters made by">{formatLongDate(batch.date)}</SummaryRow>
              <SummaryRow label="Status">
                <strong className={BATCH_STATUS_TAGS[batch.status]}>
                  {BATCH_STATUS_LABELS[batch.status]}
                </strong>
              </SummaryRow>
              <SummaryRow label="Made">{formatDateTime(batch.createdAt)}</SummaryRow>
              {batch.collectedAt ? (
                <SummaryRow label="Collected">{formatDateTime(batch.collectedAt)}</SummaryRow>
              ) : null}
            </dl>
            <ul className="nhsuk-list">
              <li>
                <a href={lettersPdfUrl(batch.id)} download>
                  Download letters (PDF)
                </a>
              </li>
              <li>
                <a href={manifestCsvUrl(batch.id)} download>
                  Download manifest (CSV)
                </a>
              </li>
            </ul>
            {batch.status === 'ready' && canCollect ? (
              confirming ? (
                <ConfirmCollected
                  batch={batch}
                  onYes={() => void collect()}
                  onNo={() => {
                    setConfirming(false);
                    window.setTimeout(() => buttonRef.current?.focus());
                  }}
                />
              ) : (
                <button
                  className="nhsuk-button nhsuk-button--secondary"
                  type="button"
                  ref={buttonRef}
                  onClick={() => setConfirming(true)}
                >
                  Mark as collected
                </button>
              )
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}

import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { getPrintBatches, makePrintBatch, type PrintBatch } from '../../api/print-batches';
import { CaptionedTable } from '../../components/captioned-table';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { UnavailableCard } from '../../components/unavailable-card';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';
import { BATCH_STATUS_LABELS, BATCH_STATUS_TAGS, letterCount } from './print-batch-format';

/** What the batch page shows after a batch is made here. */
export interface MadeBatchState {
  made: true;
}

function BatchesTable({ batches }: { batches: PrintBatch[] }) {
  return (
    <CaptionedTable
      captionId="batches-caption"
      caption="Print batches, newest first"
      columns={[
        { label: 'Letters made by' },
        { label: 'Letters', numeric: true },
        { label: 'Status' },
        { label: 'Made' },
      ]}
    >
      {batches.map((b) => (
        <tr className="nhsuk-table__row" key={b.id}>
          <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
            <Link to={`/print-batches/${b.id}`}>{formatLongDate(b.date)}</Link>
          </th>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{b.letterCount}</td>
          <td className="nhsuk-table__cell">
            <strong className={BATCH_STATUS_TAGS[b.status]}>{BATCH_STATUS_LABELS[b.status]}</strong>
          </td>
          <td className="nhsuk-table__cell">{formatDateTime(b.createdAt)}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

/** Print and post: make today's batch of letters for the print-and-post provider, and the batches made before. */
export function PrintBatchesPage() {
  const { user } = useSignedInSession();
  const { expired } = useSession();
  const navigate = useNavigate();
  const allowed = user.permissions.includes('Communication.read');
  const canMake = user.permissions.includes('Communication.write');
  const [errors, setErrors] = useState<ErrorSummaryItem[] | null>(null);
  const [attempt, setAttempt] = useState(0);
  const busy = useRef(false);

  const list = useLoad<PrintBatch[]>('batches', (signal) => getPrintBatches(signal), allowed);
  const forbidden = !allowed || list.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Print and post letters', { error: errors !== null });
  if (forbidden) return <NoAccess what="Printing letters" user={user} />;

  const fail = (text: string) => {
    setErrors([{ text }]);
    setAttempt((n) => n + 1);
  };

  const make = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy.current) return;
    busy.current = true;
    try {
      const batch = await makePrintBatch();
      const state: MadeBatchState = { made: true };
      await navigate(`/print-batches/${batch.id}`, { state });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 409) {
        return fail('There are no letters waiting to be printed, so no batch was made.');
      }
      const detail = err instanceof ApiError ? err.detail || err.title : '';
      fail(
        `The print batch has not been made. ${detail || 'There is a problem with the service.'} Try again later.`,
      );
    } finally {
      busy.current = false;
    }
  };

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {errors ? <ErrorSummary key={attempt} items={errors} /> : null}
        <PageHeading>Print and post letters</PageHeading>
        <p className="nhsuk-body">
          Letters to patients and GPs wait here until they are printed. A print batch puts every letter
          waiting into one PDF, in postcode order, with a manifest for the print and post provider.
        </p>
        {canMake ? (
          <form onSubmit={(event) => void make(event)} noValidate>
            <button className="nhsuk-button" type="submit">
              Make today’s print batch
            </button>
          </form>
        ) : null}
        <p className="nhsuk-body">
          <Link to="/messages?status=awaiting-print&channel=letter">
            See the letters waiting to be printed
          </Link>
        </p>
        {list.status === 'loading' ? <Loading text="Loading print batches…" /> : null}
        {list.status === 'failed' ? (
          <UnavailableCard
            heading="The print batches are not available"
            what="The print batches"
            detail={list.detail}
          />
        ) : null}
        {list.status === 'loaded' && list.data.length === 0 ? (
          <p className="nhsuk-body">No print batches have been made yet.</p>
        ) : null}
        {list.status === 'loaded' && list.data.length > 0 ? <BatchesTable batches={list.data} /> : null}
        {list.status === 'loaded' && list.data.length > 0 ? (
          <p className="nhsuk-body nhsuk-u-secondary-text-colour">
            {letterCount(list.data.reduce((n, b) => n + (b.status === 'ready' ? b.letterCount : 0), 0))} in
            batches not collected yet.
          </p>
        ) : null}
      </div>
    </div>
  );
}

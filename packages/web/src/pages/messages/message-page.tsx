import { Link, useParams } from 'react-router';
import './messages.css';
import { getMessage, letterPdfUrl, type MessageDetail } from '../../api/communications';
import { BackLink } from '../../components/back-link';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import { formatNhsNumber } from '../ptl/ptl-format';
import {
  CHANNEL_LABELS,
  FORMAT_LABELS,
  KIND_LABELS,
  RECIPIENT_LABELS,
  STATUS_LABELS,
  STATUS_TAGS,
  say,
} from './message-format';

/** Why a message was not sent, in plain words, from the kind of its last failure (never the failure's text). */
function whyNotSent(lastError: string): string {
  if (lastError === 'appointment-not-booked') return 'The appointment is no longer booked.';
  if (lastError === 'no-template') return 'There is no template for this message.';
  if (lastError.startsWith('missing fields')) return 'Some details the message needs are missing.';
  if (lastError === 'in-progress') return 'It is being sent.';
  if (lastError.startsWith('gave up')) return 'It could not be sent after several tries.';
  return 'The patient’s contact details or needs do not suit this way of sending.';
}

function NotFound() {
  usePageTitle('Message not found');
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Message not found</PageHeading>
        <p>The message may be for another organisation, or the web address may be wrong.</p>
        <p>
          <Link to="/messages">Go to messages to patients</Link>
        </p>
      </div>
    </div>
  );
}

function MessageSummaryList({ m }: { m: MessageDetail }) {
  return (
    <dl className="nhsuk-summary-list">
      <SummaryRow label="Patient">
        {m.patient.name}
        <br />
        NHS number: {formatNhsNumber(m.patient.nhsNumber)}
      </SummaryRow>
      <SummaryRow label="About">{say(KIND_LABELS, m.kind)}</SummaryRow>
      <SummaryRow label="Sent as">{say(CHANNEL_LABELS, m.channel)}</SummaryRow>
      <SummaryRow label="Format">{say(FORMAT_LABELS, m.format)}</SummaryRow>
      <SummaryRow label="To">{say(RECIPIENT_LABELS, m.recipient)}</SummaryRow>
      <SummaryRow label="Status">
        <strong className={STATUS_TAGS[m.status] ?? 'nhsuk-tag nhsuk-tag--grey'}>
          {say(STATUS_LABELS, m.status)}
        </strong>
        {m.lastError ? (
          <>
            <br />
            {whyNotSent(m.lastError)}
          </>
        ) : null}
      </SummaryRow>
      <SummaryRow label="Queued">{formatDateTime(m.createdAt)}</SummaryRow>
      {m.sendAfter && !m.sentAt ? (
        <SummaryRow label="Not before">{formatDateTime(m.sendAfter)}</SummaryRow>
      ) : null}
      {m.sentAt ? <SummaryRow label="Sent">{formatDateTime(m.sentAt)}</SummaryRow> : null}
      {m.templateVersion !== null ? (
        <SummaryRow label="Template version">{String(m.templateVersion)}</SummaryRow>
      ) : null}
      {m.printBatchId ? (
        <SummaryRow label="Print batch">
          <Link to={`/print-batches/${m.printBatchId}`}>View the print batch</Link>
        </SummaryRow>
      ) : null}
    </dl>
  );
}

/** One message: who it was for, how it went, and what it said as it was sent. */
export function MessagePage() {
  const { user } = useSignedInSession();
  const { id = '' } = useParams();
  const allowed = user.permissions.includes('Communication.read');
  const load = useLoad<MessageDetail>(id, (signal) => getMessage(id, signal), allowed);

  const message = load.status === 'loaded' ? load.data : null;
  const forbidden = !allowed || load.status === 'forbidden';
  const notFound = load.status === 'failed' && (load.httpStatus === 404 || load.httpStatus === 400);
  let title = message
    ? `${say(KIND_LABELS, message.kind)}: ${say(CHANNEL_LABELS, message.channel).toLowerCase()}`
    : 'Message';
  if (forbidden) title = 'You do not have access';
  else if (notFound) title = 'Message not found';
  usePageTitle(title);

  if (forbidden) return <NoAccess what="Seeing messages to patients" user={user} />;
  if (notFound) return <NotFound />;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink to="/messages">Back to messages to patients</BackLink>
        <PageHeading caption="Message">{title}</PageHeading>
        {load.status === 'loading' ? <Loading text="Loading the message…" /> : null}
        {load.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The message is not available</h2>
              <p className="nhsuk-card__description">
                The message could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {message ? (
          <>
            <MessageSummaryList m={message} />
            {message.hasLetter ? (
              <p className="nhsuk-body">
                {/* A plain link: the browser sends the session cookie and shows or saves the PDF. */}
                <a href={letterPdfUrl(message.id)}>View the letter (PDF)</a>
              </p>
            ) : null}
            <h2 className="nhsuk-heading-m">What it said</h2>
            {message.renderedBody === null ? (
              <p className="nhsuk-body">
                {message.status === 'queued' || message.status === 'sending'
                  ? 'The message has not been sent yet. Its words are shown here once it has.'
                  : 'The words of this message were not kept.'}
              </p>
            ) : (
              <div className="nhsuk-inset-text">
                <span className="nhsuk-u-visually-hidden">Message: </span>
                {message.renderedSubject ? (
                  <p className="nhsuk-body nhsuk-u-font-weight-bold">{message.renderedSubject}</p>
                ) : null}
                <p className="nhsuk-body app-message-text">{message.renderedBody}</p>
              </div>
            )}
          </>
        ) : null}
      </div>
    </div>
  );
}

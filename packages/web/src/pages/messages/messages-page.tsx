import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import {
  getMessages,
  type MessageChannel,
  type MessageList,
  type MessageSummary,
} from '../../api/communications';
import { CaptionedTable } from '../../components/captioned-table';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatCount } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import '../../styles/ptl.css';
import { formatNhsNumber, formatShortDate } from '../ptl/ptl-format';
import { PagedList } from '../../components/paged-list';
import {
  CHANNEL_LABELS,
  FORMAT_LABELS,
  KIND_LABELS,
  RECIPIENT_LABELS,
  STATUS_FILTERS,
  STATUS_FILTER_LABELS,
  STATUS_LABELS,
  STATUS_TAGS,
  say,
} from './message-format';

export const MESSAGE_PAGE_SIZE = 50;

const CHANNELS: MessageChannel[] = ['letter', 'sms', 'email'];

/** What the page shows, kept in the address: `?status=awaiting-print&channel=letter&page=2`. */
interface MessagesView {
  status: string;
  channel: MessageChannel | '';
  page: number;
}

function viewFromSearch(search: URLSearchParams): MessagesView {
  const status = search.get('status') ?? '';
  const channel = search.get('channel') ?? '';
  const page = Number(search.get('page'));
  return {
    status: (STATUS_FILTERS as readonly string[]).includes(status) ? status : '',
    channel: (CHANNELS as string[]).includes(channel) ? (channel as MessageChannel) : '',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

function searchFromView(view: MessagesView): string {
  const params = new URLSearchParams();
  if (view.status) params.set('status', view.status);
  if (view.channel) params.set('channel', view.channel);
  if (view.page > 1) params.set('page', String(view.page));
  const search = params.toString();
  return search ? `?${search}` : '';
}

function focusHeading(): void {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

function Filters({ view, onApply }: { view: MessagesView; onApply: (view: MessagesView) => void }) {
  const [status, setStatus] = useState(view.status);
  const [channel, setChannel] = useState<MessageChannel | ''>(view.channel);
  const [shownFor, setShownFor] = useState(`${view.status}:${view.channel}`);
  if (shownFor !== `${view.status}:${view.channel}`) {
    setShownFor(`${view.status}:${view.channel}`);
    setStatus(view.status);
    setChannel(view.channel);
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply({ status, channel, page: 1 });
  };
  return (
    <form method="get" action="/messages" onSubmit={submit} noValidate>
      <div className="app-ptl-filters">
        <div className="nhsuk-form-group app-ptl-filters__item">
          <label className="nhsuk-label" htmlFor="status">
            Status
          </label>
          <select
            className="nhsuk-select"
            id="status"
            name="status"
            value={status}
            onChange={(event) => setStatus(event.target.value)}
          >
            <option value="">Any status</option>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {STATUS_FILTER_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="nhsuk-form-group app-ptl-filters__item">
          <label className="nhsuk-label" htmlFor="channel">
            Sent as
          </label>
          <select
            className="nhsuk-select"
            id="channel"
            name="channel"
            value={channel}
            onChange={(event) => setChannel(event.target.value as MessageChannel | '')}
          >
            <option value="">Letters, text messages and emails</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="nhsuk-form-group app-ptl-filters__item">
          <button className="nhsuk-button nhsuk-button--secondary app-ptl-filters__button" type="submit">
            Apply
          </button>
        </div>
      </div>
    </form>
  );
}

function MessagesTable({ messages, caption }: { messages: MessageSummary[]; caption: string }) {
  return (
    <CaptionedTable
      captionId="messages-caption"
      caption={caption}
      columns={[
        { label: 'Date' },
        { label: 'Patient' },
        { label: 'About' },
        { label: 'Sent as' },
        { label: 'To' },
        { label: 'Status' },
      ]}
    >
      {messages.map((m) => (
        <tr className="nhsuk-table__row" key={m.id}>
          <td className="nhsuk-table__cell app-ptl-nowrap">{formatShortDate(m.sentAt ?? m.createdAt)}</td>
          <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
            <Link className="nhsuk-u-font-weight-bold" to={`/messages/${m.id}`}>
              {m.patient.name}
            </Link>
            <br />
            <span className="nhsuk-u-visually-hidden">NHS number: </span>
            <span className="app-ptl-nhs-number">{formatNhsNumber(m.patient.nhsNumber)}</span>
          </th>
          <td className="nhsuk-table__cell">{say(KIND_LABELS, m.kind)}</td>
          <td className="nhsuk-table__cell">
            {say(CHANNEL_LABELS, m.channel)}
            {m.format !== 'standard' ? (
              <>
                <br />
                <span className="nhsuk-u-secondary-text-colour">{say(FORMAT_LABELS, m.format)}</span>
              </>
            ) : null}
          </td>
          <td className="nhsuk-table__cell">{say(RECIPIENT_LABELS, m.recipient)}</td>
          <td className="nhsuk-table__cell">
            <strong className={`${STATUS_TAGS[m.status] ?? 'nhsuk-tag nhsuk-tag--grey'} app-ptl-tag`}>
              {say(STATUS_LABELS, m.status)}
            </strong>
          </td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

/** The outbox: letters, text messages and emails, queued, sent and failed, newest first. */
export function MessagesPage() {
  const { user } = useSignedInSession();
  const location = useLocation();
  const navigate = useNavigate();
  const allowed = user.permissions.includes('Communication.read');
  const view = viewFromSearch(new URLSearchParams(location.search));
  const offset = (view.page - 1) * MESSAGE_PAGE_SIZE;

  const list = useLoad<MessageList>(
    JSON.stringify(view),
    (signal) =>
      getMessages(
        {
          ...(view.status ? { status: view.status } : {}),
          ...(view.channel ? { channel: view.channel } : {}),
          limit: MESSAGE_PAGE_SIZE,
          offset,
        },
        signal,
      ),
    allowed,
  );

  const forbidden = !allowed || list.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Messages to patients');
  if (forbidden) return <NoAccess what="Seeing messages to patients" user={user} />;

  const pageLink = (page: number) => ({ pathname: '/messages', search: searchFromView({ ...view, page }) });
  const filtered = view.status || view.channel;
  const caption = filtered
    ? `Messages: ${[
        view.channel ? say(CHANNEL_LABELS, view.channel).toLowerCase() : '',
        view.status ? say(STATUS_FILTER_LABELS, view.status).toLowerCase() : '',
      ]
        .filter(Boolean)
        .join(', ')}`
    : 'Messages, newest first';

  let status = 'Loading messages…';
  if (list.status === 'failed') status = '';
  if (list.status === 'loaded') {
    const { total, messages } = list.data;
    status =
      total === 0
        ? filtered
          ? 'No messages match these filters.'
          : 'There are no messages yet.'
        : messages.length === 0
          ? ''
          : `Showing ${formatCount(offset + 1)} to ${formatCount(offset + messages.length)} of ${formatCount(total)} ${
              total === 1 ? 'message' : 'messages'
            }`;
  }

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <PageHeading>Messages to patients</PageHeading>
        <p className="nhsuk-body">
          Letters, text messages and emails to patients and their GPs, newest first. Open a message to see
          what it said.
        </p>
        {user.permissions.includes('Communication.write') ? (
          <p className="nhsuk-body">
            <Link to="/print-batches">Print and post letters</Link>
          </p>
        ) : null}
        <Filters
          view={view}
          onApply={(next) => void navigate({ pathname: '/messages', search: searchFromView(next) })}
        />
        <p className="nhsuk-body" role="status">
          {status}
        </p>
        <PagedList
          list={list}
          rowsOf={(d) => d.messages}
          noun="messages"
          heading="h2"
          page={view.page}
          pageSize={MESSAGE_PAGE_SIZE}
          pageLink={pageLink}
          onNavigate={focusHeading}
        >
          {(rows) => <MessagesTable messages={rows} caption={caption} />}
        </PagedList>
      </div>
    </div>
  );
}

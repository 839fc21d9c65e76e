import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { getMyMessages, markMessagesRead, type StaffMessages } from '../api/reports';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../format';
import { useSession } from '../session/session-context';

/** Messages shown on the home page. */
const SHOWN = 5;

/** Home: the messages Pathflow has sent the signed-in person (a service manager's weekly escalations). */
export function MyMessages() {
  const { expired } = useSession();
  const [round, setRound] = useState(0);
  const [failed, setFailed] = useState(false);
  const busy = useRef(false);
  const load = useLoad<StaffMessages>(`my-messages:${round}`, (signal) => getMyMessages(signal), true);
  if (load.status !== 'loaded' || load.data.messages.length === 0) return null;
  const { unread, messages } = load.data;

  const markAll = async () => {
    if (busy.current) return;
    busy.current = true;
    try {
      await markMessagesRead();
      setFailed(false);
      setRound((n) => n + 1);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      setFailed(true);
    } finally {
      busy.current = false;
    }
  };

  return (
    <section aria-labelledby="my-messages-heading">
      <h2 className="nhsuk-heading-m" id="my-messages-heading">
        Messages for you
      </h2>
      <p className="nhsuk-body">
        {unread === 0
          ? 'You have no unread messages.'
          : `You have ${unread} unread ${unread === 1 ? 'message' : 'messages'}.`}
      </p>
      {messages.slice(0, SHOWN).map((m) => {
        const [first, ...rest] = m.body.split('\n');
        const items = rest.filter((line) => line.startsWith('- ')).map((line) => line.slice(2));
        const after = rest.filter((line) => !line.startsWith('- '));
        return (
          <div className="nhsuk-card" key={m.id}>
            <div className="nhsuk-card__content">
              <h3 className="nhsuk-card__heading nhsuk-heading-s">
                {m.readAt === null ? <strong className="nhsuk-tag nhsuk-tag--blue">New</strong> : null}{' '}
                {m.subject}
              </h3>
              <p className="nhsuk-body-s nhsuk-u-secondary-text-colour">{formatDateTime(m.createdAt)}</p>
              <p className="nhsuk-body">{first}</p>
              {items.length > 0 ? (
                <ul className="nhsuk-list nhsuk-list--bullet">
                  {items.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              ) : null}
              {after.map((line) => (
                <p className="nhsuk-body" key={line}>
                  {line}
                </p>
              ))}
              {m.link ? (
                <p className="nhsuk-body">
                  <Link to={m.link}>Go to your work queue</Link>
                </p>
              ) : null}
            </div>
          </div>
        );
      })}
      {failed ? (
        <p className="nhsuk-error-message" role="alert">
          <span className="nhsuk-u-visually-hidden">Error:</span> Your messages could not be marked as read.
          Try again later.
        </p>
      ) : null}
      {unread > 0 ? (
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={() => void markAll()}>
          Mark all as read
        </button>
      ) : null}
    </section>
  );
}

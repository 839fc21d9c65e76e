import { Link } from 'react-router';
import {
  getStoredWeeklyPacks,
  storedPackUrl,
  thisWeeksPackUrl,
  type StoredWeeklyPack,
} from '../../api/reports';
import { CaptionedTable } from '../../components/captioned-table';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { UnavailableCard } from '../../components/unavailable-card';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSignedInSession } from '../../session/session-context';
import { formatLongDate } from '../referrals/referral-format';

/** Who produced a stored pack, in words. */
const producedBy = (p: StoredWeeklyPack) =>
  p.createdBy === 'weekly-pack' ? 'Every Monday at 7am' : p.createdBy;

function PacksTable({ packs }: { packs: StoredWeeklyPack[] }) {
  return (
    <CaptionedTable
      captionId="packs-caption"
      caption="Weekly packs, newest first"
      columns={[{ label: 'Week beginning' }, { label: 'Produced' }, { label: 'Download' }]}
    >
      {packs.map((p) => (
        <tr className="nhsuk-table__row" key={p.id}>
          <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
            {formatLongDate(p.weekStart)}
          </th>
          <td className="nhsuk-table__cell">
            {formatDateTime(p.createdAt)}
            <br />
            <span className="nhsuk-u-secondary-text-colour">{producedBy(p)}</span>
          </td>
          <td className="nhsuk-table__cell">
            <a href={storedPackUrl(p.id, 'xlsx')} download>
              Excel
              <span className="nhsuk-u-visually-hidden">, week beginning {formatLongDate(p.weekStart)}</span>
            </a>
            {' · '}
            <a href={storedPackUrl(p.id, 'pdf')} download>
              PDF
              <span className="nhsuk-u-visually-hidden">, week beginning {formatLongDate(p.weekStart)}</span>
            </a>
          </td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

/** The weekly waiting list pack: this week's now, and the packs kept each Monday. */
export function WeeklyPackPage() {
  const { user } = useSignedInSession();
  const allowed = user.permissions.includes('WaitingList.read');
  const list = useLoad<StoredWeeklyPack[]>('weekly-packs', (signal) => getStoredWeeklyPacks(signal), allowed);
  const forbidden = !allowed || list.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Weekly waiting list pack');
  if (forbidden) return <NoAccess what="The weekly waiting list pack" user={user} />;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <PageHeading>Weekly waiting list pack</PageHeading>
        <p className="nhsuk-body">
          The pack gives, for each specialty and the trust: how many patients are waiting, the share within 18
          weeks, long waits, the change since last week, the breach forecast, the top risks and clinics that
          are not fully booked. It names patients, so each download is recorded.
        </p>
        <p className="nhsuk-body">
          A pack is made every Monday at 7am. Specialties that need action are sent to their service managers
          as a task and a message.
        </p>
        <h2 className="nhsuk-heading-m">Download the pack as it is now</h2>
        <p className="nhsuk-body nhsuk-u-secondary-text-colour">It can take a few seconds to make.</p>
        <ul className="nhsuk-list">
          <li>
            <a href={thisWeeksPackUrl('xlsx')} download>
              Download as an Excel workbook
            </a>
          </li>
          <li>
            <a href={thisWeeksPackUrl('pdf')} download>
              Download a PDF summary with charts
            </a>
          </li>
        </ul>
        <h2 className="nhsuk-heading-m">Packs made each week</h2>
        {list.status === 'loading' ? <Loading text="Loading weekly packs…" /> : null}
        {list.status === 'failed' ? (
          <UnavailableCard
            heading="The weekly packs are not available"
            what="The weekly packs"
            detail={list.detail}
            level={3}
          />
        ) : null}
        {list.status === 'loaded' && list.data.length === 0 ? (
          <p className="nhsuk-body">No weekly pack has been made yet. The first is made on Monday at 7am.</p>
        ) : null}
        {list.status === 'loaded' && list.data.length > 0 ? <PacksTable packs={list.data} /> : null}
        <p className="nhsuk-body">
          <Link to="/forecast">See the breach forecast and potential breaches</Link>
        </p>
      </div>
    </div>
  );
}

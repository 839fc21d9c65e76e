import { getImports, type ImportHistoryItem } from '../../api/referrals';
import { Loading } from '../../components/loading';
import { useLoad } from '../../components/use-load';
import { formatCount, formatDateTime } from '../../format';

const HOW_MANY = 10;

function Outcome({ item }: { item: ImportHistoryItem }) {
  if (item.outcome === 'imported') return <strong className="nhsuk-tag nhsuk-tag--green">Imported</strong>;
  return (
    <>
      <strong className="nhsuk-tag nhsuk-tag--grey">Not imported</strong>
      {item.problems > 0 ? (
        <>
          <br />
          <span className="nhsuk-u-secondary-text-colour">
            {formatCount(item.problems)} {item.problems === 1 ? 'problem' : 'problems'}
          </span>
        </>
      ) : null}
    </>
  );
}

/** The organisation's latest imports, newest first. `version` changes after each import, to fetch again. */
export function RecentImports({ version }: { version: number }) {
  const load = useLoad(`imports:${version}`, (signal) => getImports(HOW_MANY, signal), true);
  if (load.status === 'forbidden') return null;
  return (
    <section aria-labelledby="recent-imports-heading">
      <h2 className="nhsuk-heading-m" id="recent-imports-heading">
        Recent imports
      </h2>
      {load.status === 'loading' ? <Loading text="Loading recent imports…" /> : null}
      {load.status === 'failed' ? (
        <p className="nhsuk-body">
          Recent imports could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
        </p>
      ) : null}
      {load.status === 'loaded' && load.data.length === 0 ? (
        <p className="nhsuk-body">No files have been imported yet.</p>
      ) : null}
      {load.status === 'loaded' && load.data.length > 0 ? (
        <div className="nhsuk-table-container">
          <table className="nhsuk-table" aria-labelledby="recent-imports-heading">
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th className="nhsuk-table__header" scope="col">
                  File
                </th>
                <th className="nhsuk-table__header nhsuk-table__header--numeric" scope="col">
                  Rows
                </th>
                <th className="nhsuk-table__header" scope="col">
                  Outcome
                </th>
                <th className="nhsuk-table__header" scope="col">
                  When
                </th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {load.data.map((item) => (
                <tr className="nhsuk-table__row" key={item.id}>
                  <th
                    className="nhsuk-table__header nhsuk-u-font-weight-normal nhsuk-u-text-break-word"
                    scope="row"
                  >
                    {item.fileName}
                  </th>
                  <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{formatCount(item.rows)}</td>
                  <td className="nhsuk-table__cell">
                    <Outcome item={item} />
                  </td>
                  <td className="nhsuk-table__cell">{formatDateTime(item.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

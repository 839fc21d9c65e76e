import type { SessionUser } from '@pathflow/core';

/** Who is signed in, in which role and for which organisation. */
export function AccountSummary({ user }: { user: SessionUser }) {
  const rows: [string, string][] = [
    ['Role', user.roleLabel],
    ['Organisation', user.organisation.name],
    ['ODS code', user.organisation.odsCode],
  ];
  return (
    <>
      <p className="nhsuk-body-l">Signed in as {user.displayName}</p>
      <dl className="nhsuk-summary-list">
        {rows.map(([key, value]) => (
          <div className="nhsuk-summary-list__row" key={key}>
            <dt className="nhsuk-summary-list__key">{key}</dt>
            <dd className="nhsuk-summary-list__value">{value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

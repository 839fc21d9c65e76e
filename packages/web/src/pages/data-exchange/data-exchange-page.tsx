import { useCallback, useState } from 'react';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { usePageTitle } from '../../components/use-page-title';
import { useSignedInSession } from '../../session/session-context';
import type { ExportKind } from './exchange-api';
import { ExportSection } from './export-section';
import { ImportSection, type ImportKind } from './import-section';

type Part = 'import' | ExportKind;

/**
 * Import and export: for booking team leaders and clerks moving data in and out of Pathflow. Import an e-RS
 * worklist or another system's PTL extract (checked first, then every row or none); download the PTL, the
 * appointments and the activity of a date range. The error summary lists what each part needs put right.
 */
export function DataExchangePage() {
  const { user } = useSignedInSession();
  const can = (p: (typeof user.permissions)[number]) => user.permissions.includes(p);
  const kinds: ImportKind[] = [];
  if (can('Patient.write') && can('Pathway.write')) kinds.push('ptl-extract');
  if (can('Referral.write')) kinds.push('ers-worklist');
  const canReadWaitingList = can('WaitingList.read');
  const canReadAppointments = can('Appointment.read');
  if (kinds.length === 0 && !canReadWaitingList && !canReadAppointments) {
    return <NoAccess what="Importing and exporting data" user={user} />;
  }
  return (
    <DataExchange
      kinds={kinds}
      canReadWaitingList={canReadWaitingList}
      canReadAppointments={canReadAppointments}
    />
  );
}

function DataExchange({
  kinds,
  canReadWaitingList,
  canReadAppointments,
}: {
  kinds: readonly ImportKind[];
  canReadWaitingList: boolean;
  canReadAppointments: boolean;
}) {
  const [errors, setErrors] = useState<Record<Part, { items: ErrorSummaryItem[]; attempt: number }>>({
    import: { items: [], attempt: 0 },
    appointments: { items: [], attempt: 0 },
    activity: { items: [], attempt: 0 },
  });
  const [latest, setLatest] = useState<{ part: Part; attempt: number }>({ part: 'import', attempt: 0 });
  const report = useCallback((part: Part, items: ErrorSummaryItem[], attempt: number) => {
    setErrors((all) => ({ ...all, [part]: { items, attempt } }));
    if (items.length > 0) setLatest({ part, attempt });
  }, []);
  const items = [...errors.import.items, ...errors.appointments.items, ...errors.activity.items];
  usePageTitle('Import and export', { error: items.length > 0 });

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {/* A new key after each failed attempt shows the summary afresh, and focuses it. */}
        {items.length > 0 ? <ErrorSummary key={`${latest.part}:${latest.attempt}`} items={items} /> : null}
        <PageHeading>Import and export</PageHeading>
        <p className="nhsuk-body-l">
          Bring referrals and waiting lists into Pathflow from other systems, and download lists to use
          elsewhere.
        </p>
        {kinds.length > 0 ? (
          <ImportSection kinds={kinds} onErrors={(found, attempt) => report('import', found, attempt)} />
        ) : null}
        {canReadWaitingList || canReadAppointments ? (
          <ExportSection
            canReadWaitingList={canReadWaitingList}
            canReadAppointments={canReadAppointments}
            onErrors={report}
          />
        ) : null}
      </div>
    </div>
  );
}

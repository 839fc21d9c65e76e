import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import {
  addPolicyVersion,
  getAccessPolicy,
  type AccessPolicySettings,
  type AccessPolicyVersionView,
  type AccessPolicyView,
} from '../../api/access-policy';
import { CaptionedTable } from '../../components/captioned-table';
import {
  DateInput,
  dateFieldId,
  datePartsOf,
  isoFromParts,
  type DateParts,
} from '../../components/date-input';
import { ErrorSummary, type ErrorSummaryItem } from '../../components/error-summary';
import { ShortInput } from '../../components/form-fields';
import { Loading } from '../../components/loading';
import { NoAccess } from '../../components/no-access';
import { NotificationBanner } from '../../components/notification-banner';
import { PageHeading } from '../../components/page-heading';
import { SummaryRow } from '../../components/summary-row';
import { Textarea } from '../../components/textarea';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { formatDateTime } from '../../format';
import { useSession, useSignedInSession } from '../../session/session-context';
import { addDays, exampleDate } from '../clinics/clinic-format';
import { formatLongDate } from '../referrals/referral-format';
import {
  NUMBER_SETTINGS,
  SECTION_HEADINGS,
  sectionRows,
  settingId,
  settingValue,
  type SettingWords,
} from './policy-format';

const DATE_ID = 'effectiveFrom';

interface Errors {
  summary: ErrorSummaryItem[];
  fields: Record<string, string>;
}

function withSummary(fields: Record<string, string>, other: string[] = []): Errors | null {
  const summary: ErrorSummaryItem[] = Object.entries(fields).map(([fieldId, text]) => ({ text, fieldId }));
  summary.push(...other.map((text) => ({ text })));
  return summary.length > 0 ? { summary, fields } : null;
}

const SECTIONS = Object.keys(SECTION_HEADINGS) as (keyof AccessPolicySettings)[];

function Settings({ settings }: { settings: AccessPolicySettings }) {
  return (
    <>
      {SECTIONS.map((section) => (
        <section key={section} aria-labelledby={`section-${section}`}>
          <h3 className="nhsuk-heading-s" id={`section-${section}`}>
            {SECTION_HEADINGS[section]}
          </h3>
          <dl className="nhsuk-summary-list">
            {sectionRows(settings, section).map(([label, value]) => (
              <SummaryRow key={label} label={label}>
                {value}
              </SummaryRow>
            ))}
          </dl>
        </section>
      ))}
    </>
  );
}

/** What changed in a version, against the one before it (or the national defaults). */
function changes(version: AccessPolicyVersionView, before: AccessPolicySettings): string[] {
  return NUMBER_SETTINGS.filter((s) => settingValue(version.settings, s) !== settingValue(before, s)).map(
    (s) => `${s.label}: ${String(settingValue(version.settings, s))}`,
  );
}

function VersionsTable({ policy }: { policy: AccessPolicyView }) {
  const { versions } = policy;
  return (
    <CaptionedTable
      captionId="versions-caption"
      caption="Versions of the policy, latest first"
      columns={[{ label: 'In force from' }, { label: 'What changed' }, { label: 'Why' }, { label: 'Added' }]}
    >
      {versions.map((v, k) => {
        const before = versions[k + 1]?.settings ?? policy.defaults;
        const changed = changes(v, before);
        return (
          <tr className="nhsuk-table__row" key={v.id}>
            <th className="nhsuk-table__header nhsuk-u-font-weight-normal" scope="row">
              {formatLongDate(v.effectiveFrom)}
              {v.id === policy.inForce.versionId ? (
                <>
                  <br />
                  <strong className="nhsuk-tag nhsuk-tag--green">In force</strong>
                </>
              ) : v.effectiveFrom > policy.asOf ? (
                <>
                  <br />
                  <strong className="nhsuk-tag nhsuk-tag--blue">Coming</strong>
                </>
              ) : null}
            </th>
            <td className="nhsuk-table__cell">
              {changed.length === 0
                ? 'Nothing that is shown here'
                : changed.map((c) => <div key={c}>{c}</div>)}
            </td>
            <td className="nhsuk-table__cell">{v.note ?? 'Not given'}</td>
            <td className="nhsuk-table__cell">{formatDateTime(v.createdAt)}</td>
          </tr>
        );
      })}
    </CaptionedTable>
  );
}

interface FormProps {
  policy: AccessPolicyView;
  errors: Errors | null;
  onErrors: (errors: Errors | null) => void;
  onAdded: (version: AccessPolicyVersionView) => void;
}

/** "Change the policy": the date it takes effect, the whole-number settings (as they are now) and a note. */
function ChangeForm({ policy, errors, onErrors, onAdded }: FormProps) {
  const { expired } = useSession();
  const busy = useRef(false);
  const current = policy.inForce.settings;
  const [date, setDate] = useState<DateParts>(datePartsOf(addDays(policy.asOf, 1)));
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(NUMBER_SETTINGS.map((s) => [settingId(s), String(settingValue(current, s))])),
  );
  const [note, setNote] = useState('');
  const fields = errors?.fields ?? {};
  const byPath = (path: string): SettingWords | undefined =>
    NUMBER_SETTINGS.find((s) => path === `/body/settings/${s.section}/${s.field}`);

  const fromServer = (err: ApiError): Errors => {
    const found: Record<string, string> = {};
    const other: string[] = [];
    for (const e of err.errors) {
      const setting = byPath(e.field);
      if (setting) {
        found[settingId(setting)] ??= `${setting.label} ${e.message}`;
      } else if (e.field === '/body/effectiveFrom') {
        found[dateFieldId(DATE_ID)] ??= e.message;
      } else if (e.field === '/body/note') {
        found.note ??= e.message;
      } else other.push(e.message);
    }
    return withSummary(found, other) ?? { summary: [{ text: err.detail || err.title }], fields: {} };
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy.current) return;
    const found: Record<string, string> = {};
    const effectiveFrom = isoFromParts(date);
    if (!effectiveFrom)
      found[dateFieldId(DATE_ID)] =
        'Enter the date the change takes effect, like ' + exampleDate(addDays(policy.asOf, 7));
    else if (effectiveFrom < policy.asOf)
      found[dateFieldId(DATE_ID)] = 'The date the change takes effect must be today or in the future';
    const patch: Record<string, Record<string, number>> = {};
    for (const s of NUMBER_SETTINGS) {
      const text = (values[settingId(s)] ?? '').trim();
      if (!/^\d{1,4}$/.test(text)) {
        found[settingId(s)] = `Enter ${s.label.toLowerCase()} as a whole number`;
        continue;
      }
      const n = Number(text);
      if (n !== settingValue(current, s)) (patch[s.section] ??= {})[s.field] = n;
    }
    if (note.length > 500) found.note = 'Why the policy is changing must be 500 characters or fewer';
    if (Object.keys(found).length === 0 && Object.keys(patch).length === 0) {
      return onErrors({ summary: [{ text: 'Change at least one setting' }], fields: {} });
    }
    const invalid = withSummary(found);
    if (invalid || !effectiveFrom) return onErrors(invalid);
    busy.current = true;
    try {
      const version = await addPolicyVersion({
        effectiveFrom,
        settings: patch,
        note: note.trim() || null,
      });
      onErrors(null);
      onAdded(version);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      if (err instanceof ApiError && err.status === 409) {
        return onErrors(
          withSummary({
            [dateFieldId(DATE_ID)]:
              'A version of the policy already starts on this date. Choose another date',
          }),
        );
      }
      if (err instanceof ApiError && (err.status === 400 || err.status === 422))
        return onErrors(fromServer(err));
      const detail = err instanceof ApiError ? err.detail || err.title : '';
      onErrors({
        summary: [
          {
            text: `The policy has not been changed. ${detail || 'There is a problem with the service.'} Try again later.`,
          },
        ],
        fields: {},
      });
    } finally {
      busy.current = false;
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="change-heading">
      <h2 className="nhsuk-heading-m" id="change-heading">
        Change the policy
      </h2>
      <p className="nhsuk-body">
        Change the settings that your trust sets. The rest stay as they are. Some settings cannot be made less
        strict than the national rules.
      </p>
      <DateInput
        id={DATE_ID}
        legend="When does the change take effect?"
        hint={`For example, ${exampleDate(addDays(policy.asOf, 7))}`}
        value={date}
        onChange={setDate}
        error={fields[dateFieldId(DATE_ID)]}
      />
      {SECTIONS.filter((section) => NUMBER_SETTINGS.some((s) => s.section === section)).map((section) => (
        <fieldset className="nhsuk-fieldset" key={section}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
            {SECTION_HEADINGS[section]}
          </legend>
          {NUMBER_SETTINGS.filter((s) => s.section === section).map((s) => (
            <ShortInput
              key={settingId(s)}
              id={settingId(s)}
              label={s.unit === 'count' ? s.label : `${s.label} (${s.unit})`}
              {...(s.hint ? { hint: s.hint } : {})}
              value={values[settingId(s)] ?? ''}
              onChange={(value) => setValues((v) => ({ ...v, [settingId(s)]: value }))}
              error={fields[settingId(s)]}
              width={3}
              numeric
            />
          ))}
        </fieldset>
      ))}
      <Textarea
        id="note"
        label="Why is the policy changing? (optional)"
        hint="For example, the board agreed it on 12 January."
        value={note}
        onChange={setNote}
        error={fields.note}
        rows={3}
      />
      <button className="nhsuk-button" type="submit">
        Save the change
      </button>
    </form>
  );
}

/** The access policy: the settings in force today, every version, and (for service managers) a change. */
export function AccessPolicyPage() {
  const { user } = useSignedInSession();
  const allowed = user.permissions.includes('Organization.read');
  const canChange = user.permissions.includes('AccessPolicy.write');
  const [version, setVersion] = useState(0);
  const [added, setAdded] = useState<AccessPolicyVersionView | null>(null);
  const [errors, setErrors] = useState<Errors | null>(null);
  const [attempt, setAttempt] = useState(0);

  const load = useLoad<AccessPolicyView>(`policy:${version}`, (signal) => getAccessPolicy(signal), allowed);
  const forbidden = !allowed || load.status === 'forbidden';
  usePageTitle(forbidden ? 'You do not have access' : 'Access policy', { error: errors !== null });
  if (forbidden) return <NoAccess what="Seeing the access policy" user={user} />;
  const policy = load.status === 'loaded' ? load.data : null;

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
        {added && !errors ? (
          <NotificationBanner success focusOnShow title="Success" heading="The policy has been changed">
            <p className="nhsuk-body">
              {added.effectiveFrom <= (policy?.asOf ?? '')
                ? 'The change is in force from today.'
                : `The change takes effect on ${formatLongDate(added.effectiveFrom)}.`}
            </p>
          </NotificationBanner>
        ) : null}
        <PageHeading>Access policy</PageHeading>
        <p className="nhsuk-body">
          The settings your trust uses for the national elective access policy: notice, invitations, missed
          appointments and cancellations.
        </p>
        {load.status === 'loading' ? <Loading text="Loading the access policy…" /> : null}
        {load.status === 'failed' ? (
          <div className="nhsuk-card nhsuk-card--warning">
            <div className="nhsuk-card__content">
              <h2 className="nhsuk-card__heading">The access policy is not available</h2>
              <p className="nhsuk-card__description">
                The access policy could not be loaded. {load.detail ? `${load.detail} ` : ''}Try again later.
              </p>
            </div>
          </div>
        ) : null}
        {policy ? (
          <>
            <h2 className="nhsuk-heading-m">Settings in force today</h2>
            <p className="nhsuk-body">
              {policy.inForce.effectiveFrom
                ? `These settings have been in force since ${formatLongDate(policy.inForce.effectiveFrom)}.`
                : 'These are the national defaults: your trust has not changed them.'}
            </p>
            <Settings settings={policy.inForce.settings} />
            <h2 className="nhsuk-heading-m">Version history</h2>
            {policy.versions.length === 0 ? (
              <p className="nhsuk-body">The policy has not been changed.</p>
            ) : (
              <VersionsTable policy={policy} />
            )}
            {canChange ? (
              <ChangeForm
                key={`${policy.inForce.versionId ?? 'defaults'}:${policy.versions.length}`}
                policy={policy}
                errors={errors}
                onErrors={(next) => {
                  setErrors(next);
                  if (next) setAttempt((n) => n + 1);
                }}
                onAdded={(v) => {
                  setAdded(v);
                  setVersion((n) => n + 1);
                }}
              />
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}

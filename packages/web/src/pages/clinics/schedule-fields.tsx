/**
 * The schedule part of "Set up a clinic" and "Change this clinic": dates, how often, and the sessions with
 * their slot rows and a preview of the slots each session will have.
 */
import type { ReactNode } from 'react';
import { SLOT_TYPES, type RecurrenceKind } from '@pathflow/core';
import { CaptionedTable } from '../../components/captioned-table';
import { DateInput, dateFieldId } from '../../components/date-input';
import { FieldsetGroup, Radios, Select, ShortInput } from '../../components/form-fields';
import {
  MAX_SESSIONS,
  WEEKS_OF_MONTH_CHOICES,
  ids,
  isSlotType,
  newKey,
  newRow,
  newSession,
  previewSession,
  type LayoutRow,
  type ScheduleDraft,
  type SessionDraft,
} from './template-draft';
import { WEEKDAY_LABELS, slotTypeLabel, wallClockLabel } from './clinic-format';
import './clinic-forms.css';

const KIND_LABELS: Record<RecurrenceKind, string> = {
  weekly: 'Every week',
  'every-n-weeks': 'Every few weeks',
  'weeks-of-month': 'On particular weeks of the month',
};
const WEEK_LABELS: Record<string, string> = {
  1: '1st week',
  2: '2nd week',
  3: '3rd week',
  4: '4th week',
  5: '5th week (not every month has one)',
  last: 'Last week',
};

function SlotRowFields({
  i,
  row,
  r,
  errors,
  onChange,
  onRemove,
}: {
  i: number;
  row: LayoutRow;
  r: number;
  errors: Record<string, string>;
  onChange: (row: LayoutRow) => void;
  onRemove: (() => void) | null;
}) {
  const typeId = ids.row(i, r, 'slotType');
  const numberInput = (key: 'gap' | 'count' | 'minutes' | 'capacity', label: string) => (
    <ShortInput
      id={ids.row(i, r, key)}
      label={label}
      value={row[key]}
      onChange={(value) => onChange({ ...row, [key]: value })}
      error={errors[ids.row(i, r, key)]}
      width={3}
      numeric
    />
  );
  return (
    <fieldset className="nhsuk-fieldset app-slot-row">
      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
        Slot row {r + 1}
        <span className="nhsuk-u-visually-hidden"> of session {i + 1}</span>
      </legend>
      <div className="app-slot-row__fields">
        {numberInput('gap', r === 0 ? 'Minutes after the session starts' : 'Break before, in minutes')}
        {numberInput('count', 'Number of slots')}
        {numberInput('minutes', 'Minutes each')}
        <Select
          id={typeId}
          label="Type"
          value={row.slotType}
          onChange={(value) => {
            if (isSlotType(value)) onChange({ ...row, slotType: value });
          }}
          error={errors[typeId]}
          options={SLOT_TYPES.map((t) => ({ value: t, label: slotTypeLabel(t) }))}
        />
        {numberInput('capacity', 'Patients in each slot')}
      </div>
      {onRemove ? (
        <button
          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small app-slot-row__remove"
          type="button"
          onClick={onRemove}
        >
          Remove slot row {r + 1}
          <span className="nhsuk-u-visually-hidden"> of session {i + 1}</span>
        </button>
      ) : null}
    </fieldset>
  );
}

function SlotPreview({ session, i }: { session: SessionDraft; i: number }) {
  const slots = previewSession(session);
  const captionId = `sessions-${i}-preview`;
  if (!slots) {
    return (
      <p className="nhsuk-body-s">
        The slots are shown here once the start time and every slot row are filled in.
      </p>
    );
  }
  const first = slots[0];
  const last = slots.at(-1);
  const caption =
    first && last
      ? `Session ${i + 1} will have ${slots.length} ${slots.length === 1 ? 'slot' : 'slots'}, from ${wallClockLabel(first.start)} to ${wallClockLabel(last.end)}`
      : `Session ${i + 1} has no slots`;
  return (
    <CaptionedTable
      captionId={captionId}
      caption={caption}
      columns={[
        { label: 'Slot' },
        { label: 'Time' },
        { label: 'Type' },
        { label: 'Patients', numeric: true },
      ]}
    >
      {slots.map((s, j) => (
        <tr className="nhsuk-table__row" key={j}>
          <td className="nhsuk-table__cell">{j + 1}</td>
          <td className="nhsuk-table__cell">
            {wallClockLabel(s.start)} to {wallClockLabel(s.end)}
          </td>
          <td className="nhsuk-table__cell">{slotTypeLabel(s.slotType)}</td>
          <td className="nhsuk-table__cell nhsuk-table__cell--numeric">{s.capacity}</td>
        </tr>
      ))}
    </CaptionedTable>
  );
}

function SessionFields({
  session,
  i,
  errors,
  onChange,
  onRemove,
}: {
  session: SessionDraft;
  i: number;
  errors: Record<string, string>;
  onChange: (session: SessionDraft) => void;
  onRemove: (() => void) | null;
}) {
  const weekdayId = ids.session(i, 'weekday');
  const setRow = (r: number, row: LayoutRow) =>
    onChange({ ...session, rows: session.rows.map((x, k) => (k === r ? row : x)) });
  return (
    <fieldset className="nhsuk-fieldset app-session">
      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
        <h3 className="nhsuk-fieldset__heading">Session {i + 1}</h3>
      </legend>
      <Select
        id={weekdayId}
        label="Day of the week"
        value={session.weekday}
        onChange={(weekday) => onChange({ ...session, weekday })}
        error={errors[weekdayId]}
        options={Object.entries(WEEKDAY_LABELS).map(([n, label]) => ({ value: n, label }))}
      />
      <div className="app-slot-row__fields">
        <ShortInput
          id={ids.session(i, 'start')}
          label="Start time"
          hint="24-hour clock, like 09:00"
          value={session.start}
          onChange={(start) => onChange({ ...session, start })}
          error={errors[ids.session(i, 'start')]}
          width={5}
        />
        <ShortInput
          id={ids.session(i, 'end')}
          label="End time"
          hint="24-hour clock, like 12:30"
          value={session.end}
          onChange={(end) => onChange({ ...session, end })}
          error={errors[ids.session(i, 'end')]}
          width={5}
        />
      </div>
      <h4 className="nhsuk-heading-s">Slots</h4>
      <p className="nhsuk-body-s">
        Each row adds slots one after another. The first row starts at the session start unless you give a
        number of minutes; later rows follow straight on, after any break you give.
      </p>
      {session.rows.map((row, r) => (
        <SlotRowFields
          key={row.key}
          i={i}
          row={row}
          r={r}
          errors={errors}
          onChange={(next) => setRow(r, next)}
          onRemove={
            session.rows.length > 1
              ? () => onChange({ ...session, rows: session.rows.filter((_, k) => k !== r) })
              : null
          }
        />
      ))}
      <button
        className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
        type="button"
        onClick={() => {
          const last = session.rows.at(-1);
          onChange({
            ...session,
            rows: [
              ...session.rows,
              newRow(last ? { minutes: last.minutes, slotType: last.slotType, capacity: last.capacity } : {}),
            ],
          });
        }}
      >
        Add a slot row<span className="nhsuk-u-visually-hidden"> to session {i + 1}</span>
      </button>
      <SlotPreview session={session} i={i} />
      {onRemove ? (
        <button className="nhsuk-button nhsuk-button--warning" type="button" onClick={onRemove}>
          Remove session {i + 1}
        </button>
      ) : null}
    </fieldset>
  );
}

interface ScheduleFieldsProps {
  draft: ScheduleDraft;
  onChange: (draft: ScheduleDraft) => void;
  errors: Record<string, string>;
  firstDateLegend: string;
  firstDateHint: string;
}

/** Dates, how often, and the sessions. */
export function ScheduleFields({
  draft,
  onChange,
  errors,
  firstDateLegend,
  firstDateHint,
}: ScheduleFieldsProps) {
  const set = <K extends keyof ScheduleDraft>(key: K, value: ScheduleDraft[K]) =>
    onChange({ ...draft, [key]: value });
  const extra: Partial<Record<RecurrenceKind, ReactNode>> = {
    'every-n-weeks': (
      <>
        <ShortInput
          id={ids.n}
          label="How many weeks apart"
          hint="For example, 2 for every other week"
          value={draft.n}
          onChange={(n) => set('n', n)}
          error={errors[ids.n]}
          width={2}
          numeric
        />
        <DateInput
          id={ids.anchorDate}
          legend="A date in a week the clinic runs (optional)"
          hint="Weeks are counted from this date's week. Leave blank to count from the first date."
          value={draft.anchorDate}
          onChange={(d) => set('anchorDate', d)}
          error={errors[dateFieldId(ids.anchorDate)]}
        />
      </>
    ),
    'weeks-of-month': (
      <FieldsetGroup id={ids.weeks} legend="Which weeks of the month" error={errors[ids.weeks]}>
        <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
          {WEEKS_OF_MONTH_CHOICES.map((w, k) => {
            const id = k === 0 ? ids.weeks : `${ids.weeks}-${w}`;
            return (
              <div className="nhsuk-checkboxes__item" key={w}>
                <input
                  className="nhsuk-checkboxes__input"
                  id={id}
                  name="weeks"
                  type="checkbox"
                  value={w}
                  checked={draft.weeks.includes(w)}
                  onChange={(event) =>
                    set(
                      'weeks',
                      event.target.checked ? [...draft.weeks, w] : draft.weeks.filter((x) => x !== w),
                    )
                  }
                />
                <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
                  {WEEK_LABELS[w]}
                </label>
              </div>
            );
          })}
        </div>
      </FieldsetGroup>
    ),
  };

  return (
    <>
      <DateInput
        id={ids.effectiveFrom}
        legend={firstDateLegend}
        hint={firstDateHint}
        value={draft.effectiveFrom}
        onChange={(d) => set('effectiveFrom', d)}
        error={errors[dateFieldId(ids.effectiveFrom)]}
      />
      <DateInput
        id={ids.effectiveTo}
        legend="Last date (optional)"
        hint="Leave blank if the clinic carries on with no end date."
        value={draft.effectiveTo}
        onChange={(d) => set('effectiveTo', d)}
        error={errors[dateFieldId(ids.effectiveTo)]}
      />
      <FieldsetGroup
        id={ids.recurrence}
        legend="How often does the clinic run?"
        error={errors[ids.recurrence]}
      >
        <Radios
          name="recurrence"
          value={draft.kind}
          onChange={(kind) => set('kind', kind)}
          options={(Object.keys(KIND_LABELS) as RecurrenceKind[]).map((kind) => {
            const more = extra[kind];
            return {
              value: kind,
              label: KIND_LABELS[kind],
              ...(more ? { conditional: { id: `conditional-${kind}`, content: more } } : {}),
            };
          })}
        />
      </FieldsetGroup>

      <h2 className="nhsuk-heading-m">Sessions</h2>
      {draft.sessions.map((session, i) => (
        <SessionFields
          key={session.key}
          session={session}
          i={i}
          errors={errors}
          onChange={(next) =>
            set(
              'sessions',
              draft.sessions.map((s, k) => (k === i ? next : s)),
            )
          }
          onRemove={
            draft.sessions.length > 1
              ? () =>
                  set(
                    'sessions',
                    draft.sessions.filter((_, k) => k !== i),
                  )
              : null
          }
        />
      ))}
      {draft.sessions.length < MAX_SESSIONS ? (
        <button
          className="nhsuk-button nhsuk-button--secondary"
          type="button"
          onClick={() => {
            const last = draft.sessions.at(-1);
            set('sessions', [
              ...draft.sessions,
              newSession(
                last
                  ? {
                      weekday: String((Number(last.weekday) % 7) + 1),
                      start: last.start,
                      end: last.end,
                      rows: last.rows.map((row) => ({ ...row, key: newKey() })),
                    }
                  : {},
              ),
            ]);
          }}
        >
          Add another session
        </button>
      ) : null}
    </>
  );
}

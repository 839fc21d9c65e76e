import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { SavedView } from '@pathflow/core';
import { ApiError } from '../../api/client';
import { deleteSavedView, getSavedViews, saveView } from '../../api/ptl';
import { ErrorSummary } from '../../components/error-summary';
import { TextInput } from '../../components/text-input';
import { useLoad } from '../../components/use-load';
import { queryFromView, searchFromView, viewFromQuery, type PtlView } from './ptl-view';

const NAME_ID = 'view-name';
const NAME_MAX = 60;

/** What happened last, announced in the status line under the heading. */
type Outcome = { kind: 'saved' | 'deleted'; name: string } | null;

/**
 * The signed-in user's own saved views of the list: open one (its filters and sort go in the address), delete
 * one (`SavedViewList`, above the filters), or save the view shown now under a name (`SaveViewForm`, below the
 * list). The page holds the state both share.
 */
export function useSavedViews(view: PtlView, enabled: boolean) {
  const [version, setVersion] = useState(0);
  const views = useLoad<SavedView[]>(`saved-views-${version}`, getSavedViews, enabled);
  const [name, setName] = useState('');
  const [error, setError] = useState<{ text: string; attempt: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [failure, setFailure] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);

  const fail = (text: string) => setError((e) => ({ text, attempt: (e?.attempt ?? 0) + 1 }));

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return fail('Enter a name for this view');
    if (trimmed.length > NAME_MAX) return fail(`Name must be ${NAME_MAX} characters or fewer`);
    setBusy(true);
    setFailure('');
    try {
      const saved = await saveView(trimmed, queryFromView(view));
      setError(null);
      setName('');
      setOutcome({ kind: 'saved', name: saved.name });
      setVersion((v) => v + 1);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.status === 400)) {
        fail(err.fieldError('name') ?? err.fieldError('query') ?? err.detail);
      } else {
        fail(err instanceof ApiError && err.detail ? err.detail : 'The view could not be saved. Try again.');
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async (saved: SavedView) => {
    setFailure('');
    try {
      await deleteSavedView(saved.id);
      setOutcome({ kind: 'deleted', name: saved.name });
      setVersion((v) => v + 1);
      // The button has gone: focus the section's heading, so keyboard users are not lost.
      headingRef.current?.focus();
    } catch (err) {
      setFailure(
        err instanceof ApiError && err.detail
          ? err.detail
          : `The view ${saved.name} could not be deleted. Try again.`,
      );
    }
  };

  return { views, name, setName, error, busy, outcome, failure, headingRef, save, remove };
}

export type SavedViews = ReturnType<typeof useSavedViews>;

export function SavedViewList({ saved }: { saved: SavedViews }) {
  const { views, outcome, failure, headingRef, remove } = saved;
  let list = <p className="nhsuk-body">Loading your saved views…</p>;
  if (views.status === 'failed' || views.status === 'forbidden') {
    list = <p className="nhsuk-body">Your saved views could not be loaded. Try again later.</p>;
  }
  if (views.status === 'loaded') {
    list =
      views.data.length === 0 ? (
        <p className="nhsuk-body">You have no saved views.</p>
      ) : (
        <ul className="nhsuk-list app-ptl-views">
          {views.data.map((v) => {
            const opened = viewFromQuery(v.query);
            return (
              <li className="app-ptl-views__item" key={v.id}>
                {opened ? (
                  <Link to={{ pathname: '/ptl', search: searchFromView(opened) }}>{v.name}</Link>
                ) : (
                  <span>
                    {v.name}{' '}
                    <span className="nhsuk-u-secondary-text-colour">(this page cannot show its filters)</span>
                  </span>
                )}
                <button
                  type="button"
                  className="nhsuk-button nhsuk-button--secondary nhsuk-button--small app-ptl-views__delete"
                  onClick={() => void remove(v)}
                >
                  Delete<span className="nhsuk-u-visually-hidden"> view {v.name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      );
  }

  return (
    <section aria-labelledby="saved-views-heading" className="app-ptl-saved">
      <h2 className="nhsuk-heading-s" id="saved-views-heading" ref={headingRef} tabIndex={-1}>
        Your saved views
      </h2>
      <p className="nhsuk-body" aria-live="polite" data-testid="saved-views-outcome">
        {outcome ? `View ${outcome.kind === 'saved' ? 'saved' : 'deleted'}: ${outcome.name}` : ''}
        {failure}
      </p>
      {list}
    </section>
  );
}

export function SaveViewForm({ saved }: { saved: SavedViews }) {
  const { name, setName, error, busy, save } = saved;
  return (
    <form onSubmit={(event) => void save(event)} noValidate aria-labelledby="save-view-heading">
      {error ? <ErrorSummary key={error.attempt} items={[{ text: error.text, fieldId: NAME_ID }]} /> : null}
      <h2 className="nhsuk-heading-s" id="save-view-heading">
        Save this view
      </h2>
      <div className="app-ptl-filters">
        <div className="app-ptl-filters__item">
          <TextInput
            id={NAME_ID}
            name="name"
            label="Name for this view"
            hint="Saves the filters and sort order shown now, for you only. It will be listed under Your saved views."
            value={name}
            onChange={setName}
            error={error?.text}
            width={30}
            autoComplete="off"
          />
        </div>
        <div className="nhsuk-form-group app-ptl-filters__item">
          <button
            className="nhsuk-button nhsuk-button--secondary app-ptl-filters__button"
            type="submit"
            disabled={busy}
          >
            Save this view
          </button>
        </div>
      </div>
    </form>
  );
}

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import type { AuthProviders, SignInRequest } from '@pathflow/core';
import { ApiError } from '../api/client';
import { getAuthProviders, signIn } from '../api/endpoints';
import { ErrorSummary, type ErrorSummaryItem } from '../components/error-summary';
import { Loading } from '../components/loading';
import { PageHeading } from '../components/page-heading';
import type { SignInRedirect } from '../components/require-session';
import { usePageTitle } from '../components/use-page-title';
import { useSession } from '../session/session-context';
import { SignInNotice } from './sign-in-notice';
import { SignInFields, type SignInField, type SignInValues } from './sign-in-fields';

interface FormErrors {
  summary: ErrorSummaryItem[];
  fields: Partial<Record<SignInField, string>>;
}

const ODS_CODE = /^[A-Za-z0-9]{3,10}$/;

/** What the person must fix before we ask the server. */
function validate(values: SignInValues): FormErrors | null {
  const fields: FormErrors['fields'] = {};
  if (values.username.trim() === '') fields.username = 'Enter your username';
  if (values.password === '') fields.password = 'Enter your password';
  const organisation = values.organisation.trim();
  if (organisation !== '' && !ODS_CODE.test(organisation)) {
    fields.organisation = 'ODS code must be 3 to 10 letters or numbers, like RR8';
  }
  return withSummary(fields);
}

function withSummary(fields: FormErrors['fields']): FormErrors | null {
  const order: SignInField[] = ['username', 'password', 'organisation'];
  const summary = order.flatMap((field) => {
    const text = fields[field];
    return text ? [{ text, fieldId: field }] : [];
  });
  return summary.length > 0 ? { summary, fields } : null;
}

/** Plain-English messages for the server's field errors, which are written for developers. */
const FIELD_FALLBACK: Record<SignInField, string> = {
  username: 'Enter your username',
  password: 'Enter your password',
  organisation: 'Enter the ODS code of your organisation',
};

function errorsFromServer(err: unknown): FormErrors {
  if (!(err instanceof ApiError)) {
    return {
      summary: [{ text: 'Sorry, there is a problem with the service. Try again later.' }],
      fields: {},
    };
  }
  switch (err.code) {
    case 'sign_in_failed':
      return { summary: [{ text: err.detail, fieldId: 'username' }], fields: {} };
    case 'validation_failed': {
      const fields: FormErrors['fields'] = {};
      for (const field of ['username', 'password', 'organisation'] as const) {
        const message = err.fieldError(field);
        if (message) fields[field] = field === 'organisation' ? message : FIELD_FALLBACK[field];
      }
      return withSummary(fields) ?? { summary: [{ text: err.detail }], fields: {} };
    }
    default:
      // Locked out, too many attempts, no connection, or a fault on our side: the server's detail says what to do.
      return { summary: [{ text: err.detail || err.title }], fields: {} };
  }
}

const SSO_FAILED: FormErrors = {
  summary: [
    {
      text: 'Single sign-on did not work. Your account may not be set up in Pathflow: ask an administrator, or sign in with your username and password.',
    },
  ],
  fields: {},
};

/** Only paths inside this app, and never back to the sign-in page itself. */
function returnPath(state: unknown): string {
  const from = (state as SignInRedirect | null)?.from;
  if (
    typeof from !== 'string' ||
    !from.startsWith('/') ||
    from.startsWith('//') ||
    from.startsWith('/sign-in')
  ) {
    return '/';
  }
  return from;
}

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [values, setValues] = useState<SignInValues>({ username: '', password: '', organisation: '' });
  const [showOrganisation, setShowOrganisation] = useState(false);
  // Single sign-on sends people back here with ?sso=failed when the provider or our account lookup refused them.
  const [errors, setErrors] = useState<FormErrors | null>(() =>
    new URLSearchParams(location.search).get('sso') === 'failed' ? SSO_FAILED : null,
  );
  const [attempt, setAttempt] = useState(0);
  const [providers, setProviders] = useState<AuthProviders | null>(null);
  const submitting = useRef(false);
  usePageTitle('Sign in', { error: errors !== null });

  useEffect(() => {
    const controller = new AbortController();
    getAuthProviders(controller.signal)
      .then(setProviders)
      .catch(() => {
        // Without the list we still offer password sign-in, which is always there.
      });
    return () => controller.abort();
  }, []);

  if (session.state.status === 'loading') return <Loading />;
  if (session.state.status === 'signed-in') return <Navigate to={returnPath(location.state)} replace />;
  const signedOutReason = session.state.reason;

  const fail = (next: FormErrors) => {
    setErrors(next);
    setAttempt((n) => n + 1);
    if (next.fields.organisation) setShowOrganisation(true);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting.current) return;
    const invalid = validate(values);
    if (invalid) return fail(invalid);
    const body: SignInRequest = { username: values.username.trim(), password: values.password };
    const organisation = values.organisation.trim();
    if (organisation) body.organisation = organisation.toUpperCase();
    submitting.current = true;
    try {
      const info = await signIn(body);
      session.signedIn(info);
      void navigate(returnPath(location.state), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'sign_in_failed')
        setValues((v) => ({ ...v, password: '' }));
      fail(errorsFromServer(err));
    } finally {
      submitting.current = false;
    }
  };

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
        {!errors && signedOutReason ? <SignInNotice reason={signedOutReason} /> : null}
        <PageHeading>Sign in</PageHeading>
        {providers?.password === false ? null : (
          <form onSubmit={(event) => void submit(event)} noValidate>
            <SignInFields
              values={values}
              errors={errors?.fields ?? {}}
              onChange={(field, value) => setValues((v) => ({ ...v, [field]: value }))}
              showOrganisation={showOrganisation}
              onToggleOrganisation={setShowOrganisation}
            />
            <button className="nhsuk-button" type="submit">
              Sign in
            </button>
          </form>
        )}
        {providers?.oidc ? (
          <>
            {providers.password ? (
              <p className="nhsuk-body">Or use your organisation&apos;s account.</p>
            ) : null}
            <a className="nhsuk-button nhsuk-button--secondary" href={providers.oidc.loginUrl}>
              {providers.oidc.label}
            </a>
          </>
        ) : null}
      </div>
    </div>
  );
}

import { useEffect, useRef, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useSession } from '../session/session-context';
import { ErrorSummary } from './error-summary';
import { Footer } from './footer';
import { Header } from './header';
import { SessionTimeout } from './session-timeout';
import { SkipLink } from './skip-link';

const MAIN_ID = 'maincontent';

/** Moves focus to the new page's h1 after each client-side navigation, so screen readers announce it. */
function useFocusHeadingOnNavigation(): void {
  const { pathname } = useLocation();
  const previous = useRef(pathname);
  useEffect(() => {
    // Not on the first page load: the browser starts at the top of the page, as people expect.
    if (previous.current === pathname) return;
    previous.current = pathname;
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [pathname]);
}

/** The NHS.UK page template: skip link, header, main content and footer around every page. */
export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  useFocusHeadingOnNavigation();

  const signOut = () => {
    setSigningOut(true);
    setSignOutError(null);
    session
      .signOut()
      .then(() => navigate('/sign-in', { replace: true }))
      .catch((err: unknown) => {
        const detail = err instanceof ApiError ? err.detail || err.title : 'Something went wrong.';
        setSignOutError(`You have not been signed out. ${detail} Try again.`);
      })
      .finally(() => setSigningOut(false));
  };

  const signedIn = session.state.status === 'signed-in' ? session.state.session : null;
  return (
    <>
      <SkipLink targetId={MAIN_ID} />
      <Header session={signedIn} onSignOut={signOut} signingOut={signingOut} />
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper" id={MAIN_ID} tabIndex={-1}>
          {signOutError && signedIn ? <ErrorSummary items={[{ text: signOutError }]} /> : null}
          <Outlet />
        </main>
      </div>
      <Footer />
      {signedIn ? <SessionTimeout session={signedIn} /> : null}
    </>
  );
}

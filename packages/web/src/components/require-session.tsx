import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../session/session-context';
import { Loading } from './loading';

/** What the sign-in page is told when it is shown instead of a page that needs a session. */
export interface SignInRedirect {
  /** Where to go back to after signing in. */
  from?: string;
}

/** Renders its child routes for a signed-in member of staff, or sends them to sign in first. */
export function RequireSession() {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'signed-out') {
    // After "Sign out" nobody wants to come back here; after an expired session or a bookmark they do.
    const redirect: SignInRedirect =
      state.reason === 'signed-out' ? {} : { from: `${location.pathname}${location.search}` };
    return <Navigate to="/sign-in" replace state={redirect} />;
  }
  return <Outlet />;
}

import { NotificationBanner } from '../components/notification-banner';
import type { SignedOutReason } from '../session/session-context';

/** Tells the person why they are on the sign-in page, when they did not come here on their own. */
export function SignInNotice({ reason }: { reason: NonNullable<SignedOutReason> }) {
  if (reason === 'signed-out')
    return <NotificationBanner success title="Success" heading="You have signed out" />;
  return (
    <NotificationBanner title="Important" heading="You have been signed out">
      <p className="nhsuk-body">
        For your security, sessions end after a time without use. Sign in again to continue.
      </p>
    </NotificationBanner>
  );
}

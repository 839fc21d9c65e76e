import { useEffect, useRef, type ReactNode } from 'react';

interface NotificationBannerProps {
  title: string;
  heading: string;
  children?: ReactNode;
  /** Success banners are announced straight away (role alert); others are a labelled region. */
  success?: boolean;
  /**
   * Takes focus when it appears, as NHS.UK frontend does for a success banner: for the result of an action
   * whose button has gone from the page.
   */
  focusOnShow?: boolean;
}

/** NHS.UK notification banner, e.g. "You have signed out". */
export function NotificationBanner({
  title,
  heading,
  children,
  success = false,
  focusOnShow = false,
}: NotificationBannerProps) {
  const titleId = success ? 'notification-banner-success-title' : 'notification-banner-title';
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusOnShow) ref.current?.focus();
  }, [focusOnShow]);
  return (
    <div
      ref={ref}
      tabIndex={focusOnShow ? -1 : undefined}
      className={
        success ? 'nhsuk-notification-banner nhsuk-notification-banner--success' : 'nhsuk-notification-banner'
      }
      role={success ? 'alert' : 'region'}
      aria-labelledby={titleId}
    >
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id={titleId}>
          {title}
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{heading}</p>
        {children}
      </div>
    </div>
  );
}

import type { ReactNode } from 'react';

interface NotificationBannerProps {
  title: string;
  heading: string;
  children?: ReactNode;
  /** Success banners are announced straight away (role alert); others are a labelled region. */
  success?: boolean;
}

/** NHS.UK notification banner, e.g. "You have signed out". */
export function NotificationBanner({ title, heading, children, success = false }: NotificationBannerProps) {
  const titleId = success ? 'notification-banner-success-title' : 'notification-banner-title';
  return (
    <div
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

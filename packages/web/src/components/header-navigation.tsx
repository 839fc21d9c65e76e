import { Link, useLocation } from 'react-router';
import type { SessionInfo } from '@pathflow/core';

type Permission = SessionInfo['user']['permissions'][number];

interface NavItem {
  label: string;
  to: string;
  /** Shown when the user has any of these. */
  anyOf: readonly Permission[];
  /** Other addresses that belong to this section (e.g. a clinic's booking pages under Clinics). */
  also?: readonly string[];
}

/** The sections of the app, each shown only to roles that can use it (the same permissions as the home page). */
export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Waiting list', to: '/ptl', anyOf: ['WaitingList.read'], also: ['/pathways'] },
  { label: 'Referrals', to: '/referrals', anyOf: ['Referral.read'] },
  {
    label: 'Clinics',
    to: '/clinics',
    anyOf: ['Clinic.read'],
    also: ['/clinic-changes', '/slots', '/allocation'],
  },
  { label: 'Reception', to: '/reception', anyOf: ['Appointment.write'] },
  { label: 'Work queues', to: '/tasks', anyOf: ['Task.read'] },
  { label: 'Messages', to: '/messages', anyOf: ['Communication.read'], also: ['/print-batches'] },
  { label: 'Dashboards', to: '/dashboard', anyOf: ['WaitingList.read', 'Clinic.read'] },
];

function inSection(pathname: string, item: NavItem): boolean {
  return [item.to, ...(item.also ?? [])].some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

/**
 * The NHS.UK header's navigation: the sections this user's role can use, the current one marked with
 * `aria-current`. The list wraps on narrow screens (app.css) rather than using the design system's script-driven
 * "More" menu, which moves list items around the DOM that React owns.
 */
export function HeaderNavigation({ permissions }: { permissions: readonly Permission[] }) {
  const { pathname } = useLocation();
  const items = NAV_ITEMS.filter((item) => item.anyOf.some((p) => permissions.includes(p)));
  if (items.length === 0) return null;
  return (
    <nav className="nhsuk-header__navigation app-header-navigation" aria-label="Menu">
      <div className="nhsuk-header__navigation-container nhsuk-width-container">
        <ul className="nhsuk-header__navigation-list">
          {items.map((item) => {
            const current = inSection(pathname, item);
            return (
              <li
                key={item.to}
                className={
                  current
                    ? 'nhsuk-header__navigation-item nhsuk-header__navigation-item--current'
                    : 'nhsuk-header__navigation-item'
                }
              >
                <Link
                  className="nhsuk-header__navigation-link"
                  to={item.to}
                  aria-current={current ? 'page' : undefined}
                >
                  {current ? (
                    <strong className="nhsuk-header__navigation-item-current-fallback">{item.label}</strong>
                  ) : (
                    item.label
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
    </nav>
  );
}

import type { FormEvent } from 'react';
import { Link } from 'react-router';
import type { SessionInfo } from '@pathflow/core';
import { HeaderNavigation } from './header-navigation';
import { NhsLogo, UserIcon } from './nhs-logo';
import { SERVICE_NAME } from './use-page-title';

interface HeaderProps {
  /** Null before sign-in: the header then shows the service name only. */
  session: SessionInfo | null;
  onSignOut: () => void;
  signingOut: boolean;
}

/**
 * NHS.UK header: the NHS logo, the organisation's name once signed in, the service name, the account menu and
 * the navigation to the sections the user's role can use.
 */
export function Header({ session, onSignOut, signingOut }: HeaderProps) {
  const organisation = session?.user.organisation.name;
  const homeLabel = ['NHS', organisation, SERVICE_NAME, 'homepage'].filter(Boolean).join(' ');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSignOut();
  };
  return (
    <header className={organisation ? 'nhsuk-header nhsuk-header--organisation' : 'nhsuk-header'}>
      <div className="nhsuk-header__container nhsuk-width-container">
        <div className="nhsuk-header__service">
          <Link className="nhsuk-header__service-logo" to="/" aria-label={homeLabel}>
            <NhsLogo />
            {organisation ? <span className="nhsuk-header__organisation-name">{organisation}</span> : null}
            <span className="nhsuk-header__service-name">{SERVICE_NAME}</span>
          </Link>
        </div>
        {session ? (
          <nav className="nhsuk-header__account" aria-label="Account">
            <ul className="nhsuk-header__account-list">
              <li className="nhsuk-header__account-item">
                <UserIcon />
                <span>
                  {session.user.displayName}
                  <span className="nhsuk-u-visually-hidden">, {session.user.roleLabel}</span>
                </span>
              </li>
              <li className="nhsuk-header__account-item">
                <form className="nhsuk-header__account-form" onSubmit={submit} noValidate>
                  <button className="nhsuk-header__account-button" type="submit" disabled={signingOut}>
                    Sign out
                  </button>
                </form>
              </li>
            </ul>
          </nav>
        ) : null}
      </div>
      {session ? <HeaderNavigation permissions={session.user.permissions} /> : null}
    </header>
  );
}

import { TextInput } from '../components/text-input';

export type SignInField = 'username' | 'password' | 'organisation';
export type SignInValues = Record<SignInField, string>;

interface SignInFieldsProps {
  values: SignInValues;
  errors: Partial<Record<SignInField, string>>;
  onChange: (field: SignInField, value: string) => void;
  /** The organisation field sits in a details element, opened by the person or when the server asks for it. */
  showOrganisation: boolean;
  onToggleOrganisation: (open: boolean) => void;
}

export function SignInFields({
  values,
  errors,
  onChange,
  showOrganisation,
  onToggleOrganisation,
}: SignInFieldsProps) {
  return (
    <>
      <TextInput
        id="username"
        name="username"
        label="Username"
        value={values.username}
        onChange={(value) => onChange('username', value)}
        error={errors.username}
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        width={20}
      />
      <TextInput
        id="password"
        name="password"
        type="password"
        label="Password"
        value={values.password}
        onChange={(value) => onChange('password', value)}
        error={errors.password}
        autoComplete="current-password"
        width={20}
      />
      <details
        className="nhsuk-details"
        open={showOrganisation}
        onToggle={(event) => onToggleOrganisation(event.currentTarget.open)}
      >
        <summary className="nhsuk-details__summary">
          <span className="nhsuk-details__summary-text">Working for more than one organisation?</span>
        </summary>
        <div className="nhsuk-details__text">
          <p>
            If you have the same username in more than one organisation, enter the ODS code of the one you are
            working for now.
          </p>
          <TextInput
            id="organisation"
            name="organisation"
            label="Organisation ODS code"
            hint="For example, RR8"
            value={values.organisation}
            onChange={(value) => onChange('organisation', value)}
            error={errors.organisation}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            width={10}
          />
        </div>
      </details>
    </>
  );
}

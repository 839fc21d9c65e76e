import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { SpecialtyWaiting } from '@pathflow/core';
import { ApiError } from '../../api/client';
import { getSpecialties } from '../../api/endpoints';
import { createClinic, getClinicians, getLocations, type Clinician, type Location } from '../../api/clinics';
import { BackLink } from '../../components/back-link';
import { ErrorSummary } from '../../components/error-summary';
import { FieldsetGroup, Radios, Select } from '../../components/form-fields';
import { NoAccess } from '../../components/no-access';
import { PageHeading } from '../../components/page-heading';
import { TextInput } from '../../components/text-input';
import { useLoad } from '../../components/use-load';
import { usePageTitle } from '../../components/use-page-title';
import { useSession, useSignedInSession } from '../../session/session-context';
import { problemOf, useFormErrors } from './form-errors';
import { ScheduleFields } from './schedule-fields';
import {
  addError,
  buildSchedule,
  emptySchedule,
  errorsFromServer,
  noErrors,
  type ScheduleDraft,
} from './template-draft';

/** What the clinic page shows after a clinic is set up (router state). */
export interface ClinicCreatedState {
  created: { slotsCreated: number };
}

type Owner = '' | 'clinician' | 'service';

interface Details {
  name: string;
  specialtyCode: string;
  owner: Owner;
  clinicianId: string;
  serviceName: string;
  locationId: string;
}

const PAGE_FIELDS: Record<string, string> = {
  '/body/name': 'name',
  '/body/specialtyCode': 'specialtyCode',
  '/body/clinicianId': 'clinicianId',
  '/body/serviceName': 'serviceName',
  '/body/locationId': 'locationId',
};

/** "Set up a clinic": who runs it, where, and its schedule; its slots are made when it is saved. */
export function NewClinicPage() {
  const { user } = useSignedInSession();
  const { expired } = useSession();
  const navigate = useNavigate();
  const allowed = user.permissions.includes('Clinic.write') && user.permissions.includes('Organization.read');

  const [details, setDetails] = useState<Details>({
    name: '',
    specialtyCode: '',
    owner: '',
    clinicianId: '',
    serviceName: '',
    locationId: '',
  });
  const [schedule, setSchedule] = useState<ScheduleDraft>(emptySchedule);
  const { errors, attempt, fail } = useFormErrors();
  const submitting = useRef(false);

  const specialties = useLoad<SpecialtyWaiting[]>(
    'specialties',
    (signal) => getSpecialties(signal).then((l) => l.specialties),
    allowed && user.permissions.includes('WaitingList.read'),
  );
  const clinicians = useLoad<Clinician[]>(
    `clinicians:${details.specialtyCode}`,
    (signal) => getClinicians(details.specialtyCode, signal),
    allowed && details.specialtyCode !== '',
  );
  const locations = useLoad<Location[]>('locations', (signal) => getLocations(signal), allowed);

  usePageTitle(allowed ? 'Set up a clinic' : 'You do not have access', { error: errors !== null });
  if (!allowed || locations.status === 'forbidden') return <NoAccess what="Setting up clinics" user={user} />;

  const set = <K extends keyof Details>(key: K, value: Details[K]) =>
    setDetails((d) => ({ ...d, [key]: value }));
  const fields = errors?.fields ?? {};

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting.current) return;
    const found = noErrors();
    if (!details.name.trim()) addError(found, 'name', 'Enter the name of the clinic');
    if (!details.specialtyCode.trim()) addError(found, 'specialtyCode', 'Select the specialty');
    if (details.owner === '') addError(found, 'owner', 'Select who runs the clinic');
    if (details.owner === 'clinician' && !details.clinicianId)
      addError(found, 'clinicianId', 'Select the consultant');
    if (details.owner === 'service' && !details.serviceName.trim())
      addError(found, 'serviceName', 'Enter the name of the service');
    if (!details.locationId) addError(found, 'locationId', 'Select the location');
    const built = buildSchedule(schedule, found);
    if (!built || found.summary.length > 0) return fail(found);
    submitting.current = true;
    try {
      const created = await createClinic({
        name: details.name.trim(),
        clinicianId: details.owner === 'clinician' ? details.clinicianId : null,
        serviceName: details.owner === 'service' ? details.serviceName.trim() : null,
        locationId: details.locationId,
        specialtyCode: details.specialtyCode.trim(),
        ...built.fields,
      });
      const state: ClinicCreatedState = { created: { slotsCreated: created.slotsCreated } };
      void navigate(`/clinics/${created.id}`, { state });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return expired();
      fail(
        errorsFromServer(
          problemOf(err),
          built.rowOf,
          (field) => PAGE_FIELDS[field] ?? null,
          'The clinic has not been set up.',
        ),
      );
    } finally {
      submitting.current = false;
    }
  };

  const specialtyOptions =
    specialties.status === 'loaded'
      ? specialties.data.map((s) => ({ value: s.code, label: `${s.name} (${s.code})` }))
      : [];
  const clinicianOptions =
    clinicians.status === 'loaded'
      ? clinicians.data.map((c) => ({ value: c.id, label: `${c.name}, ${c.grade}` }))
      : [];
  const locationOptions =
    locations.status === 'loaded'
      ? locations.data.map((l) => ({ value: l.id, label: `${l.name}, ${l.site}` }))
      : [];
  let clinicianHint: string | undefined;
  if (details.specialtyCode === '') clinicianHint = 'Select the specialty first to see its consultants';
  else if (clinicians.status === 'loaded' && clinicianOptions.length === 0)
    clinicianHint = 'There are no consultants in this specialty';

  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink to="/clinics">Back to clinics</BackLink>
        {errors ? <ErrorSummary key={attempt} items={errors.summary} /> : null}
        <PageHeading>Set up a clinic</PageHeading>
        <p>
          The clinic&apos;s slots for the next 26 weeks are made when you save it. You can change the clinic
          later.
        </p>
        <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="clinic-details-heading">
          <h2 className="nhsuk-heading-m" id="clinic-details-heading">
            Clinic details
          </h2>
          <TextInput
            id="name"
            name="name"
            label="Clinic name"
            hint="For example, Ms Surgeon knee clinic"
            value={details.name}
            onChange={(value) => set('name', value)}
            error={fields.name}
            width={30}
          />
          {specialties.status === 'loaded' ? (
            <Select
              id="specialtyCode"
              label="Specialty"
              value={details.specialtyCode}
              onChange={(value) => setDetails((d) => ({ ...d, specialtyCode: value, clinicianId: '' }))}
              error={fields.specialtyCode}
              options={specialtyOptions}
              placeholder="Select a specialty"
            />
          ) : (
            <TextInput
              id="specialtyCode"
              name="specialtyCode"
              label="Specialty code"
              hint="The 3-digit treatment function code, like 110"
              value={details.specialtyCode}
              onChange={(value) => setDetails((d) => ({ ...d, specialtyCode: value, clinicianId: '' }))}
              error={fields.specialtyCode}
              width={10}
              inputMode="numeric"
            />
          )}
          <FieldsetGroup id="owner" legend="Who runs the clinic?" error={fields.owner}>
            <Radios
              name="owner"
              value={details.owner}
              onChange={(owner) => set('owner', owner)}
              options={[
                {
                  value: 'clinician',
                  label: 'A consultant',
                  conditional: {
                    id: 'conditional-owner-clinician',
                    content: (
                      <Select
                        id="clinicianId"
                        label="Consultant"
                        {...(clinicianHint ? { hint: clinicianHint } : {})}
                        value={details.clinicianId}
                        onChange={(value) => set('clinicianId', value)}
                        error={fields.clinicianId}
                        options={clinicianOptions}
                        placeholder="Select a consultant"
                      />
                    ),
                  },
                },
                {
                  value: 'service',
                  label: 'A service, such as a nurse-led clinic',
                  conditional: {
                    id: 'conditional-owner-service',
                    content: (
                      <TextInput
                        id="serviceName"
                        name="serviceName"
                        label="Name of the service"
                        value={details.serviceName}
                        onChange={(value) => set('serviceName', value)}
                        error={fields.serviceName}
                        width={30}
                      />
                    ),
                  },
                },
              ]}
            />
          </FieldsetGroup>
          <Select
            id="locationId"
            label="Location"
            {...(locations.status === 'loaded' && locationOptions.length === 0
              ? { hint: 'There are no locations yet. Ask your administrator to add one.' }
              : {})}
            value={details.locationId}
            onChange={(value) => set('locationId', value)}
            error={fields.locationId}
            options={locationOptions}
            placeholder={locations.status === 'loading' ? 'Loading the locations…' : 'Select a location'}
          />

          <h2 className="nhsuk-heading-m">When the clinic runs</h2>
          <ScheduleFields
            draft={schedule}
            onChange={setSchedule}
            errors={fields}
            firstDateLegend="First date"
            firstDateHint="The first day the clinic can run. For example, 30 11 2026"
          />
          <button className="nhsuk-button" type="submit">
            Save the clinic and make its slots
          </button>
        </form>
      </div>
    </div>
  );
}

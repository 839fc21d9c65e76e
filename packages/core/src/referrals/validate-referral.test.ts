import { describe, it, expect } from 'vitest';
import { validateReferral, referralRttSource, REFERRAL_FIELD_LABELS } from './validate-referral';
import { REFERRAL_FIELDS, type ReferralContext, type ReferralError, type ReferralInput } from './types';

const context: ReferralContext = {
  today: '2025-06-30',
  specialtyCodes: new Set(['100', '101', '110', '120', '330', '502']),
  selfReferralSpecialties: new Set(['110']),
};

const gpPaper: ReferralInput = {
  nhsNumber: '943 476 5919',
  source: 'gp-paper',
  receivedDate: '2025-01-06',
  specialtyCode: '110',
  priority: 'routine',
  referrerName: 'Dr A Patel',
  referrerOrgCode: 'a81001',
};

function errorsOf(input: ReferralInput, ctx: ReferralContext = context): ReferralError[] {
  const result = validateReferral(input, ctx);
  return result.ok ? [] : result.errors;
}

describe('validateReferral: a valid referral is normalised', () => {
  it('GP paper referral: NHS number without spaces, ODS code in capitals, pending triage, S1 clock start', () => {
    expect(validateReferral(gpPaper, context)).toEqual({
      ok: true,
      referral: {
        nhsNumber: '9434765919',
        source: 'gp-paper',
        ubrn: null,
        ersConversionDate: null,
        asiWorklistDate: null,
        receivedDate: '2025-01-06',
        originalClockStart: null,
        specialtyCode: '110',
        priority: 'routine',
        referrerName: 'Dr A Patel',
        referrerOrgCode: 'A81001',
        triage: { kind: 'pending' },
        clockStart: '2025-01-06',
        clockStartRule: 'S1',
      },
    });
  });

  it('trims text and accepts numbers from a JSON body', () => {
    const result = validateReferral(
      {
        ...gpPaper,
        nhsNumber: 9434765919 as unknown as string,
        specialtyCode: ' 110 ',
        referrerName: '  Dr A Patel ',
      },
      context,
    );
    expect(result.ok && result.referral).toMatchObject({
      nhsNumber: '9434765919',
      specialtyCode: '110',
      referrerName: 'Dr A Patel',
    });
  });
});

describe('validateReferral: the clock start of each source (§1.3, via rttClockStart)', () => {
  it.each<{ id: string; input: ReferralInput; start: string; rule: string; receivedDate: string }>([
    {
      id: 'EX-RTT-01 (S1) GP paper referral: the date received',
      input: gpPaper,
      start: '2025-01-06',
      rule: 'S1',
      receivedDate: '2025-01-06',
    },
    {
      id: 'EX-RTT-02 (S3) e-RS: the UBRN conversion date (no received date: defaults to the start)',
      input: {
        ...gpPaper,
        source: 'e-rs',
        ubrn: '0000 0007 0000',
        ersConversionDate: '2025-01-10',
        receivedDate: null,
      },
      start: '2025-01-10',
      rule: 'S3',
      receivedDate: '2025-01-10',
    },
    {
      id: 'EX-RTT-03 (S3) e-RS, no slots: the ASI worklist date, not the later received date',
      input: {
        ...gpPaper,
        source: 'e-rs',
        ubrn: '000000070001',
        ersConversionDate: '2025-03-03',
        asiWorklistDate: '2025-03-03',
        receivedDate: '2025-03-20',
      },
      start: '2025-03-03',
      rule: 'S3',
      receivedDate: '2025-03-20',
    },
    {
      id: 'S3 e-RS with only the ASI worklist date',
      input: {
        ...gpPaper,
        source: 'e-rs',
        ubrn: '000000070002',
        asiWorklistDate: '2025-03-05',
        receivedDate: null,
      },
      start: '2025-03-05',
      rule: 'S3',
      receivedDate: '2025-03-05',
    },
    {
      id: 'EX-RTT-05 (S7) inter-provider transfer: the original clock start from the IPTAMDS',
      input: {
        ...gpPaper,
        source: 'inter-provider-transfer',
        originalClockStart: '2025-01-02',
        receivedDate: '2025-01-28',
      },
      start: '2025-01-02',
      rule: 'S7',
      receivedDate: '2025-01-28',
    },
    {
      id: 'EX-RTT-04 (S2) interface service: the date it received the GP referral',
      input: {
        ...gpPaper,
        source: 'interface-service',
        originalClockStart: '2025-01-02',
        receivedDate: '2025-01-28',
      },
      start: '2025-01-02',
      rule: 'S2',
      receivedDate: '2025-01-28',
    },
    {
      id: 'S5 interface service sending on by e-RS: not the UBRN conversion date',
      input: {
        ...gpPaper,
        source: 'interface-service',
        originalClockStart: '2025-01-02',
        ubrn: '000000070003',
        ersConversionDate: '2025-02-01',
        receivedDate: '2025-02-01',
      },
      start: '2025-01-02',
      rule: 'S5',
      receivedDate: '2025-02-01',
    },
    {
      id: 'S6 self-referral to a specialty that takes them: the date received',
      input: { ...gpPaper, source: 'self-referral', referrerName: null, referrerOrgCode: null },
      start: '2025-01-06',
      rule: 'S6',
      receivedDate: '2025-01-06',
    },
    {
      id: 'S1 consultant to consultant: the date received',
      input: { ...gpPaper, source: 'consultant-to-consultant', receivedDate: '2025-02-10' },
      start: '2025-02-10',
      rule: 'S1',
      receivedDate: '2025-02-10',
    },
    {
      id: 'S1 other care professional (optometrist): the date received',
      input: { ...gpPaper, source: 'other-professional', receivedDate: '2025-02-11' },
      start: '2025-02-11',
      rule: 'S1',
      receivedDate: '2025-02-11',
    },
  ])('$id', ({ input, start, rule, receivedDate }) => {
    const result = validateReferral(input, context);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.referral).toMatchObject({
      clockStart: start,
      clockStartRule: rule,
      receivedDate,
    });
  });

  it('referralRttSource refuses to guess a missing date', () => {
    expect(() => referralRttSource({ source: 'gp-paper' })).toThrow(RangeError);
    expect(() =>
      referralRttSource({ source: 'inter-provider-transfer', receivedDate: '2025-01-28' }),
    ).toThrow(/original clock start/);
  });
});

describe('validateReferral: every rule, every problem', () => {
  it.each<{ rule: string; input: ReferralInput; errors: ReferralError[]; ctx?: ReferralContext }>([
    // Required fields, all reported at once.
    {
      rule: 'an empty referral reports every required field',
      input: {},
      errors: [
        { field: 'nhsNumber', message: 'Enter an NHS number' },
        { field: 'source', message: 'Enter a referral source' },
        { field: 'receivedDate', message: 'Enter a received date' },
        { field: 'specialtyCode', message: 'Enter a specialty code' },
        { field: 'priority', message: 'Enter a priority' },
        { field: 'referrerName', message: 'Enter the referrer' },
      ],
    },
    {
      rule: 'blank strings count as missing',
      input: { ...gpPaper, nhsNumber: '  ', referrerName: '' },
      errors: [
        { field: 'nhsNumber', message: 'Enter an NHS number' },
        { field: 'referrerName', message: 'Enter the referrer' },
      ],
    },
    // NHS number (§4).
    {
      rule: 'EX-NHS-10 NHS number of 9 digits',
      input: { ...gpPaper, nhsNumber: '943476591' },
      errors: [{ field: 'nhsNumber', message: 'NHS number must be 10 digits' }],
    },
    {
      rule: 'EX-NHS-03 NHS number check digit',
      input: { ...gpPaper, nhsNumber: '9434765918' },
      errors: [{ field: 'nhsNumber', message: 'NHS number is not valid (check digit does not match)' }],
    },
    {
      rule: 'EX-NHS-11 NHS number of identical digits',
      input: { ...gpPaper, nhsNumber: '0000000000' },
      errors: [{ field: 'nhsNumber', message: 'NHS number is not valid (all 10 digits are the same)' }],
    },
    // Source.
    {
      rule: 'an unknown source',
      input: { ...gpPaper, source: 'fax' as never },
      errors: [
        {
          field: 'source',
          message:
            'Referral source must be GP paper, e-RS, consultant to consultant, self-referral, inter-provider transfer, other professional or interface service',
        },
      ],
    },
    // UBRN.
    {
      rule: 'e-RS needs a UBRN and a conversion or ASI date',
      input: { ...gpPaper, source: 'e-rs', receivedDate: null },
      errors: [
        { field: 'ubrn', message: 'Enter the UBRN for an e-RS referral' },
        {
          field: 'ersConversionDate',
          message: 'Enter the UBRN conversion date or the ASI worklist date for an e-RS referral',
        },
      ],
    },
    {
      rule: 'UBRN must be 12 digits',
      input: { ...gpPaper, source: 'e-rs', ubrn: '00000007000', ersConversionDate: '2025-01-06' },
      errors: [{ field: 'ubrn', message: 'UBRN must be 12 digits' }],
    },
    {
      rule: 'UBRN of letters',
      input: { ...gpPaper, source: 'e-rs', ubrn: 'ABCD00070000', ersConversionDate: '2025-01-06' },
      errors: [{ field: 'ubrn', message: 'UBRN must be 12 digits' }],
    },
    {
      rule: 'only e-RS has a UBRN, a conversion date, an ASI date',
      input: {
        ...gpPaper,
        ubrn: '000000070000',
        ersConversionDate: '2025-01-06',
        asiWorklistDate: 'nonsense',
      },
      errors: [
        { field: 'ubrn', message: 'Only an e-RS referral has a UBRN' },
        { field: 'ersConversionDate', message: 'Only an e-RS referral has a UBRN conversion date' },
        { field: 'asiWorklistDate', message: 'Only an e-RS referral has an ASI worklist date' },
      ],
    },
    {
      rule: 'an interface service may have a UBRN and conversion date (S5) but not an ASI date',
      input: {
        ...gpPaper,
        source: 'interface-service',
        originalClockStart: '2025-01-02',
        ubrn: '000000070000',
        ersConversionDate: '2025-01-06',
        asiWorklistDate: '2025-01-06',
      },
      errors: [{ field: 'asiWorklistDate', message: 'Only an e-RS referral has an ASI worklist date' }],
    },
    {
      rule: 'e-RS received date before the conversion date',
      input: { ...gpPaper, source: 'e-rs', ubrn: '000000070000', ersConversionDate: '2025-01-10' },
      errors: [
        {
          field: 'receivedDate',
          message: 'Received date must be on or after the UBRN conversion date or the ASI worklist date',
        },
      ],
    },
    // Dates.
    {
      rule: 'dates must be real ISO dates',
      input: { ...gpPaper, receivedDate: '2026-02-31' },
      errors: [{ field: 'receivedDate', message: 'Received date must be a real date' }],
    },
    {
      rule: 'dates in UK form are for mapRows, not the API',
      input: { ...gpPaper, receivedDate: '06/01/2025' },
      errors: [{ field: 'receivedDate', message: 'Received date must be a real date' }],
    },
    {
      rule: 'dates not in the future (today is allowed)',
      input: { ...gpPaper, receivedDate: '2025-07-01' },
      errors: [{ field: 'receivedDate', message: 'Received date must be today or in the past' }],
    },
    {
      rule: 'dates not before 2000 (typo guard)',
      input: { ...gpPaper, receivedDate: '1925-01-06' },
      errors: [{ field: 'receivedDate', message: 'Received date must be in 2000 or later' }],
    },
    {
      rule: 'e-RS dates in the future',
      input: {
        ...gpPaper,
        source: 'e-rs',
        ubrn: '000000070000',
        ersConversionDate: '2025-07-01',
        asiWorklistDate: '2025-13-01',
        receivedDate: null,
      },
      errors: [
        { field: 'ersConversionDate', message: 'UBRN conversion date must be today or in the past' },
        { field: 'asiWorklistDate', message: 'ASI worklist date must be a real date' },
      ],
    },
    // Original clock start.
    {
      rule: 'an inter-provider transfer needs the original clock start',
      input: { ...gpPaper, source: 'inter-provider-transfer' },
      errors: [
        {
          field: 'originalClockStart',
          message: 'Enter the original clock start for an inter-provider transfer',
        },
      ],
    },
    {
      rule: 'an interface service needs the original clock start',
      input: { ...gpPaper, source: 'interface-service' },
      errors: [
        {
          field: 'originalClockStart',
          message: 'Enter the original clock start: the date the interface service received the referral',
        },
      ],
    },
    {
      rule: 'the original clock start is not after the received date',
      input: { ...gpPaper, source: 'inter-provider-transfer', originalClockStart: '2025-01-07' },
      errors: [
        {
          field: 'originalClockStart',
          message: 'Original clock start must be on or before the received date',
        },
      ],
    },
    {
      rule: 'only transfers and interface services carry an original clock start',
      input: { ...gpPaper, originalClockStart: '2025-01-02' },
      errors: [
        {
          field: 'originalClockStart',
          message:
            'Only an inter-provider transfer or an interface service referral has an original clock start',
        },
      ],
    },
    // Specialty.
    {
      rule: 'specialty code of 3 digits',
      input: { ...gpPaper, specialtyCode: 'T&O' },
      errors: [
        { field: 'specialtyCode', message: 'Specialty code must be 3 digits (a treatment function code)' },
      ],
    },
    {
      rule: "specialty code not one of the organisation's",
      input: { ...gpPaper, specialtyCode: '999' },
      errors: [
        {
          field: 'specialtyCode',
          message: "Specialty code 999 is not one of your organisation's specialties",
        },
      ],
    },
    {
      rule: 'self-referral only to the specialties that allow it (S6)',
      input: { ...gpPaper, source: 'self-referral', specialtyCode: '330' },
      errors: [{ field: 'source', message: 'Specialty 330 does not accept self-referrals' }],
    },
    // Priority (§2.7).
    {
      rule: 'an unknown priority',
      input: { ...gpPaper, priority: 'soon' as never },
      errors: [{ field: 'priority', message: 'Priority must be routine, urgent or two-week wait' }],
    },
    {
      rule: 'two-week wait: not a self-referral',
      input: { ...gpPaper, source: 'self-referral', priority: 'two-week-wait' },
      errors: [
        {
          field: 'priority',
          message:
            'A self-referral cannot be two-week wait: urgent suspected cancer referrals come from a GP or another care professional',
        },
      ],
    },
    {
      rule: 'two-week wait: not consultant to consultant (a consultant upgrade instead)',
      input: { ...gpPaper, source: 'consultant-to-consultant', priority: 'two-week-wait' },
      errors: [
        {
          field: 'priority',
          message:
            'A consultant-to-consultant referral cannot be two-week wait: make it urgent and upgrade the patient onto the cancer pathway',
        },
      ],
    },
    {
      rule: 'two-week wait: only to the configured cancer specialties',
      input: { ...gpPaper, priority: 'two-week-wait' },
      ctx: { ...context, twoWeekWaitSpecialties: new Set(['101', '502']) },
      errors: [{ field: 'priority', message: 'Specialty 110 does not take two-week-wait referrals' }],
    },
    // Referrer.
    {
      rule: 'referrer name at most 200 characters',
      input: { ...gpPaper, referrerName: 'x'.repeat(201) },
      errors: [{ field: 'referrerName', message: 'Referrer must be 200 characters or fewer' }],
    },
    {
      rule: 'referrer ODS code of 3 to 10 letters and numbers',
      input: { ...gpPaper, referrerOrgCode: 'A81 001' },
      errors: [
        {
          field: 'referrerOrgCode',
          message: 'Referrer ODS code must be 3 to 10 letters and numbers, like A81001',
        },
      ],
    },
    // Triage.
    {
      rule: 'triage: an unknown outcome',
      input: { ...gpPaper, triage: { kind: 'maybe' as never } },
      errors: [
        {
          field: 'triage',
          message: 'Triage outcome must be pending, accepted, rejected or advice and guidance',
        },
      ],
    },
    {
      rule: 'triage: accepted needs a clinic type',
      input: { ...gpPaper, triage: { kind: 'accepted' } },
      errors: [{ field: 'triage.clinicType', message: 'Enter a clinic type for the accepted referral' }],
    },
    {
      rule: 'triage: unknown triage priority and clinic type',
      input: {
        ...gpPaper,
        triage: { kind: 'accepted', priority: 'P2' as never, clinicType: 'ward' as never },
      },
      errors: [
        { field: 'triage.priority', message: 'Triage priority must be routine, urgent or two-week wait' },
        {
          field: 'triage.clinicType',
          message: 'Clinic type must be new, urgent new, two-week wait or procedure',
        },
      ],
    },
    {
      rule: 'triage: a two-week-wait clinic only for a two-week-wait priority',
      input: { ...gpPaper, triage: { kind: 'accepted', clinicType: 'two-week-wait' } },
      errors: [
        {
          field: 'triage.clinicType',
          message: 'A two-week-wait clinic is only for a two-week-wait priority',
        },
      ],
    },
    {
      rule: 'triage: an urgent new clinic not for a routine priority',
      input: {
        ...gpPaper,
        priority: 'urgent',
        triage: { kind: 'accepted', priority: 'routine', clinicType: 'urgent-new' },
      },
      errors: [{ field: 'triage.clinicType', message: 'An urgent new clinic is not for a routine priority' }],
    },
    {
      rule: 'triage: upgrading a self-referral to two-week wait',
      input: {
        ...gpPaper,
        source: 'self-referral',
        triage: { kind: 'accepted', priority: 'two-week-wait', clinicType: 'two-week-wait' },
      },
      errors: [
        {
          field: 'triage.priority',
          message:
            'A self-referral cannot be two-week wait: urgent suspected cancer referrals come from a GP or another care professional',
        },
      ],
    },
    {
      rule: 'triage: a rejection needs a reason',
      input: { ...gpPaper, triage: { kind: 'rejected', reason: '   ' } },
      errors: [{ field: 'triage.reason', message: 'Enter a reason for rejecting the referral' }],
    },
    {
      rule: 'triage: a rejection reason of at most 2000 characters',
      input: { ...gpPaper, triage: { kind: 'rejected', reason: 'x'.repeat(2001) } },
      errors: [{ field: 'triage.reason', message: 'Rejection reason must be 2000 characters or fewer' }],
    },
    {
      rule: 'triage: fields of another outcome are refused, not dropped',
      input: {
        ...gpPaper,
        triage: { kind: 'pending', priority: 'urgent', clinicType: 'new', reason: 'No', note: 'Try X' },
      },
      errors: [
        { field: 'triage.priority', message: 'Only an accepted referral has a triage priority' },
        { field: 'triage.clinicType', message: 'Only an accepted referral has a clinic type' },
        { field: 'triage.reason', message: 'Only a rejected referral has a rejection reason' },
        { field: 'triage.note', message: 'Only advice and guidance has an advice and guidance note' },
      ],
    },
  ])('$rule', ({ input, errors, ctx }) => {
    expect(errorsOf(input, ctx)).toEqual(errors);
  });

  it('reports problems in form order, however many', () => {
    const errors = errorsOf({
      nhsNumber: '123',
      source: 'e-rs',
      ubrn: '12',
      receivedDate: '2030-01-01',
      specialtyCode: '1',
      priority: 'two-week-wait',
      referrerName: null,
      referrerOrgCode: '!',
      triage: { kind: 'rejected' },
    });
    expect(errors.map((e) => e.field)).toEqual([
      'nhsNumber',
      'ubrn',
      'ersConversionDate',
      'receivedDate',
      'specialtyCode',
      'referrerName',
      'referrerOrgCode',
      'triage.reason',
    ]);
    const order = errors.map((e) => REFERRAL_FIELDS.indexOf(e.field));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('refuses an invalid today as a programming error', () => {
    expect(() => validateReferral(gpPaper, { ...context, today: '30/06/2025' })).toThrow(RangeError);
  });

  it('labels every field', () => {
    expect(Object.keys(REFERRAL_FIELD_LABELS).sort()).toEqual([...REFERRAL_FIELDS].sort());
  });
});

describe('validateReferral: triage outcomes', () => {
  it.each<{
    name: string;
    triage: ReferralInput['triage'];
    priority?: ReferralInput['priority'];
    outcome: unknown;
  }>([
    { name: 'no triage is pending', triage: undefined, outcome: { kind: 'pending' } },
    { name: 'explicit pending', triage: { kind: 'pending' }, outcome: { kind: 'pending' } },
    {
      name: 'accepted keeps the referral priority when none is given',
      triage: { kind: 'accepted', clinicType: 'new' },
      outcome: { kind: 'accepted', priority: 'routine', clinicType: 'new' },
    },
    {
      name: 'accepted with a changed priority (upgraded at triage)',
      triage: { kind: 'accepted', priority: 'urgent', clinicType: 'urgent-new' },
      outcome: { kind: 'accepted', priority: 'urgent', clinicType: 'urgent-new' },
    },
    {
      name: 'a two-week-wait referral to a straight-to-test procedure clinic',
      priority: 'two-week-wait',
      triage: { kind: 'accepted', clinicType: 'procedure' },
      outcome: { kind: 'accepted', priority: 'two-week-wait', clinicType: 'procedure' },
    },
    {
      name: 'a two-week-wait clinic',
      priority: 'two-week-wait',
      triage: { kind: 'accepted', clinicType: 'two-week-wait' },
      outcome: { kind: 'accepted', priority: 'two-week-wait', clinicType: 'two-week-wait' },
    },
    {
      name: 'rejected with a reason',
      triage: { kind: 'rejected', reason: ' Not a consultant-led condition ' },
      outcome: { kind: 'rejected', reason: 'Not a consultant-led condition' },
    },
    {
      name: 'advice and guidance with a note',
      triage: { kind: 'advice-and-guidance', note: 'Trial of physiotherapy first' },
      outcome: { kind: 'advice-and-guidance', note: 'Trial of physiotherapy first' },
    },
    {
      name: 'advice and guidance without a note',
      triage: { kind: 'advice-and-guidance' },
      outcome: { kind: 'advice-and-guidance' },
    },
  ])('$name', ({ triage, priority, outcome }) => {
    const result = validateReferral({ ...gpPaper, priority: priority ?? 'routine', triage }, context);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.referral.triage).toEqual(outcome);
  });
});

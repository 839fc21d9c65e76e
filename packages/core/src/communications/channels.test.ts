import { describe, expect, it } from 'vitest';
import { chooseChannels, type ChannelInputs } from './channels';

const base: ChannelInputs = {
  needs: [],
  phone: '07700 900123',
  email: 'test.patient@example.com',
  interpreterLanguage: null,
  policy: { sms: true, email: true },
};
const pick = (over: Partial<ChannelInputs>) => chooseChannels({ ...base, ...over });

describe('channel choice from the patient’s needs, contact details and the policy', () => {
  it.each([
    [
      'no needs: a standard letter, SMS and email',
      {},
      { letter: true, sms: true, email: true, letterFormat: 'standard' },
    ],
    [
      'EX-AIS-01 large print: a large-print letter (no standard one)',
      { needs: ['large-print'] },
      { letter: true, letterFormat: 'large-print' },
    ],
    ['easy read: an easy-read letter', { needs: ['easy-read'] }, { letterFormat: 'easy-read', sms: true }],
    ['large print beats easy read', { needs: ['easy-read', 'large-print'] }, { letterFormat: 'large-print' }],
    ['braille beats large print', { needs: ['large-print', 'braille'] }, { letterFormat: 'braille' }],
    [
      'email only, with an address: email and nothing else',
      { needs: ['email-only'] },
      { letter: false, sms: false, email: true },
    ],
    [
      'email only, even when the policy sends no email',
      { needs: ['email-only'], policy: { sms: true, email: false } },
      { letter: false, email: true },
    ],
    [
      'email only, without an address: a letter',
      { needs: ['email-only'], email: null },
      { letter: true, sms: false, email: false },
    ],
    ['text relay: no SMS', { needs: ['text-relay'] }, { sms: false, letter: true, email: true }],
    ['deafblind manual: no SMS', { needs: ['deafblind-manual'] }, { sms: false }],
    ['a landline: no SMS', { phone: '0113 496 0000' }, { sms: false }],
    ['+44 7 mobile: SMS', { phone: '+44 7700 900123' }, { sms: true }],
    [
      'no phone, no email: a letter only',
      { phone: null, email: null },
      { letter: true, sms: false, email: false },
    ],
    ['the policy sends no SMS', { policy: { sms: false, email: true } }, { sms: false, email: true }],
    ['the policy sends no email', { policy: { sms: true, email: false } }, { sms: true, email: false }],
    ['a bad email address: no email', { email: 'not an address' }, { email: false }],
  ] as const)('%s', (_label, over, expected) => {
    expect(pick(over as Partial<ChannelInputs>)).toMatchObject(expected);
  });

  it('says why a channel is left out', () => {
    expect(pick({ needs: ['text-relay'], email: null }).ruledOut).toEqual({
      sms: 'needs-rule-out-sms',
      email: 'no-email',
    });
    expect(pick({ needs: ['email-only'] }).ruledOut).toEqual({ letter: 'email-only', sms: 'email-only' });
    expect(pick({ phone: null, policy: { sms: true, email: false } }).ruledOut).toEqual({
      sms: 'no-mobile',
      email: 'policy-off',
    });
  });

  it('notes braille, BSL and the interpreter language for whoever prints and posts', () => {
    const c = pick({ needs: ['braille', 'bsl'], interpreterLanguage: ' Polish ' });
    expect(c.interpreterLanguage).toBe('Polish');
    expect(c.handling).toEqual([
      'Braille: send to the braille transcription service before posting.',
      'BSL: the patient needs a British Sign Language interpreter.',
      'Interpreter: Polish.',
    ]);
    expect(pick({ needs: ['email-only'], email: null }).handling[0]).toMatch(/no email address/);
    expect(pick({}).handling).toEqual([]);
  });
});

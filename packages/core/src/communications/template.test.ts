import { describe, expect, it } from 'vitest';
import { renderTemplate, smsFragments, templateFields } from './template';

const REMINDER =
  'Dear ((Patient name)), your appointment at ((clinic)) is on ((appointment date)) at ((time)).((interpreter??\nAn interpreter will meet you.)) To change it, call ((phone)). ((Clinic)) team';

describe('message templates', () => {
  it('lists each field once, matching names without regard to case or spaces', () => {
    expect(templateFields(REMINDER)).toEqual([
      { name: 'Patient name', key: 'patientname', conditional: false },
      { name: 'clinic', key: 'clinic', conditional: false },
      { name: 'appointment date', key: 'appointmentdate', conditional: false },
      { name: 'time', key: 'time', conditional: false },
      { name: 'interpreter', key: 'interpreter', conditional: true },
      { name: 'phone', key: 'phone', conditional: false },
    ]);
  });

  it('fills every field, and shows optional text only when its field is yes', () => {
    const values = {
      patientName: 'Ms Test Patient',
      CLINIC: 'Knee clinic',
      'Appointment Date': 'Monday 11 January 2027',
      time: '9:20am',
      phone: '0113 000 0000',
    };
    expect(renderTemplate(REMINDER, { ...values, interpreter: 'yes' })).toEqual({
      ok: true,
      text: 'Dear Ms Test Patient, your appointment at Knee clinic is on Monday 11 January 2027 at 9:20am.\nAn interpreter will meet you. To change it, call 0113 000 0000. Knee clinic team',
    });
    const without = renderTemplate(REMINDER, { ...values, interpreter: false });
    expect(without).toMatchObject({ ok: true });
    expect(without.ok && without.text).not.toContain('interpreter');
    expect(renderTemplate(REMINDER, values)).toMatchObject({ ok: true });
  });

  it('refuses to render with a field missing or blank, naming each one', () => {
    expect(renderTemplate(REMINDER, { patientName: 'A', clinic: ' ', time: null })).toEqual({
      ok: false,
      missing: ['clinic', 'appointment date', 'time', 'phone'],
    });
  });

  it('leaves text that only looks like a field alone, and puts values in as they are', () => {
    expect(renderTemplate('Bring (( )) and ((note))', { note: '((not a field))' })).toEqual({
      ok: true,
      text: 'Bring (( )) and ((not a field))',
    });
    expect(renderTemplate('No fields here.', {})).toEqual({ ok: true, text: 'No fields here.' });
  });
});

describe('SMS length', () => {
  it('counts 160 GSM characters as one message and 153 per part after that', () => {
    expect(smsFragments('')).toBe(0);
    expect(smsFragments('a'.repeat(160))).toBe(1);
    expect(smsFragments('a'.repeat(161))).toBe(2);
    expect(smsFragments('a'.repeat(306))).toBe(2);
    expect(smsFragments('a'.repeat(307))).toBe(3);
    // The extension table's characters take two places.
    expect(smsFragments('€'.repeat(80))).toBe(1);
    expect(smsFragments('€'.repeat(81))).toBe(2);
  });

  it('counts 70 per message, 67 per part, once a character outside GSM appears', () => {
    expect(smsFragments('’'.repeat(70))).toBe(1);
    expect(smsFragments(`${'a'.repeat(70)}’`)).toBe(2);
    expect(smsFragments('’'.repeat(134))).toBe(2);
    expect(smsFragments('’'.repeat(135))).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import {
  insideShortNoticeWindow,
  isUkMobile,
  normalisePhone,
  parseSmsReply,
  shortNoticeChannel,
  shortNoticeExpiry,
} from './short-notice';

describe('the short-notice window (§1.5: under 21 days is not a reasonable offer)', () => {
  it.each([
    ['today', '2026-11-23', true],
    ['tomorrow', '2026-11-24', true],
    ['20 days on', '2026-12-13', true],
    ['21 days on: a reasonable offer, not short notice', '2026-12-14', false],
    ['yesterday', '2026-11-22', false],
  ])('%s', (_label, slotDate, inside) => {
    expect(insideShortNoticeWindow('2026-11-23', slotDate, 21)).toBe(inside);
  });

  it('follows the policy’s notice', () => {
    expect(insideShortNoticeWindow('2026-11-23', '2026-12-14', 28)).toBe(true);
  });
});

describe('when a short-notice offer expires', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  it('gives the reply hours when the appointment is far enough off', () => {
    expect(shortNoticeExpiry(now, new Date('2026-11-25T09:00:00Z'), 4)).toEqual(
      new Date('2026-11-23T13:00:00Z'),
    );
  });
  it('closes two hours before the appointment', () => {
    expect(shortNoticeExpiry(now, new Date('2026-11-23T14:00:00Z'), 4)).toEqual(
      new Date('2026-11-23T12:00:00Z'),
    );
  });
  it('is not made when less than an hour would be left to reply', () => {
    expect(shortNoticeExpiry(now, new Date('2026-11-23T12:00:00Z'), 4)).toEqual(
      new Date('2026-11-23T10:00:00Z'),
    );
    expect(shortNoticeExpiry(now, new Date('2026-11-23T11:59:00Z'), 4)).toBeNull();
    expect(shortNoticeExpiry(now, new Date('2026-11-23T08:00:00Z'), 4)).toBeNull();
  });
});

describe('phone numbers and channels', () => {
  it.each([
    ['07700 900123', '447700900123'],
    ['+44 7700 900123', '447700900123'],
    ['447700900123', '447700900123'],
    ['0044 7700-900123', '447700900123'],
    ['(0113) 496 0000', '441134960000'],
    ['not a number', null],
    ['123', null],
  ])('%s reads as %s', (raw, expected) => {
    expect(normalisePhone(raw)).toBe(expected);
  });

  it('knows a mobile from a landline', () => {
    expect(isUkMobile('07700 900123')).toBe(true);
    expect(isUkMobile('+447700900123')).toBe(true);
    expect(isUkMobile('0113 496 0000')).toBe(false);
    expect(isUkMobile(null)).toBe(false);
  });

  it.each([
    ['a mobile', '07700 900123', [], true, 'sms'],
    ['a landline', '0113 496 0000', [], true, 'call'],
    ['no phone', null, [], true, 'call'],
    ['text relay', '07700 900123', ['text-relay'], true, 'call'],
    ['deafblind manual', '07700 900123', ['deafblind-manual'], true, 'call'],
    ['email only', '07700 900123', ['email-only'], true, 'call'],
    ['large print (SMS still suits)', '07700 900123', ['large-print'], true, 'sms'],
    ['SMS switched off by the trust', '07700 900123', [], false, 'call'],
  ] as const)('%s: %s', (_label, phone, needs, smsEnabled, channel) => {
    expect(shortNoticeChannel({ phone, communicationNeeds: needs, smsEnabled })).toBe(channel);
  });
});

describe('SMS replies', () => {
  it.each([
    ['YES', 'accept'],
    ['yes', 'accept'],
    [' Y e s \n', 'accept'],
    ['NO', 'decline'],
    ['no ', 'decline'],
    ['maybe', null],
    ['yes please', null],
    ['', null],
  ])('%j is %s', (text, reply) => {
    expect(parseSmsReply(text)).toBe(reply);
  });
});

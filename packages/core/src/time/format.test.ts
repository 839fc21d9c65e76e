import { describe, it, expect } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { formatUkDate, formatUkDateLong } from './format';

const d = (s: string) => Temporal.PlainDate.from(s);

describe('formatUkDate', () => {
  it.each([
    ['2026-11-23', '23 Nov 2026'],
    ['2026-01-05', '5 Jan 2026'],
    ['2026-02-01', '1 Feb 2026'],
    ['2026-03-31', '31 Mar 2026'],
    ['2026-04-10', '10 Apr 2026'],
    ['2026-05-10', '10 May 2026'],
    ['2026-06-10', '10 Jun 2026'],
    ['2026-07-10', '10 Jul 2026'],
    ['2026-08-10', '10 Aug 2026'],
    ['2026-09-10', '10 Sep 2026'],
    ['2026-10-10', '10 Oct 2026'],
    ['2026-12-25', '25 Dec 2026'],
    ['2028-02-29', '29 Feb 2028'],
  ])('%s → %s', (iso, expected) => {
    expect(formatUkDate(d(iso))).toBe(expected);
  });
});

describe('formatUkDateLong', () => {
  it.each([
    ['2026-11-23', 'Monday 23 November 2026'],
    ['2026-11-24', 'Tuesday 24 November 2026'],
    ['2026-11-25', 'Wednesday 25 November 2026'],
    ['2026-11-26', 'Thursday 26 November 2026'],
    ['2026-11-27', 'Friday 27 November 2026'],
    ['2026-11-28', 'Saturday 28 November 2026'],
    ['2026-11-29', 'Sunday 29 November 2026'],
    ['2026-01-01', 'Thursday 1 January 2026'],
    ['2026-02-14', 'Saturday 14 February 2026'],
    ['2026-03-29', 'Sunday 29 March 2026'],
    ['2026-04-06', 'Monday 6 April 2026'],
    ['2026-05-04', 'Monday 4 May 2026'],
    ['2026-06-21', 'Sunday 21 June 2026'],
    ['2026-07-01', 'Wednesday 1 July 2026'],
    ['2026-08-31', 'Monday 31 August 2026'],
    ['2026-09-01', 'Tuesday 1 September 2026'],
    ['2026-10-25', 'Sunday 25 October 2026'],
    ['2026-12-25', 'Friday 25 December 2026'],
    ['2028-02-29', 'Tuesday 29 February 2028'],
  ])('%s → %s', (iso, expected) => {
    expect(formatUkDateLong(d(iso))).toBe(expected);
  });
});

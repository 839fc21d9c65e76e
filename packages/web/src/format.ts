/** Formatting in the NHS's style, in UK time, whatever the computer's own settings. */
const TIME_ZONE = 'Europe/London';

const numberFormat = new Intl.NumberFormat('en-GB');

/** 1234 → "1,234". */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "23 November 2026". */
export function formatDate(date: Date): string {
  return dateFormat.format(date);
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h12',
});

/** "9am", "2:30pm", "midday", "midnight": the NHS style for times. */
export function formatTime(date: Date): string {
  const parts = timeFormat.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const hour = Number(part('hour'));
  const minute = part('minute');
  const pm = part('dayPeriod').toLowerCase().startsWith('p');
  if (hour === 12 && minute === '00') return pm ? 'midday' : 'midnight';
  return `${hour}${minute === '00' ? '' : `:${minute}`}${pm ? 'pm' : 'am'}`;
}

/** "9am on 23 November 2026". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return `${formatTime(date)} on ${formatDate(date)}`;
}

/** A role or other label after "a": "a patient flow coordinator", "an administrator". */
export function withArticle(label: string): string {
  const lower = label.toLowerCase();
  return `${/^[aeiou]/.test(lower) ? 'an' : 'a'} ${lower}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** 120 → "2 minutes", 119 → "1 minute 59 seconds", 45 → "45 seconds". */
export function formatMinutesAndSeconds(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return plural(rest, 'second');
  return rest === 0 ? plural(minutes, 'minute') : `${plural(minutes, 'minute')} ${plural(rest, 'second')}`;
}

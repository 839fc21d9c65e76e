import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATES,
  MESSAGE_KINDS,
  defaultTemplate,
  fieldsFor,
  templateChannels,
  templateFormats,
  templateProblems,
} from './default-templates';
import { renderTemplate, smsFragments, templateFields } from './template';

describe('default templates', () => {
  it('has a template for every kind, on each of its channels, in each format', () => {
    for (const kind of MESSAGE_KINDS) {
      expect(templateChannels(kind)).toContain('letter');
      for (const channel of templateChannels(kind))
        for (const format of templateFormats(channel))
          expect(defaultTemplate(kind, channel, format), `${kind} ${channel} ${format}`).toBeDefined();
    }
    expect(templateChannels('short-notice-offer')).toContain('sms');
    expect(templateChannels('appointment-booked')).toEqual(['letter', 'sms', 'email']);
    expect(templateChannels('dna-discharge')).toEqual(['letter']);
  });

  it('uses only fields delivery can fill, and passes its own checks', () => {
    for (const t of DEFAULT_TEMPLATES) {
      const known = fieldsFor(t.kind).map((f) => f.replace(/\s+/g, '').toLowerCase());
      for (const f of templateFields(`${t.subject ?? ''} ${t.body}`))
        expect(known, `${t.kind} ${t.channel} ${t.format} ((${f.name}))`).toContain(f.key);
      expect(templateProblems(t), `${t.kind} ${t.channel} ${t.format}`).toEqual([]);
    }
  });

  it('renders every template when every field has a value', () => {
    for (const t of DEFAULT_TEMPLATES) {
      const values = Object.fromEntries(fieldsFor(t.kind).map((f) => [f, 'x']));
      expect(renderTemplate(t.body, values).ok).toBe(true);
    }
  });

  it('keeps large print in the same words, easy read shorter, and texts short', () => {
    for (const t of DEFAULT_TEMPLATES.filter((x) => x.channel === 'letter' && x.format === 'large-print'))
      expect(t.body).toBe(defaultTemplate(t.kind, 'letter', 'standard')!.body);
    for (const t of DEFAULT_TEMPLATES.filter((x) => x.format === 'easy-read')) {
      const standard = defaultTemplate(t.kind, t.channel, 'standard')!;
      expect(t.body.length, `${t.kind} ${t.channel}`).toBeLessThanOrEqual(standard.body.length);
    }
    for (const t of DEFAULT_TEMPLATES.filter((x) => x.channel === 'sms'))
      expect(smsFragments(t.body), t.kind).toBeLessThanOrEqual(2);
    expect(defaultTemplate('short-notice-offer', 'sms', 'standard')!.body).toContain('Reply YES to take it');
    // Braille is the standard words; an SMS has no large print.
    expect(defaultTemplate('appointment-booked', 'letter', 'braille')).toBe(
      defaultTemplate('appointment-booked', 'letter', 'standard'),
    );
    expect(defaultTemplate('appointment-booked', 'sms', 'large-print')!.format).toBe('standard');
    expect(defaultTemplate('dna-discharge', 'sms', 'standard')).toBeUndefined();
  });

  it('refuses a field the kind cannot fill, a long SMS, a missing subject and a channel the kind has not', () => {
    expect(
      templateProblems({
        kind: 'dna-discharge',
        channel: 'letter',
        format: 'standard',
        subject: 'Hello',
        body: 'On ((appointment date)) at ((Favourite colour))',
      }),
    ).toEqual([
      expect.objectContaining({ field: 'body', unknownFields: ['appointment date', 'Favourite colour'] }),
    ]);
    expect(
      templateProblems({
        kind: 'appointment-booked',
        channel: 'sms',
        format: 'standard',
        subject: null,
        body: 'a'.repeat(460),
      }).map((p) => p.field),
    ).toEqual(['body']);
    expect(
      templateProblems({
        kind: 'appointment-booked',
        channel: 'email',
        format: 'standard',
        subject: ' ',
        body: 'Hi',
      }),
    ).toEqual([{ field: 'subject', message: 'An email needs a subject.' }]);
    expect(
      templateProblems({
        kind: 'pifu-discharge',
        channel: 'sms',
        format: 'large-print',
        subject: null,
        body: 'Hi',
      }).map((p) => p.field),
    ).toEqual(['channel', 'format']);
  });
});

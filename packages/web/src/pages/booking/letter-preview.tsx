/**
 * The letter a booking would send, shown before the booking is confirmed: the letter as it is printed (to, heading,
 * paragraphs, the appointment's details), then how else the patient is told (text message, email) and which
 * ways are not used and why. A field the letter needs but the record lacks is a warning: the letter would fail.
 */
import { Fragment } from 'react';
import type { LetterPreview, PreviewMessage } from '../../api/booking';

const CHANNEL_NAMES: Record<PreviewMessage['channel'], string> = {
  letter: 'Letter',
  sms: 'Text message',
  email: 'Email',
};

const NOT_SENT_REASONS: Record<string, string> = {
  'no-mobile': 'no mobile phone number is recorded',
  'no-email': 'no email address is recorded',
  'policy-off': 'the trust does not send these',
  'needs-rule-out-sms': 'the patient’s communication needs rule out text messages',
  'email-only': 'the patient asked for email only',
  'no-template': 'there is no template for it',
};

const FORMAT_NAMES: Record<string, string> = {
  'large-print': 'large print',
  'easy-read': 'easy read',
  braille: 'braille',
};

export function LetterPreviewPanel({ preview, headingId }: { preview: LetterPreview; headingId: string }) {
  const letter = preview.letter;
  const others = preview.messages.filter((m) => m.channel !== 'letter');
  const missing = [...new Set(preview.messages.flatMap((m) => m.missingFields))];
  return (
    <section aria-labelledby={headingId}>
      <h2 className="nhsuk-heading-m" id={headingId} tabIndex={-1}>
        The letter {preview.recipient.name} will be sent
      </h2>
      {missing.length > 0 ? (
        <div className="nhsuk-warning-callout">
          <h3 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              Some details are missing
            </span>
          </h3>
          <p>
            The patient’s record does not have: {missing.join(', ')}. The letter will not be sent until they
            are added.
          </p>
        </div>
      ) : null}
      {letter ? (
        <div className="nhsuk-card">
          <div className="nhsuk-card__content">
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
              To {letter.recipient.name}, {letter.recipient.addressLines.join(', ')}
              {FORMAT_NAMES[letter.format] ? ` (in ${FORMAT_NAMES[letter.format]})` : ''}
            </p>
            <h3 className="nhsuk-card__heading nhsuk-heading-s">{letter.heading}</h3>
            {letter.paragraphs.map((p, i) => (
              <p className="nhsuk-body-s" key={i}>
                {p.split('\n').map((line, j) => (
                  <Fragment key={j}>
                    {j > 0 ? <br /> : null}
                    {line}
                  </Fragment>
                ))}
              </p>
            ))}
            {letter.appointment && letter.appointment.length > 0 ? (
              <dl className="nhsuk-summary-list nhsuk-u-margin-bottom-0">
                {letter.appointment.map((row) => (
                  <div className="nhsuk-summary-list__row" key={row.label}>
                    <dt className="nhsuk-summary-list__key">{row.label}</dt>
                    <dd className="nhsuk-summary-list__value">{row.value}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </div>
        </div>
      ) : (
        <p>No letter is posted: the patient asked for email only.</p>
      )}
      {others.length > 0 ? (
        <>
          <h3 className="nhsuk-heading-s">Also sent</h3>
          <ul className="nhsuk-list nhsuk-list--bullet">
            {others.map((m) => (
              <li key={m.channel}>
                {CHANNEL_NAMES[m.channel]}
                {m.to ? ` to ${m.to}` : ''}
                {m.body ? `: “${m.body}”` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {preview.notSent.length > 0 ? (
        <>
          <h3 className="nhsuk-heading-s">Not sent</h3>
          <ul className="nhsuk-list nhsuk-list--bullet">
            {preview.notSent.map((n) => (
              <li key={n.channel}>
                {CHANNEL_NAMES[n.channel]}: {NOT_SENT_REASONS[n.reason] ?? n.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

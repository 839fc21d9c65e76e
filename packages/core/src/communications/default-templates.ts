/**
 * The messages Pathflow sends, and the default wording of each (British English, NHS plain style): a trust that
 * has not written its own uses these as version 1. One template per kind, channel and format:
 *
 * - every kind has a letter, in standard, large print (the same words in bigger type) and easy read (shorter,
 *   simpler sentences); a braille letter is the standard words, transcribed;
 * - confirmations (booked, moved, cancelled), reminders and invitations to book also go by SMS and email, in
 *   standard and easy read;
 * - a short-notice offer goes by SMS, with "Reply YES to take it".
 *
 * A template may use only the fields delivery can fill for its kind (`fieldsFor`): a new version using any other
 * field is refused, so a message never waits on a value nobody can give.
 */
import type { Channel } from './channels';
import { smsFragments, templateFields } from './template';

export const MESSAGE_KINDS = [
  'appointment-booked',
  'appointment-moved',
  'appointment-cancelled',
  'appointment-reminder',
  'partial-booking-invitation',
  'partial-booking-reminder',
  'dna-discharge',
  'was-not-brought',
  'pifu-discharge',
  'short-notice-offer',
  'validation-removal',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const TEMPLATE_FORMATS = ['standard', 'large-print', 'easy-read'] as const;
export type TemplateFormat = (typeof TEMPLATE_FORMATS)[number];

/** An SMS longer than this many parts is refused as a template (Notify's limit is 918 characters, 6 parts). */
export const SMS_MAX_FRAGMENTS = 3;

/** Fields every message can use. */
export const COMMON_FIELDS = [
  'patient name',
  'nhs number',
  'trust name',
  'department',
  'trust phone',
] as const;

/** Fields of messages about an appointment (or a free slot, for a short-notice offer). */
export const APPOINTMENT_FIELDS = [
  'appointment date',
  'appointment time',
  'clinic',
  'location',
  'location address',
  'clinician',
  'specialty',
  'preparation',
  'interpreter',
  'interpreter language',
] as const;

const APPOINTMENT_KINDS: readonly MessageKind[] = [
  'appointment-booked',
  'appointment-moved',
  'appointment-cancelled',
  'appointment-reminder',
  'short-notice-offer',
];

/** Kinds about an appointment: their messages can use the appointment's fields. */
export function isAppointmentKind(kind: MessageKind): boolean {
  return APPOINTMENT_KINDS.includes(kind);
}

/** The fields delivery fills for a kind of message (names as templates write them). */
export function fieldsFor(kind: MessageKind): readonly string[] {
  return isAppointmentKind(kind)
    ? [...COMMON_FIELDS, ...APPOINTMENT_FIELDS]
    : [...COMMON_FIELDS, 'specialty'];
}

/** The channels a kind of message has templates for. */
export function templateChannels(kind: MessageKind): readonly Channel[] {
  switch (kind) {
    case 'appointment-booked':
    case 'appointment-moved':
    case 'appointment-cancelled':
    case 'appointment-reminder':
    case 'partial-booking-invitation':
    case 'partial-booking-reminder':
      return ['letter', 'sms', 'email'];
    case 'short-notice-offer':
      return ['letter', 'sms'];
    case 'dna-discharge':
    case 'was-not-brought':
    case 'pifu-discharge':
    case 'validation-removal':
      return ['letter'];
  }
}

/** The formats a channel has templates in: large print is for paper only. */
export function templateFormats(channel: Channel): readonly TemplateFormat[] {
  return channel === 'letter' ? TEMPLATE_FORMATS : ['standard', 'easy-read'];
}

export interface DefaultTemplate {
  kind: MessageKind;
  channel: Channel;
  format: TemplateFormat;
  /** Letter heading or email subject; null for SMS. */
  subject: string | null;
  /** Paragraphs separated by blank lines (letters and email). */
  body: string;
}

type Words = { subject: string; body: string };
interface KindWords {
  letter: Words;
  easyLetter: Words;
  sms?: string;
  easySms?: string;
  email?: Words;
  easyEmail?: Words;
}

const CHANGE = 'If you need to change or cancel, call us on ((trust phone)).';
const WHEN = 'on ((appointment date)) at ((appointment time))';
const WHERE = '((clinic)), ((location)), ((location address))';

const WORDS: Record<MessageKind, KindWords> = {
  'appointment-booked': {
    letter: {
      subject: 'Your appointment',
      body: `Dear ((patient name))\n\nWe have booked your ((specialty)) appointment ${WHEN}.\n\nIt is at ${WHERE}. You will see ((clinician)).\n\n${CHANGE} Telling us early means we can offer your appointment to someone else.`,
    },
    easyLetter: {
      subject: 'Your appointment',
      body: `Dear ((patient name))\n\nYou have an appointment at the hospital.\n\nIt is ${WHEN}.\n\nGo to ${WHERE}.\n\nYou will see ((clinician)).\n\nCannot come? Call us on ((trust phone)).`,
    },
    sms: `Your ((specialty)) appointment is ${WHEN}, ((location)). To change it call ((trust phone)). ((trust name))`,
    easySms: `You have a hospital appointment ${WHEN}. Place: ((location)). Cannot come? Call ((trust phone)).`,
    email: {
      subject: 'Your appointment is booked',
      body: `Dear ((patient name))\n\nWe have booked your ((specialty)) appointment ${WHEN}.\n\nIt is at ${WHERE}. You will see ((clinician)).\n\n${CHANGE}\n\n((trust name))`,
    },
    easyEmail: {
      subject: 'Your hospital appointment',
      body: `Dear ((patient name))\n\nYou have an appointment ${WHEN}.\n\nGo to ${WHERE}.\n\nCannot come? Call us on ((trust phone)).`,
    },
  },
  'appointment-moved': {
    letter: {
      subject: 'Your appointment has changed',
      body: `Dear ((patient name))\n\nYour ((specialty)) appointment has moved. Your new appointment is ${WHEN}.\n\nIt is at ${WHERE}. You will see ((clinician)).\n\nPlease ignore any letter that gave you a different time. ${CHANGE}`,
    },
    easyLetter: {
      subject: 'Your appointment has changed',
      body: `Dear ((patient name))\n\nYour appointment has changed.\n\nThe new time is ${WHEN}.\n\nGo to ${WHERE}.\n\nCannot come? Call us on ((trust phone)).`,
    },
    sms: `Your ((specialty)) appointment has moved to ${WHEN}, ((location)). To change it call ((trust phone)). ((trust name))`,
    easySms: `Your hospital appointment has changed. New time: ${WHEN}. Cannot come? Call ((trust phone)).`,
    email: {
      subject: 'Your appointment has changed',
      body: `Dear ((patient name))\n\nYour ((specialty)) appointment has moved. Your new appointment is ${WHEN}.\n\nIt is at ${WHERE}. You will see ((clinician)).\n\n${CHANGE}\n\n((trust name))`,
    },
    easyEmail: {
      subject: 'Your appointment has changed',
      body: `Dear ((patient name))\n\nYour appointment has changed. The new time is ${WHEN}.\n\nCannot come? Call us on ((trust phone)).`,
    },
  },
  'appointment-cancelled': {
    letter: {
      subject: 'Your appointment is cancelled',
      body: `Dear ((patient name))\n\nYour ((specialty)) appointment ${WHEN} at ((location)) is cancelled.\n\nYou do not need to come in. You stay on our waiting list unless we have told you otherwise.\n\nIf you have any questions, call us on ((trust phone)).`,
    },
    easyLetter: {
      subject: 'Your appointment is cancelled',
      body: `Dear ((patient name))\n\nYour appointment ${WHEN} is cancelled.\n\nDo not come to the hospital for it.\n\nQuestions? Call us on ((trust phone)).`,
    },
    sms: `Your ((specialty)) appointment ${WHEN} is cancelled. You do not need to come in. Questions? Call ((trust phone)). ((trust name))`,
    easySms: `Your hospital appointment ${WHEN} is cancelled. Do not come in. Questions? Call ((trust phone)).`,
    email: {
      subject: 'Your appointment is cancelled',
      body: `Dear ((patient name))\n\nYour ((specialty)) appointment ${WHEN} at ((location)) is cancelled. You do not need to come in.\n\nIf you have any questions, call us on ((trust phone)).\n\n((trust name))`,
    },
    easyEmail: {
      subject: 'Your appointment is cancelled',
      body: `Dear ((patient name))\n\nYour appointment ${WHEN} is cancelled. Do not come in.\n\nQuestions? Call us on ((trust phone)).`,
    },
  },
  'appointment-reminder': {
    letter: {
      subject: 'A reminder of your appointment',
      body: `Dear ((patient name))\n\nThis is a reminder of your ((specialty)) appointment ${WHEN}.\n\nIt is at ${WHERE}.\n\n${CHANGE}`,
    },
    easyLetter: {
      subject: 'Your appointment is soon',
      body: `Dear ((patient name))\n\nYour appointment is soon.\n\nIt is ${WHEN}.\n\nCannot come? Call us on ((trust phone)).`,
    },
    sms: `Reminder: your ((specialty)) appointment is ${WHEN}, ((location)). To change it call ((trust phone)). ((trust name))`,
    easySms: `Your hospital appointment is soon: ${WHEN}. Cannot come? Call ((trust phone)).`,
    email: {
      subject: 'A reminder of your appointment',
      body: `Dear ((patient name))\n\nThis is a reminder of your ((specialty)) appointment ${WHEN} at ${WHERE}.\n\n${CHANGE}\n\n((trust name))`,
    },
    easyEmail: {
      subject: 'Your appointment is soon',
      body: `Dear ((patient name))\n\nYour appointment is soon: ${WHEN}.\n\nCannot come? Call us on ((trust phone)).`,
    },
  },
  'partial-booking-invitation': {
    letter: {
      subject: 'Please book your appointment',
      body: `Dear ((patient name))\n\nIt is time to book your ((specialty)) follow-up appointment.\n\nPlease call us on ((trust phone)) within 14 days so that we can agree a date and time with you.\n\nIf you no longer need this appointment, please tell us.`,
    },
    easyLetter: {
      subject: 'Please book your appointment',
      body: `Dear ((patient name))\n\nYou need to see us again.\n\nPlease call us on ((trust phone)).\n\nWe will find a time that suits you.`,
    },
    sms: `It is time to book your ((specialty)) appointment. Please call ((trust phone)) within 14 days. ((trust name))`,
    easySms: `You need to see us again. Please call ((trust phone)) to book.`,
    email: {
      subject: 'Please book your appointment',
      body: `Dear ((patient name))\n\nIt is time to book your ((specialty)) follow-up appointment. Please call us on ((trust phone)) within 14 days.\n\n((trust name))`,
    },
    easyEmail: {
      subject: 'Please book your appointment',
      body: `Dear ((patient name))\n\nYou need to see us again. Please call us on ((trust phone)).`,
    },
  },
  'partial-booking-reminder': {
    letter: {
      subject: 'Reminder: please book your appointment',
      body: `Dear ((patient name))\n\nWe wrote to ask you to book your ((specialty)) follow-up appointment. We have not heard from you yet.\n\nPlease call us on ((trust phone)) to book. If you no longer need this appointment, please tell us.`,
    },
    easyLetter: {
      subject: 'Please book your appointment',
      body: `Dear ((patient name))\n\nWe asked you to book an appointment.\n\nPlease call us on ((trust phone)).`,
    },
    sms: `Reminder: please call ((trust phone)) to book your ((specialty)) appointment. ((trust name))`,
    easySms: `Please call ((trust phone)) to book your hospital appointment.`,
    email: {
      subject: 'Reminder: please book your appointment',
      body: `Dear ((patient name))\n\nWe have not heard from you about your ((specialty)) follow-up appointment. Please call us on ((trust phone)) to book.\n\n((trust name))`,
    },
    easyEmail: {
      subject: 'Please book your appointment',
      body: `Dear ((patient name))\n\nPlease call us on ((trust phone)) to book your appointment.`,
    },
  },
  'dna-discharge': {
    letter: {
      subject: 'You missed your appointment',
      body: `Dear ((patient name))\n\nYou did not come to your ((specialty)) appointment and did not tell us. Your consultant has reviewed your care and has discharged you back to your GP.\n\nIf you still need help, please speak to your GP. If you think this is a mistake, call us on ((trust phone)).`,
    },
    easyLetter: {
      subject: 'You missed your appointment',
      body: `Dear ((patient name))\n\nYou did not come to your appointment.\n\nYour GP will look after you now.\n\nStill unwell? Talk to your GP.\n\nQuestions? Call us on ((trust phone)).`,
    },
  },
  'was-not-brought': {
    letter: {
      subject: 'An appointment was missed',
      body: `Dear parent or carer of ((patient name))\n\n((patient name)) was not brought to their ((specialty)) appointment. Their care is important to us, so a clinician will review what happens next.\n\nPlease call us on ((trust phone)) to book another appointment.`,
    },
    easyLetter: {
      subject: 'An appointment was missed',
      body: `Dear parent or carer of ((patient name))\n\n((patient name)) missed their appointment.\n\nPlease call us on ((trust phone)) to book again.`,
    },
  },
  'pifu-discharge': {
    letter: {
      subject: 'Your follow-up has ended',
      body: `Dear ((patient name))\n\nThe time for you to contact us about your ((specialty)) care has ended, so we have discharged you back to your GP.\n\nIf your symptoms come back or get worse, please speak to your GP.`,
    },
    easyLetter: {
      subject: 'Your follow-up has ended',
      body: `Dear ((patient name))\n\nYou do not need to see us again.\n\nYour GP will look after you now.\n\nFeel worse? Talk to your GP.`,
    },
  },
  'short-notice-offer': {
    letter: {
      subject: 'An earlier appointment',
      body: `Dear ((patient name))\n\nAn earlier ((specialty)) appointment is free ${WHEN} at ${WHERE}.\n\nIf you would like it, call us on ((trust phone)) as soon as you can.`,
    },
    easyLetter: {
      subject: 'An earlier appointment',
      body: `Dear ((patient name))\n\nWe have an earlier appointment for you.\n\nIt is ${WHEN}.\n\nWant it? Call us on ((trust phone)).`,
    },
    sms: `An earlier ((specialty)) appointment is free ${WHEN}, ((location)). Reply YES to take it. ((trust name))`,
    easySms: `We have an earlier appointment ${WHEN}. Reply YES to take it.`,
  },
  'validation-removal': {
    letter: {
      subject: 'You are no longer on our waiting list',
      body: `Dear ((patient name))\n\nYou told us you no longer need your ((specialty)) appointment, so we have taken you off our waiting list and told your GP.\n\nIf you need care again, please speak to your GP. If you think this is a mistake, call us on ((trust phone)).`,
    },
    easyLetter: {
      subject: 'You are off our waiting list',
      body: `Dear ((patient name))\n\nYou told us you do not need an appointment.\n\nWe have taken you off our list.\n\nNeed help again? Talk to your GP.`,
    },
  },
};

function build(): DefaultTemplate[] {
  const out: DefaultTemplate[] = [];
  for (const kind of MESSAGE_KINDS) {
    const w = WORDS[kind];
    for (const channel of templateChannels(kind)) {
      for (const format of templateFormats(channel)) {
        const easy = format === 'easy-read';
        if (channel === 'letter') {
          const words = easy ? w.easyLetter : w.letter;
          out.push({ kind, channel, format, subject: words.subject, body: words.body });
        } else if (channel === 'sms') {
          const body = easy ? w.easySms : w.sms;
          if (body !== undefined) out.push({ kind, channel, format, subject: null, body });
        } else {
          const words = easy ? w.easyEmail : w.email;
          if (words !== undefined)
            out.push({ kind, channel, format, subject: words.subject, body: words.body });
        }
      }
    }
  }
  return out;
}

/** Every default template. */
export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = build();

/**
 * The default template for a kind, channel and format. A braille letter uses the standard words; an SMS or
 * email in large print uses the standard words (type size means nothing on a phone). Undefined when the kind
 * has no template on that channel.
 */
export function defaultTemplate(
  kind: MessageKind,
  channel: Channel,
  format: TemplateFormat | 'braille',
): DefaultTemplate | undefined {
  const f = templateFormatFor(channel, format);
  return DEFAULT_TEMPLATES.find((t) => t.kind === kind && t.channel === channel && t.format === f);
}

/** The template format a message in `format` on `channel` is written with. */
export function templateFormatFor(channel: Channel, format: TemplateFormat | 'braille'): TemplateFormat {
  if (format === 'braille') return 'standard';
  if (format === 'large-print' && channel !== 'letter') return 'standard';
  return format;
}

export interface TemplateProblem {
  /** `body` or `subject`. */
  field: 'body' | 'subject' | 'channel' | 'format';
  message: string;
  /** For unknown fields: their names. */
  unknownFields?: string[];
}

/**
 * What is wrong with a template text for a kind and channel, if anything: a field delivery cannot fill, an SMS
 * longer than `SMS_MAX_FRAGMENTS` parts, an email or letter without a subject, a channel or format the kind has
 * no template for.
 */
export function templateProblems(t: {
  kind: MessageKind;
  channel: Channel;
  format: TemplateFormat;
  subject: string | null;
  body: string;
}): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (!templateChannels(t.kind).includes(t.channel)) {
    problems.push({ field: 'channel', message: `A ${t.kind} message is not sent by ${t.channel}.` });
  }
  if (!templateFormats(t.channel).includes(t.format)) {
    problems.push({ field: 'format', message: `There is no ${t.format} ${t.channel}.` });
  }
  const known = new Set(fieldsFor(t.kind).map((f) => f.toLowerCase().replace(/\s+/g, '')));
  for (const [field, text] of [
    ['body', t.body],
    ['subject', t.subject ?? ''],
  ] as const) {
    const unknown = templateFields(text)
      .filter((f) => !known.has(f.key))
      .map((f) => f.name);
    if (unknown.length > 0) {
      problems.push({
        field,
        message: `Pathflow cannot fill ${unknown.map((u) => `((${u}))`).join(', ')} in a ${t.kind} message. Fields you can use: ${fieldsFor(t.kind).join(', ')}.`,
        unknownFields: unknown,
      });
    }
  }
  if (t.channel === 'sms') {
    const parts = smsFragments(t.body);
    if (parts > SMS_MAX_FRAGMENTS)
      problems.push({
        field: 'body',
        message: `This text message would take ${parts} parts. Keep it to ${SMS_MAX_FRAGMENTS} (about ${SMS_MAX_FRAGMENTS * 153} characters).`,
      });
  } else if (t.subject === null || t.subject.trim() === '') {
    problems.push({
      field: 'subject',
      message: t.channel === 'email' ? 'An email needs a subject.' : 'A letter needs a heading.',
    });
  }
  return problems;
}

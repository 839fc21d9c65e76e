// The public API of core's communications module: message templates and SMS length.
export { fieldKey, renderTemplate, smsFragments, templateFields } from './template';
export type { RenderResult, TemplateField } from './template';
export { LETTER_FORMATS } from './letter';
export type { LetterContent, LetterFormat } from './letter';
export { CHANNELS, chooseChannels, isEmailAddress } from './channels';
export type { Channel, ChannelChoice, ChannelInputs, ChannelRuledOut } from './channels';
export {
  APPOINTMENT_FIELDS,
  COMMON_FIELDS,
  DEFAULT_TEMPLATES,
  MESSAGE_KINDS,
  SMS_MAX_FRAGMENTS,
  TEMPLATE_FORMATS,
  defaultTemplate,
  fieldsFor,
  isAppointmentKind,
  templateChannels,
  templateFormatFor,
  templateFormats,
  templateProblems,
} from './default-templates';
export type { DefaultTemplate, MessageKind, TemplateFormat, TemplateProblem } from './default-templates';

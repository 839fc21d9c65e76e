// The public API of core's communications module: message templates and SMS length.
export { fieldKey, renderTemplate, smsFragments, templateFields } from './template';
export type { RenderResult, TemplateField } from './template';
export { LETTER_FORMATS } from './letter';
export type { LetterContent, LetterFormat } from './letter';

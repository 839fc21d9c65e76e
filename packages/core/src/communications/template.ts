/**
 * Message templates with `((placeholder))` fields, as GOV.UK Notify writes them, so that one template text works
 * in the embedded outbox and in Notify alike.
 *
 * - `((name))` is replaced by the value given for `name`. Names are matched without regard to case or spaces
 *   (`((Appointment date))` and `((appointmentdate))` are one field), as Notify does.
 * - `((name??text))` is optional text: `text` appears when `name` is true or "yes", and nothing otherwise.
 * - A template is rendered only when every field has a value: otherwise the missing fields are listed, so a
 *   message is never sent with a hole in it.
 */

export interface TemplateField {
  /** The name as written in the template (first use). */
  name: string;
  /** Case- and space-free form used for matching. */
  key: string;
  /** Optional text (`((name??text))`) rather than a value. */
  conditional: boolean;
}

export type RenderResult = { ok: true; text: string } | { ok: false; missing: string[] };

const FIELD = /\(\(([^()]+?)(\?\?([^()]*))?\)\)/g;

/** The form a field's name is matched in: lower case, no spaces. */
export const fieldKey = (name: string): string => name.toLowerCase().replace(/\s+/g, '');

/** The fields a template uses, each once, in the order they first appear. */
export function templateFields(body: string): TemplateField[] {
  const seen = new Map<string, TemplateField>();
  for (const m of body.matchAll(FIELD)) {
    const name = m[1]!.trim();
    const key = fieldKey(name);
    if (key.length > 0 && !seen.has(key)) seen.set(key, { name, key, conditional: m[2] !== undefined });
  }
  return [...seen.values()];
}

type Value = string | number | boolean | null | undefined;

/** Fills a template's fields from `values` (matched by `fieldKey`), or lists the fields with no value. */
export function renderTemplate(body: string, values: Readonly<Record<string, Value>>): RenderResult {
  const byKey = new Map<string, Value>();
  for (const [name, value] of Object.entries(values)) byKey.set(fieldKey(name), value);
  const missing = templateFields(body)
    .filter((f) => !f.conditional)
    .filter((f) => {
      const v = byKey.get(f.key);
      return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
    })
    .map((f) => f.name);
  if (missing.length > 0) return { ok: false, missing };
  const text = body.replace(FIELD, (whole: string, rawName: string, optional?: string, shown?: string) => {
    const key = fieldKey(rawName);
    if (key.length === 0) return whole;
    const v = byKey.get(key);
    if (optional !== undefined)
      return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'yes') ? (shown ?? '') : '';
    return String(v);
  });
  return { ok: true, text };
}

/** GSM 03.38 basic characters (and the extension table's, which count twice): what an SMS can carry as text. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€';

/**
 * How many text messages an SMS body takes (what Notify charges): 160 GSM characters in one, 153 in each part of
 * a longer one; any character outside GSM (an emoji, a curly quote) makes it Unicode: 70 in one, 67 per part.
 */
export function smsFragments(text: string): number {
  let gsmLength = 0;
  let unicode = false;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) gsmLength += 1;
    else if (GSM_EXTENDED.includes(ch)) gsmLength += 2;
    else {
      unicode = true;
      break;
    }
  }
  if (text.length === 0) return 0;
  if (unicode) {
    const units = [...text].length;
    return units <= 70 ? 1 : Math.ceil(units / 67);
  }
  return gsmLength <= 160 ? 1 : Math.ceil(gsmLength / 153);
}

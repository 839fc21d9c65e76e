/**
 * Finding a file's columns from the headings other systems use. Each field has a list of headings it goes
 * by (its aliases, in order of preference); the first one the file has is taken, matched ignoring case,
 * spaces and punctuation ('NHS No.' is 'NHS no', '&' is 'and'). The caller may name the heading of any field
 * instead (a mapping), and then only that heading is looked for.
 */
import { headingKey } from './values';

/** A problem with the columns, reported once on the header row. */
export interface ColumnProblem<F extends string> {
  field: F;
  /** The heading looked for (as mapped, or the field's first alias); null when the mapping left it blank. */
  column: string | null;
  message: string;
}

export interface MatchedColumns<F extends string> {
  /** The column index of each field found. */
  index: Map<F, number>;
  /** The heading, as written in the file, of each field found. */
  columns: Partial<Record<F, string>>;
  problems: ColumnProblem<F>[];
  /** Required fields without a usable column. */
  missing: F[];
  /** Headings no field is read from. */
  ignored: string[];
}

function quote(value: string): string {
  return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
}

/**
 * Matches the header against each field's aliases, or the heading `mapping` names for it (a blank name in
 * the mapping means "not in this file"). A required field with no column, a heading found twice, or one
 * column taken by two fields is a problem. Fields are matched in the order of `aliases`' keys, so when two
 * fields could take the same column, the first keeps it and the second is reported.
 */
export function matchColumns<F extends string>(
  header: readonly string[],
  aliases: Readonly<Record<F, readonly string[]>>,
  mapping: Readonly<Partial<Record<F, string>>>,
  required: readonly F[],
  labels: Readonly<Record<F, string>>,
): MatchedColumns<F> {
  const byKey = new Map<string, number[]>();
  header.forEach((name, i) => {
    const key = headingKey(name);
    if (key !== '') byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const index = new Map<F, number>();
  const columns: Partial<Record<F, string>> = {};
  const problems: ColumnProblem<F>[] = [];
  const missing: F[] = [];
  const usedBy = new Map<number, F>();

  for (const field of Object.keys(aliases) as F[]) {
    const isRequired = required.includes(field);
    const mapped = Object.hasOwn(mapping, field) ? (mapping[field]?.trim() ?? '') : undefined;
    if (mapped === '') {
      if (isRequired) {
        problems.push({ field, column: null, message: `Choose the column that holds the ${labels[field]}` });
        missing.push(field);
      }
      continue;
    }
    const candidates = mapped === undefined ? aliases[field] : [mapped];
    let name = candidates[0] ?? labels[field];
    let found: number[] = [];
    for (const candidate of candidates) {
      const at = byKey.get(headingKey(candidate));
      if (at !== undefined) {
        name = candidate;
        found = at;
        break;
      }
    }
    const [only, ...more] = found;
    if (only === undefined) {
      if (isRequired) {
        problems.push({
          field,
          column: name,
          message:
            mapped === undefined
              ? `The file has no ${quote(name)} column: add it, or choose the column that holds the ${labels[field]}`
              : `The file has no ${quote(name)} column`,
        });
        missing.push(field);
      }
      continue;
    }
    if (more.length > 0) {
      problems.push({
        field,
        column: name,
        message: `The file has ${found.length} ${quote(name)} columns: keep one`,
      });
      missing.push(field);
      continue;
    }
    const heading = header[only] ?? name;
    const other = usedBy.get(only);
    if (other !== undefined) {
      problems.push({
        field,
        column: heading,
        message: `The ${quote(heading)} column is chosen for both ${labels[other]} and ${labels[field]}`,
      });
      missing.push(field);
      continue;
    }
    usedBy.set(only, field);
    index.set(field, only);
    columns[field] = heading;
  }
  const ignored = header.filter((name, i) => name.trim() !== '' && !usedBy.has(i));
  return { index, columns, problems, missing, ignored };
}

/**
 * The heading a field is read from: the one the caller names, else the first of `aliases` that the header
 * has (matched as `matchColumns` does), as written in the file; null when the file has none of them.
 */
export function pickHeading(
  header: readonly string[],
  aliases: readonly string[],
  named?: string,
): string | null {
  const candidates = named !== undefined && named.trim() !== '' ? [named.trim()] : aliases;
  for (const candidate of candidates) {
    const key = headingKey(candidate);
    const found = header.find((h) => headingKey(h) === key);
    if (found !== undefined) return found;
  }
  return null;
}

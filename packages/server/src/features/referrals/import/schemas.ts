/**
 * TypeBox schemas for an uploaded spreadsheet import (the bulk referral import, the e-RS worklist and PTL
 * extract imports): the request's file, the report (dry run 200, imported 201) and the 422 refusal carrying it.
 */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import { DUPLICATE_KINDS } from '@pathflow/core';
import { Nullable, Uuid } from '../../../http/schemas';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../../openapi/problem-schema';
import { MAX_IMPORT_FILE_BYTES } from './read-file';

export const Literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

/**
 * A problem+json response with extension members: the shared Problem schema and the members, so that they
 * are documented and sent (fast-json-stringify sends only declared properties).
 */
export const problemWith = (description: string, extension: Record<string, TSchema>) => ({
  description,
  content: {
    [PROBLEM_CONTENT_TYPE]: {
      schema: Type.Intersect([Type.Ref(ProblemSchema), Type.Object(extension)]),
    },
  },
});

/** Base64 of a 5 MB file. */
const MAX_CONTENT_LENGTH = Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4;

/** A route's `bodyLimit`: a 5 MB file in base64 with its JSON around it. */
export const UPLOAD_BODY_LIMIT = MAX_CONTENT_LENGTH + 512 * 1024;

/** The file itself: its name and its bytes. */
export const uploadFileProperties = {
  fileName: Type.String({ minLength: 1, maxLength: 200, description: 'Ends .csv or .xlsx' }),
  content: Type.String({
    minLength: 1,
    maxLength: MAX_CONTENT_LENGTH,
    contentEncoding: 'base64',
    description: 'The file, base64-encoded (5 MB at most, 20,000 rows)',
  }),
};

/** The worksheet of a workbook to read (the first when not given). */
export const sheetProperty = (options: { description?: string } = {}) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 100, ...options }));

export const DryRun = Type.Optional(
  Type.Boolean({ description: 'Check and report without importing anything' }),
);

/** The referral imports' duplicate checks. */
export const duplicateProperties = {
  allowDuplicateRows: Type.Optional(
    Type.Array(Type.Integer({ minimum: 2 }), {
      maxItems: 20_000,
      description: 'Rows checked by a person and confirmed as separate referrals',
    }),
  ),
  duplicateWindowDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
};

/** `mapping`: the heading of each field (of `fields`) where the file does not use the usual ones. */
export function columnMapping<F extends string>(
  fields: readonly F[],
  minLength: number,
  description: string,
) {
  const name = Type.Optional(Type.String({ minLength, maxLength: 100 }));
  return Type.Optional(
    Type.Object(Object.fromEntries(fields.map((f) => [f, name])) as Record<F, typeof name>, {
      additionalProperties: false,
      description,
    }),
  );
}

/** A report's possible duplicates (the referral imports). */
export const DuplicatesSchema = Type.Array(
  Type.Object({
    row: Type.Integer(),
    kind: Literals(DUPLICATE_KINDS),
    withRow: Type.Optional(Type.Integer()),
    existing: Type.Optional(Type.Boolean()),
    column: Nullable(Type.String()),
    allowed: Type.Boolean({ description: 'Confirmed as a separate referral (allowDuplicateRows)' }),
    message: Type.String(),
  }),
);

/**
 * An import's report: its head, `summary` (counts, with `counts` between the problems and the message),
 * every problem (its `field` one of `fields`), `beforeColumns` (the duplicates), the columns found and
 * ignored, then `after`. `column` and `columns` describe a problem's column and the columns found.
 */
export function importReportSchema<B extends TProperties, A extends TProperties>(o: {
  counts: TProperties;
  fields: readonly string[];
  column: string;
  columns: string;
  beforeColumns: B;
  after: A;
}) {
  return Type.Object({
    importId: Nullable(Uuid),
    fileName: Type.String(),
    sheet: Nullable(Type.String()),
    dryRun: Type.Boolean(),
    imported: Type.Boolean({ description: 'True only when every row was imported' }),
    rows: Type.Integer(),
    importedRows: Type.Integer(),
    summary: Type.Object({
      rows: Type.Integer(),
      rowsWithProblems: Type.Integer(),
      problems: Type.Integer(),
      ...o.counts,
      message: Type.String(),
    }),
    problems: Type.Array(
      Type.Object({
        row: Type.Integer({ description: 'Spreadsheet row (the header row for problems with the columns)' }),
        column: Nullable(Type.String({ description: o.column })),
        field: Nullable(Type.String({ enum: [...o.fields] })),
        message: Type.String(),
      }),
    ),
    ...o.beforeColumns,
    columns: Type.Record(Type.String(), Type.String(), { description: o.columns }),
    ignoredColumns: Type.Array(Type.String()),
    ...o.after,
  });
}

/** The responses of an import route: the report (dry run 200, imported 201), `errors`, the 422 refusal. */
export const importResponses = <R extends TSchema, E extends Record<number, unknown>>(
  report: R,
  errors: E,
) => ({
  200: report,
  201: report,
  ...errors,
  422: problemWith('No row was imported: the report lists every problem', { report }),
});

/**
 * TypeBox building blocks every route's schema uses: the same formats and descriptions everywhere, so the
 * OpenAPI description says one thing for one kind of value.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { MAX_OFFSET } from '@pathflow/core';

/** A value or null. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const Uuid = Type.String({ format: 'uuid' });
export const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
export const IsoDateTime = Type.String({ format: 'date-time' });

/** A list's `offset` query parameter: at most core's `MAX_OFFSET` (`1e308` is an integer to JSON Schema). */
export const PageOffset = Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 });

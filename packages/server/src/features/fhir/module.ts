/**
 * One FHIR resource type as this server offers it: the permission to read (and write) it, its search
 * parameters, and the functions that read, search and change it. The routes (`routes.ts`) and the
 * CapabilityStatement (`capability.ts`) are both made from these modules, so the statement says exactly what
 * the server does.
 */
import type { FastifyRequest } from 'fastify';
import type { FhirResource as Resource } from 'fhir/r4';
import type { Permission } from '@pathflow/core';
import type { Database } from '../../db/client';
import type { RequestContext } from '../../auth/principal';
import type { SearchParams } from './search';

export interface SearchParamDef {
  name: string;
  type: 'token' | 'date' | 'string' | 'reference' | 'number' | 'uri' | 'quantity';
  documentation: string;
}

export interface SearchPage {
  /** The matches, in the order the search gives them, at most `params.count`. */
  matches: Resource[];
  /** Resources `_include` brought in (each once). */
  included?: Resource[];
  /** There are more matches after this page. */
  more: boolean;
  /** The number of matches in all, when it is known without a second count (or `_total=accurate` asked). */
  total?: number;
}

export interface WriteResult {
  resource: Resource & { id: string; meta?: { versionId?: string } };
  /** 201 for a create, 200 for an update. */
  status: 200 | 201;
}

export interface FhirResourceModule {
  type: string;
  /** The profile its resources claim in meta.profile (a UK Core profile, where one is published). */
  profile: string;
  read: Permission;
  /** The shape of this type's ids when they are not UUIDs (a HealthcareService is its treatment function code). */
  idPattern?: RegExp;
  write?: Permission;
  documentation: string;
  searchParams: SearchParamDef[];
  /** `_include` values offered, e.g. `Slot:schedule`. */
  includes?: string[];
  /** Reads one resource (audited when it is a patient's), or null when there is none with this id. */
  readById(db: Database, ctx: RequestContext, id: string): Promise<Resource | null>;
  search(db: Database, ctx: RequestContext, params: SearchParams): Promise<SearchPage>;
  /** POST /<type>: the body has been checked to be a JSON object of this resourceType. */
  create?(
    db: Database,
    ctx: RequestContext,
    body: Record<string, unknown>,
    request: FastifyRequest,
  ): Promise<WriteResult>;
  /** PUT /<type>/<id> with the version from If-Match. */
  update?(
    db: Database,
    ctx: RequestContext,
    id: string,
    body: Record<string, unknown>,
    version: number,
  ): Promise<WriteResult>;
  /** PATCH /<type>/<id> (JSON Patch) with the version from If-Match. */
  patch?(
    db: Database,
    ctx: RequestContext,
    id: string,
    operations: unknown[],
    version: number,
  ): Promise<WriteResult>;
  /** Interactions beyond read and search, for the CapabilityStatement (e.g. `Patient/{id}/Appointment`). */
  documentationOfWrites?: string;
}

/**
 * The CapabilityStatement (`GET /fhir/R4/metadata`) and the SMART configuration, made from the resource modules
 * the server actually registers: each type's interactions are the functions its module has, its search
 * parameters the ones its search reads, so the statement cannot claim what the server does not do.
 */
import type { FastifyRequest } from 'fastify';
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4';
import type { FhirResourceModule } from './module';
import { COMMON_PARAMS_DOCUMENTED } from './search';

const SOFTWARE_VERSION = '0.1.0';

export function capabilityStatement(
  base: string,
  modules: readonly FhirResourceModule[],
  published: Date,
): CapabilityStatement {
  const origin = base.replace(/\/fhir\/R4$/, '');
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: published.toISOString(),
    publisher: 'Pathflow',
    kind: 'instance',
    software: { name: 'Pathflow', version: SOFTWARE_VERSION },
    implementation: { description: 'Pathflow FHIR R4 API (UK Core)', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Read and search, and booking and cancelling appointments, for the trust that the token or session belongs to. Search results are paged with _count (up to 500) and the next and previous links. Unknown search parameters are ignored unless the request sends Prefer: handling=strict.',
        security: {
          cors: false,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          description:
            'OAuth 2.0 client credentials with SMART-style system scopes (system/Slot.read, system/Appointment.write …), limited to what the client’s role allows; or a signed-in staff session. Every read and write of a patient’s record is audited.',
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${origin}/oauth2/token` }],
            },
          ],
        },
        resource: modules.map(resourceOf),
        searchParam: COMMON_PARAMS_DOCUMENTED,
      },
    ],
  };
}

function resourceOf(mod: FhirResourceModule): CapabilityStatementRestResource {
  const interaction: CapabilityStatementRestResource['interaction'] = [
    { code: 'read' },
    { code: 'vread', documentation: 'Only the current version is kept: an earlier version is not found' },
    { code: 'search-type' },
  ];
  if (mod.write && mod.create) interaction.push({ code: 'create' });
  if (mod.write && mod.update)
    interaction.push({ code: 'update', documentation: 'Needs If-Match with the current version' });
  if (mod.write && mod.patch)
    interaction.push({ code: 'patch', documentation: 'JSON Patch; needs If-Match with the current version' });
  return {
    type: mod.type,
    profile: mod.profile,
    documentation: [mod.documentation, mod.documentationOfWrites].filter(Boolean).join(' '),
    interaction,
    versioning: 'versioned',
    readHistory: false,
    updateCreate: false,
    conditionalCreate: false,
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    ...(mod.includes && mod.includes.length > 0 ? { searchInclude: mod.includes } : {}),
    searchParam: mod.searchParams.map((p) => ({
      name: p.name,
      type: p.type,
      documentation: p.documentation,
    })),
  };
}

export function smartConfiguration(request: FastifyRequest, modules: readonly FhirResourceModule[]) {
  const origin = `${request.protocol}://${request.host}`;
  return {
    token_endpoint: `${origin}/oauth2/token`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: modules.flatMap((m) => [
      `system/${m.type}.read`,
      ...(m.write ? [`system/${m.type}.write`] : []),
    ]),
    capabilities: ['client-confidential-symmetric', 'permission-v1'],
  };
}

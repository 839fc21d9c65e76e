/** The package ships no types: the part the tests use. */
declare module '@asymmetrik/fhir-json-schema-validator' {
  export default class JsonSchemaValidator {
    validate(resource: unknown): { dataPath?: string; message?: string; params?: unknown }[];
  }
}

import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { Invalid, describeValidation } from './errors.ts';

function build(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({
    coerceTypes,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

// Bodies are validated strictly: "30" is not a number and unknown fields are refused, not
// silently dropped. Query strings and path parameters are text on the wire, so they coerce.
const strict = build(false);
const coercing = build('array');

export function installValidators(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema),
  );
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Validates a nested document (a check's config) and names the field that is wrong. */
export function assertValid(schema: object, value: unknown, context: string): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = strict.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) throw new Invalid(describeValidation(validate.errors ?? [], context));
}

import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { Invalid, describeValidation } from './errors.ts';

// ajv-formats' uuid also accepts a `urn:uuid:` prefix, which PostgreSQL's uuid type refuses.
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// PostgreSQL stores neither NUL in text nor an unpaired UTF-16 surrogate in jsonb.
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (or key) in a parsed request part that cannot be stored. */
export function findUnstorableText(value: unknown, path: string): string | null {
  if (typeof value === 'string') return unstorable.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorableText(item, `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (unstorable.test(key)) return `${path} (a field name)`;
      const found = findUnstorableText(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function build(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({
    coerceTypes,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  ajv.addFormat('uuid', uuid);
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
  app.addHook('preValidation', async (request) => {
    const found =
      findUnstorableText(request.params, 'params') ??
      findUnstorableText(request.query, 'querystring') ??
      findUnstorableText(request.body, 'body');
    if (found) {
      throw new Invalid(
        `${found} contains a NUL character or an unpaired surrogate, which cannot be stored`,
      );
    }
  });
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

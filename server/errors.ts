import type { FastifyError, FastifyInstance } from 'fastify';

/** Errors a service throws on purpose; the error handler maps each to its HTTP status. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class Invalid extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, message, details);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'log in first: no valid session cookie or bearer token') {
    super(401, message);
  }
}
export class Forbidden extends AppError {
  constructor(message: string) {
    super(403, message);
  }
}
export class NotFound extends AppError {
  constructor(message: string) {
    super(404, message);
  }
}
export class Conflict extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(409, message, details);
  }
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns the first schema violation into words that name the field, e.g. `body.intervalS must be >= 5`. */
export function describeValidation(issues: AjvIssue[], context: string): string {
  const issue = issues[0];
  if (!issue) return `${context} is invalid`;
  const path = [context, ...issue.instancePath.split('/').filter(Boolean)].join('.');
  switch (issue.keyword) {
    case 'additionalProperties':
      return `${path} has an unknown field '${String(issue.params.additionalProperty)}'`;
    case 'required':
      return `${path}.${String(issue.params.missingProperty)} is required`;
    case 'enum':
      return `${path} must be one of: ${(issue.params.allowedValues as unknown[]).join(', ')}`;
    case 'type':
      return `${path} must be ${String(issue.params.type)}`;
    default:
      return `${path} ${issue.message ?? 'is invalid'}`;
  }
}

/**
 * drizzle's "Failed query" errors carry the query's parameters, which can be password hashes or
 * tokens: the log gets the statement and the driver's reason, never the values.
 */
export function redacted(error: Error): Record<string, unknown> {
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return {
    type: error.name,
    message: error.message.split('\nparams:')[0],
    code: pgCode(error),
    cause: cause ? cause.message : undefined,
    stack: (error.stack ?? '')
      .split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .join('\n'),
  };
}

function pgCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return pgCode((error as { cause?: unknown }).cause);
}

/** 22021 bad byte sequence, 22P05 untranslatable character, 22P02 bad text representation. */
function isTextEncodingError(error: unknown): boolean {
  return ['22021', '22P05', '22P02'].includes(pgCode(error) ?? '');
}

const names: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    let statusCode = 500;
    let message = 'internal error; the server log has the details';
    let details: Record<string, unknown> | undefined;
    if (error instanceof AppError) {
      statusCode = error.statusCode;
      message = error.message;
      details = error.details;
    } else if ('validation' in error && error.validation) {
      statusCode = 400;
      message = describeValidation(error.validation, error.validationContext ?? 'body');
    } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      statusCode = 400;
      message = `body is not valid JSON: ${error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'$/, 'it could not be parsed')}`;
    } else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      statusCode = 400;
      message = 'body is empty but content-type is application/json';
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      statusCode = 413;
      message = `body is larger than the ${Math.round((request.routeOptions.bodyLimit ?? 1048576) / 1024)} KiB limit`;
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      statusCode = 415;
      message = `body has unsupported content-type '${request.headers['content-type'] ?? ''}'; send application/json`;
    } else if (isTextEncodingError(error)) {
      // A last line of defence: validation already refuses such text, naming the field.
      statusCode = 400;
      message = 'a text value contains characters that cannot be stored';
    } else if (error.statusCode === 503) {
      // @fastify/under-pressure: the event loop is lagging; the client should retry shortly.
      statusCode = 503;
      message = 'the server is overloaded; retry in a few seconds';
    } else if (
      typeof error.statusCode === 'number' &&
      error.statusCode >= 400 &&
      error.statusCode < 500
    ) {
      statusCode = error.statusCode;
      message = error.message;
    }
    if (statusCode >= 500) request.log.error({ err: redacted(error) }, 'request failed');
    else request.log.info({ statusCode, reason: message }, 'request rejected');
    void reply.status(statusCode).send({
      statusCode,
      error: names[statusCode] ?? 'Internal Server Error',
      message,
      ...details,
    });
  });
}

/** PostgreSQL error codes, read the same way from postgres.js and PGlite errors. */
function code(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const direct = (error as { code?: unknown }).code;
  if (typeof direct === 'string') return direct;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : code(cause);
}

/** The violated constraint's name: `constraint_name` on postgres.js, `constraint` on PGlite. */
export function constraintOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { constraint_name?: unknown; constraint?: unknown; cause?: unknown };
  if (typeof e.constraint_name === 'string') return e.constraint_name;
  if (typeof e.constraint === 'string') return e.constraint;
  return e.cause === undefined ? undefined : constraintOf(e.cause);
}

export const isUniqueViolation = (error: unknown) => code(error) === '23505';
export const isForeignKeyViolation = (error: unknown) => code(error) === '23503';

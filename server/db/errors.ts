/** PostgreSQL error codes, read the same way from postgres.js and PGlite errors. */
function code(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const direct = (error as { code?: unknown }).code;
  if (typeof direct === 'string') return direct;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : code(cause);
}

export const isUniqueViolation = (error: unknown) => code(error) === '23505';
export const isForeignKeyViolation = (error: unknown) => code(error) === '23503';

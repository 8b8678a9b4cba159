/**
 * The problems of one row of a table form, each said with the field it is about:
 * under 'steps[1]', { 'steps[1].tolerance': 'not below 0' } gives ['tolerance: not below 0'].
 */
export function rowProblems(wrong: Record<string, string>, row: string): string[] {
  return Object.entries(wrong)
    .filter(([field]) => field.startsWith(`${row}.`))
    .map(([field, text]) => `${field.slice(row.length + 1)}: ${text}`);
}

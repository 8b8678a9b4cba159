import type { RunnerLogger } from './runner.ts';

/** One JSON object a line on stdout, the shape log collectors expect; errors as their message. */
export function jsonLogger(
  name: () => string,
): RunnerLogger & { error(obj: object, msg: string): void } {
  const write = (level: string, obj: object, msg: string) => {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj))
      fields[key] = value instanceof Error ? `${value.name}: ${value.message}` : value;
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level, probe: name(), msg, ...fields })}\n`,
    );
  };
  return {
    info: (obj, msg) => write('info', obj, msg),
    warn: (obj, msg) => write('warn', obj, msg),
    error: (obj, msg) => write('error', obj, msg),
  };
}

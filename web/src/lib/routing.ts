import type { Reading, RouterReference, Status } from './types.ts';

/** What an output should show, and who says so. */
export interface Expectation {
  input: number;
  /** The suite whose reference routing this is; null: set on the router's check itself. */
  suite: string | null;
  suiteId: string | null;
  label: string;
}

export interface RouteRow {
  output: number;
  outputLabel: string;
  /** The input it shows, numbered from 1; null when the router has not said. */
  input: number | null;
  inputLabel: string;
  expected: Expectation | null;
  /** differs: expected and shown inputs are not the same. */
  state: 'ok' | 'differs' | 'free' | 'unknown';
  /** The probe's judgement of the route reading, when it judged it. */
  status: Status | null;
}

const routeReading = /^videohub\.route\[(\d+)\]$/;

/** Labels numbered from 1 from the check's facts: `input.3` → Camera 2. */
export function labels(
  facts: Record<string, string>,
  side: 'input' | 'output',
): Map<number, string> {
  const map = new Map<number, string>();
  const prefix = `${side}.`;
  for (const [key, value] of Object.entries(facts)) {
    if (!key.startsWith(prefix)) continue;
    const n = Number(key.slice(prefix.length));
    if (Number.isInteger(n) && n > 0) map.set(n, value);
  }
  return map;
}

/** Reference routing: the suites' (which win per output, as on the server) over the check's own. */
export function expectations(
  checkRoutes: unknown,
  references: RouterReference[],
): Map<number, Expectation> {
  const map = new Map<number, Expectation>();
  if (checkRoutes && typeof checkRoutes === 'object') {
    for (const [output, input] of Object.entries(checkRoutes as Record<string, unknown>)) {
      if (typeof input === 'number')
        map.set(Number(output), { input, suite: null, suiteId: null, label: '' });
    }
  }
  for (const r of references)
    map.set(r.output, { input: r.input, suite: r.suite, suiteId: r.suiteId, label: r.label });
  return map;
}

/** One row per output the router has (or that is referenced or routed), in output order. */
export function routeRows(
  readings: Record<string, Reading>,
  facts: Record<string, string>,
  expected: Map<number, Expectation>,
): RouteRow[] {
  const inputs = labels(facts, 'input');
  const outputs = labels(facts, 'output');
  const routed = new Map<number, Reading>();
  for (const [key, reading] of Object.entries(readings)) {
    const match = routeReading.exec(key);
    if (match) routed.set(Number(match[1]), reading);
  }
  const count = Math.max(
    readings['videohub.outputs']?.value ?? 0,
    ...routed.keys(),
    ...outputs.keys(),
    ...expected.keys(),
  );
  const rows: RouteRow[] = [];
  for (let output = 1; output <= count; output += 1) {
    const reading = routed.get(output);
    const input = reading ? reading.value : null;
    const expect = expected.get(output) ?? null;
    let state: RouteRow['state'] = 'free';
    if (expect) state = input === null ? 'unknown' : input === expect.input ? 'ok' : 'differs';
    rows.push({
      output,
      outputLabel: outputs.get(output) ?? '',
      input,
      inputLabel: input === null ? '' : (inputs.get(input) ?? ''),
      expected: expect,
      state,
      status: reading?.status ?? null,
    });
  }
  return rows;
}

/** "input 5 (Resolve 1)". */
export function inputName(input: number, facts: Record<string, string>): string {
  const label = facts[`input.${input}`];
  return label ? `input ${input} (${label})` : `input ${input}`;
}

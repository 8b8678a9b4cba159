import { Type, type Static } from 'typebox';
import { instanceName } from '../profiles/types.ts';
import {
  summarize,
  type Finding,
  type ProbeKind,
  type ProbeOutcome,
  type Reading,
} from '../types.ts';
import { connectionFor } from '../videohub/connection.ts';
import type { VideohubState } from '../videohub/protocol.ts';

export const videohubConfigSchema = Type.Object(
  {
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Default 9990' })),
    expectRoutes: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[1-9][0-9]{0,3}$' }),
        Type.Integer({ minimum: 1, maximum: 9999 }),
        {
          description:
            'Reference routing: output number -> the input it must show, numbered from 1 as on the router panel',
        },
      ),
    ),
    routeSuites: Type.Optional(
      Type.Record(Type.String({ pattern: '^[1-9][0-9]{0,3}$' }), Type.String({ maxLength: 100 }), {
        description:
          "The suite whose reference routing each output belongs to; the server fills this in from the suites' routing",
      }),
    ),
  },
  { additionalProperties: false },
);

export type VideohubConfig = Static<typeof videohubConfigSchema>;

const named = (labels: Map<number, string>, zeroBased: number, what: string) => {
  const label = labels.get(zeroBased);
  return label ? `${what} ${zeroBased + 1} (${label})` : `${what} ${zeroBased + 1}`;
};

/** Where the router's routing differs from the reference, in the words a person would use. */
export function routingFindings(
  state: VideohubState,
  expect: Record<string, number>,
  suitesByOutput: Record<string, string> = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const [outputText, input] of Object.entries(expect)) {
    const output = Number(outputText) - 1;
    if (state.outputs !== null && output >= state.outputs) {
      findings.push({
        status: 'warning',
        message: `output ${output + 1} does not exist; the router has ${state.outputs}`,
      });
      continue;
    }
    const actual = state.routing.get(output);
    if (actual === undefined || actual === input - 1) continue;
    const suite = suitesByOutput[outputText];
    findings.push({
      status: 'critical',
      reading: instanceName('videohub.route', outputText),
      message: `${suite ? `${suite}: ` : ''}${named(state.outputLabels, output, 'output')} shows ${named(state.inputLabels, actual, 'input')}, expected ${named(state.inputLabels, input - 1, 'input')}`,
    });
  }
  return findings;
}

export const videohubProbe: ProbeKind<typeof videohubConfigSchema> = {
  kind: 'videohub',
  configSchema: videohubConfigSchema,
  async run(config, context): Promise<ProbeOutcome> {
    const connection = connectionFor(context.host, config.port ?? 9990);
    const state = await connection.ready(
      Math.max(100, Math.floor(context.timeoutMs * 0.8)),
      context.signal,
    );
    const readings: Reading[] = [
      { name: 'videohub.connected', value: 1, unit: '' },
      { name: 'videohub.device_present', value: state.devicePresent === 'true' ? 1 : 0, unit: '' },
      { name: 'videohub.garbage_lines', value: connection.garbageLines, unit: '' },
    ];
    if (state.inputs !== null)
      readings.push({ name: 'videohub.inputs', value: state.inputs, unit: '' });
    if (state.outputs !== null)
      readings.push({ name: 'videohub.outputs', value: state.outputs, unit: '' });
    readings.push({
      name: 'videohub.locked_outputs',
      value: [...state.locks.values()].filter((lock) => lock === 'L').length,
      unit: '',
    });
    const expect = config.expectRoutes ?? {};
    const findings = routingFindings(state, expect, config.routeSuites);
    const wrong = new Map(findings.map((f) => [f.reading, f.message]));
    for (const [output, input] of state.routing) {
      const name = instanceName('videohub.route', String(output + 1));
      const reading: Reading = { name, value: input + 1, unit: '' };
      // Outputs with a reference are judged; the rest are only reported.
      const note = wrong.get(name);
      if (note !== undefined) {
        reading.status = 'critical';
        reading.note = note;
      } else if (expect[String(output + 1)] !== undefined) reading.status = 'ok';
      readings.push(reading);
    }
    if (state.devicePresent === 'false')
      findings.push({ status: 'critical', message: 'the router reports no device present' });
    if (state.devicePresent === 'needs_update') {
      findings.push({ status: 'warning', message: 'the router needs a firmware update' });
    }
    const { status, message } = summarize(
      findings,
      `${state.model ?? 'Videohub'}: ${state.outputs ?? '?'} outputs, routing as expected`,
    );
    return { status, message, readings, facts: factsOf(state) };
  },
};

/** The router's model and port labels, numbered from 1, for the router page. */
function factsOf(state: VideohubState): Record<string, string> {
  const facts: Record<string, string> = {};
  if (state.model) facts.model = state.model;
  for (const [index, label] of state.inputLabels) facts[`input.${index + 1}`] = label;
  for (const [index, label] of state.outputLabels) facts[`output.${index + 1}`] = label;
  return facts;
}

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Type, type Static } from 'typebox';
import type { ProbeContext, ProbeKind, ProbeOutcome, Reading } from '../types.ts';

const maxBodyBytes = 1024 * 1024;

export const httpConfigSchema = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      pattern: '^https?://',
      maxLength: 2000,
      description: 'http:// or https:// URL',
    }),
    method: Type.Optional(Type.Unsafe<'GET' | 'HEAD'>({ type: 'string', enum: ['GET', 'HEAD'] })),
    expectStatus: Type.Optional(
      Type.String({
        pattern: '^[1-5][0-9]{2}(-[1-5][0-9]{2})?(,[1-5][0-9]{2}(-[1-5][0-9]{2})?)*$',
        description: 'A code, a range or a list: "200", "200-299", "200,301-302". Default 200-399.',
      }),
    ),
    bodyContains: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
    warnLatencyMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
    tlsVerify: Type.Optional(
      Type.Boolean({ description: 'Check the certificate chain (default true).' }),
    ),
  },
  { additionalProperties: false },
);

export type HttpConfig = Static<typeof httpConfigSchema>;

/** Parses "200,301-302" into ranges; the schema has already checked the shape. */
export function parseStatusRanges(spec: string): Array<[number, number]> {
  return spec.split(',').map((part) => {
    const [from, to] = part.split('-').map(Number);
    return [from ?? 0, to ?? from ?? 0];
  });
}

export function statusMatches(code: number, spec: string): boolean {
  return parseStatusRanges(spec).some(([from, to]) => code >= from && code <= to);
}

function send(
  config: HttpConfig,
  context: ProbeContext,
): Promise<{ response: IncomingMessage; body: string }> {
  const url = new URL(config.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: config.method ?? 'GET',
        signal: context.signal,
        rejectUnauthorized: config.tlsVerify ?? true,
        headers: { 'user-agent': 'Suitewatch-probe', accept: '*/*' },
        // A fresh connection each run: we measure the device, not our keep-alive pool.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (!config.bodyContains) return;
          if (size < maxBodyBytes) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () =>
          resolve({ response, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export const httpProbe: ProbeKind<typeof httpConfigSchema> = {
  kind: 'http',
  configSchema: httpConfigSchema,
  async run(config, context): Promise<ProbeOutcome> {
    const started = performance.now();
    const { response, body } = await send(config, context);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const code = response.statusCode ?? 0;
    const readings: Reading[] = [
      { name: 'http.latency_ms', value: latencyMs, unit: 'ms' },
      { name: 'http.status_code', value: code, unit: '' },
    ];
    const expect = config.expectStatus ?? '200-399';
    if (!statusMatches(code, expect)) {
      return { status: 'critical', message: `HTTP ${code}, expected ${expect}`, readings };
    }
    if (config.bodyContains && !body.includes(config.bodyContains)) {
      return {
        status: 'critical',
        message: `HTTP ${code} but the body does not contain '${config.bodyContains}'`,
        readings,
      };
    }
    if (config.warnLatencyMs && latencyMs > config.warnLatencyMs) {
      return {
        status: 'warning',
        message: `HTTP ${code} in ${latencyMs} ms, slower than ${config.warnLatencyMs} ms`,
        readings,
      };
    }
    return { status: 'ok', message: `HTTP ${code} in ${latencyMs} ms`, readings };
  },
};

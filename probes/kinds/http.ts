import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Type, type Static } from 'typebox';
import type { ProbeContext, ProbeKind, ProbeOutcome, Reading } from '../types.ts';

// How much of a body is searched for `bodyContains`.
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

interface Answer {
  code: number;
  /** Time to the response headers: what the device took, not how long its body took to stream. */
  latencyMs: number;
  /** Whether the expected text was seen in the first 1 MiB; null when nothing was asked. */
  found: boolean | null;
}

function send(config: HttpConfig, context: ProbeContext): Promise<Answer> {
  const url = new URL(config.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const started = performance.now();
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
      (response: IncomingMessage) => {
        const code = response.statusCode ?? 0;
        const latencyMs = Math.round((performance.now() - started) * 10) / 10;
        const wanted = config.bodyContains;
        // Without a body check the body is never read: a camera's endless MJPEG stream or a
        // large file must not hold the check open.
        if (!wanted) {
          response.destroy();
          resolve({ code, latencyMs, found: null });
          return;
        }
        let text = '';
        let size = 0;
        const finish = (found: boolean) => {
          response.destroy();
          resolve({ code, latencyMs, found });
        };
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          // Keep a tail as long as the needle, so a match split across chunks is still found.
          text = text.slice(-wanted.length) + chunk.toString('utf8');
          if (text.includes(wanted)) finish(true);
          else if (size >= maxBodyBytes) finish(false);
        });
        response.on('end', () => finish(text.includes(wanted)));
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
    const { code, latencyMs, found } = await send(config, context);
    const readings: Reading[] = [
      { name: 'http.latency_ms', value: latencyMs, unit: 'ms' },
      { name: 'http.status_code', value: code, unit: '' },
    ];
    // Messages leave out the latency (a reading already): a device whose state has not changed
    // keeps the same message, so the wall is not rewritten on every run.
    const expect = config.expectStatus ?? '200-399';
    if (!statusMatches(code, expect)) {
      return { status: 'critical', message: `HTTP ${code}, expected ${expect}`, readings };
    }
    if (found === false) {
      return {
        status: 'critical',
        message: `HTTP ${code} but the body does not contain '${config.bodyContains ?? ''}'`,
        readings,
      };
    }
    if (config.warnLatencyMs && latencyMs > config.warnLatencyMs) {
      return {
        status: 'warning',
        message: `HTTP ${code}, slower than ${config.warnLatencyMs} ms`,
        readings,
      };
    }
    return { status: 'ok', message: `HTTP ${code}`, readings };
  },
};

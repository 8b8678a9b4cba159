import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Type, type Static } from 'typebox';
import {
  summarize,
  type Finding,
  type ProbeContext,
  type ProbeKind,
  type ProbeOutcome,
  type Reading,
} from '../types.ts';

// How much of a body is read for `bodyContains` and `jsonPath`.
const maxBodyBytes = 1024 * 1024;
const dayMs = 86_400_000;

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
    jsonPath: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_$-]+(\\[[0-9]+\\])*(\\.[A-Za-z0-9_$-]+(\\[[0-9]+\\])*)*$',
        maxLength: 200,
        description: 'A field of a JSON body, e.g. "status.state" or "volumes[0].health"',
      }),
    ),
    jsonEquals: Type.Optional(
      Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()], {
        description: 'What that field must be; without it the field must only exist.',
      }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000 })),
    warnLatencyMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
    tlsVerify: Type.Optional(
      Type.Boolean({ description: 'Check the certificate chain (default true).' }),
    ),
    certWarnDays: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3650, description: 'Default 21' }),
    ),
    certCriticalDays: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 3650, description: 'Default 7' }),
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

/** Follows "a.b[0].c" into parsed JSON; undefined where the path leads nowhere. */
export function atPath(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

interface Answer {
  code: number;
  /** Time to the response headers: what the device took, not how long its body took to stream. */
  latencyMs: number;
  /** Up to 1 MiB of the body; null when no check needs it (it is then never read). */
  body: string | null;
  /** When the server's certificate stops being valid; null over plain HTTP. */
  certValidTo: Date | null;
}

function certificateEnd(response: IncomingMessage): Date | null {
  const socket = response.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== 'function') return null;
  const validTo = socket.getPeerCertificate().valid_to;
  return validTo ? new Date(validTo) : null;
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
        const head = {
          code: response.statusCode ?? 0,
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
          certValidTo: certificateEnd(response),
        };
        // Without a body check the body is never read: a camera's endless MJPEG stream or a
        // large file must not hold the check open.
        if (!config.bodyContains && !config.jsonPath) {
          response.destroy();
          resolve({ ...head, body: null });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          response.destroy();
          resolve({ ...head, body: Buffer.concat(chunks).toString('utf8') });
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk.subarray(0, Math.max(0, maxBodyBytes - size)));
          size += chunk.length;
          if (size >= maxBodyBytes) finish();
        });
        response.on('end', finish);
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function jsonFinding(config: HttpConfig, body: string): Finding | null {
  if (!config.jsonPath) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { status: 'critical', message: 'the body is not JSON' };
  }
  const value = atPath(parsed, config.jsonPath);
  if (value === undefined) {
    return { status: 'critical', message: `${config.jsonPath} is missing from the JSON` };
  }
  const actual = typeof value === 'string' ? value : JSON.stringify(value);
  if (config.jsonEquals !== undefined && actual !== String(config.jsonEquals)) {
    return {
      status: 'critical',
      message: `${config.jsonPath} is '${actual}', expected '${String(config.jsonEquals)}'`,
    };
  }
  return null;
}

function certFinding(config: HttpConfig, days: number, validTo: Date): Finding | null {
  const when = `${Math.floor(days)} days (${validTo.toISOString().slice(0, 10)})`;
  if (days < (config.certCriticalDays ?? 7)) {
    return { status: 'critical', message: `certificate expires in ${when}` };
  }
  if (days < (config.certWarnDays ?? 21)) {
    return { status: 'warning', message: `certificate expires in ${when}` };
  }
  return null;
}

export const httpProbe: ProbeKind<typeof httpConfigSchema> = {
  kind: 'http',
  configSchema: httpConfigSchema,
  async run(config, context): Promise<ProbeOutcome> {
    const { code, latencyMs, body, certValidTo } = await send(config, context);
    const readings: Reading[] = [
      { name: 'http.latency_ms', value: latencyMs, unit: 'ms' },
      { name: 'http.status_code', value: code, unit: '' },
    ];
    const findings: Finding[] = [];
    // Messages leave out the latency (a reading already): a device whose state has not changed
    // keeps the same message, so the wall is not rewritten on every run.
    const expect = config.expectStatus ?? '200-399';
    if (!statusMatches(code, expect)) {
      findings.push({ status: 'critical', message: `HTTP ${code}, expected ${expect}` });
    }
    if (config.bodyContains && body !== null && !body.includes(config.bodyContains)) {
      findings.push({
        status: 'critical',
        message: `HTTP ${code} but the body does not contain '${config.bodyContains}'`,
      });
    }
    const json = body === null ? null : jsonFinding(config, body);
    if (json) findings.push(json);
    if (certValidTo) {
      const days = Math.round(((certValidTo.getTime() - Date.now()) / dayMs) * 10) / 10;
      readings.push({ name: 'http.cert_days', value: days, unit: 'd' });
      const cert = certFinding(config, days, certValidTo);
      if (cert) findings.push(cert);
    }
    if (config.warnLatencyMs && latencyMs > config.warnLatencyMs) {
      findings.push({
        status: 'warning',
        message: `HTTP ${code}, slower than ${config.warnLatencyMs} ms`,
      });
    }
    const { status, message } = summarize(findings, `HTTP ${code}`);
    return { status, message, readings };
  },
};

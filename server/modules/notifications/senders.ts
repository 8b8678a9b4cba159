import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { WebhookFormat } from '../../domain.ts';
import { faultLink, slackEscape, type Rendered } from './render.ts';

export interface WebhookTarget {
  type: 'webhook';
  url: string;
  format: WebhookFormat;
  secret?: string;
}

export interface EmailTarget {
  type: 'email';
  to: string[];
  from: string;
  smtp: {
    host: string;
    port: number;
    secure: boolean;
    username?: string;
    password?: string;
    verifyTls?: boolean;
  };
}

/** A channel's config with its secrets opened: only ever held in memory, for one send. */
export type Target = WebhookTarget | EmailTarget;

export interface SendOptions {
  publicUrl: string;
  sentAt: Date;
  timeoutMs: number;
}

/** A refusal the receiver gave, in words fit for the channel's `lastError`. */
class Refused extends Error {}

export const signatureHeader = 'X-Suitewatch-Signature';

/** `sha256=<hex>` of the exact body bytes, keyed with the channel's secret. */
export const sign = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function withLink(text: string, link: string | null): string {
  return link ? `${text}\n\nOpen in Suitewatch: ${link}` : text;
}

/** The JSON a webhook receives: Suitewatch's own, or the `{text}` that Slack and Teams accept. */
export function webhookBody(format: WebhookFormat, rendered: Rendered, options: SendOptions) {
  const url = faultLink(options.publicUrl, rendered);
  switch (format) {
    case 'chat':
      // A digest has its own Slack rendering (title included, each work order a link); any
      // other message is plain text, escaped so that names typed by people stay words.
      return {
        text: withLink(
          rendered.chatText ?? slackEscape(`${rendered.title}\n${rendered.text}`),
          url,
        ),
      };
    case 'generic':
      return {
        version: rendered.version,
        kind: rendered.kind,
        sentAt: options.sentAt.toISOString(),
        title: rendered.title,
        text: rendered.text,
        severity: rendered.severity,
        root: rendered.root,
        consequences: rendered.consequences,
        consequenceCount: rendered.consequenceCount,
        ...(rendered.ticket ? { ticket: rendered.ticket } : {}),
        ...(rendered.digest ? { digest: rendered.digest } : {}),
        url,
      };
  }
}

async function sendWebhook(target: WebhookTarget, rendered: Rendered, options: SendOptions) {
  const body = JSON.stringify(webhookBody(target.format, rendered, options));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Suitewatch',
  };
  if (target.secret) headers[signatureHeader] = sign(target.secret, body);
  const response = await fetch(target.url, {
    method: 'POST',
    headers,
    body,
    // A redirect would carry the signed body to a host nobody configured: report it instead.
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const answer = (await response.text()).slice(0, 300).trim();
  if (response.status >= 300 && response.status < 400)
    throw new Refused(`HTTP ${response.status}: the URL redirects; configure the final URL`);
  if (!response.ok)
    throw new Refused(
      `HTTP ${response.status} ${response.statusText}${answer ? `: ${answer}` : ''}`,
    );
}

function timeLimit<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Refused(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

async function sendEmail(target: EmailTarget, rendered: Rendered, options: SendOptions) {
  const { smtp } = target;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    tls: { rejectUnauthorized: smtp.verifyTls !== false },
  });
  try {
    // Each phase has its own timeout above; this bounds the whole conversation.
    await timeLimit(
      transport.sendMail({
        from: target.from,
        to: target.to,
        subject: rendered.title,
        text: withLink(rendered.text, faultLink(options.publicUrl, rendered)),
        // The digest also goes as HTML, so each work order is a link in any mail client.
        ...(rendered.html ? { html: rendered.html } : {}),
        headers: { 'X-Suitewatch-Kind': rendered.kind },
      }),
      options.timeoutMs,
    );
  } finally {
    transport.close();
  }
}

/** Words for why a send failed, with every secret of the target taken out. */
export function failureReason(error: unknown, target: Target, timeoutMs: number): string {
  let text: string;
  if (error instanceof Refused) text = error.message;
  else if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    text = `no answer within ${timeoutMs / 1000} s`;
  else if (error instanceof Error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a TLS error) is its cause.
    const cause = error.cause instanceof Error ? error.cause : undefined;
    text = cause ? `${error.message}: ${cause.message}` : error.message;
  } else text = String(error);
  return scrub(text, secretsOf(target)).slice(0, 1000);
}

function secretsOf(target: Target): string[] {
  if (target.type === 'email') return [target.smtp.password ?? ''];
  const url = URL.canParse(target.url) ? new URL(target.url) : null;
  return [
    target.url,
    target.secret ?? '',
    url ? url.pathname + url.search : '',
    url?.password ?? '',
  ];
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  // Longest first: the whole URL goes before its path does.
  for (const secret of secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length))
    out = out.split(secret).join('…');
  return out;
}

/** Sends one message; resolves once the receiver took it, rejects otherwise. */
export function deliver(target: Target, rendered: Rendered, options: SendOptions): Promise<void> {
  switch (target.type) {
    case 'webhook':
      return sendWebhook(target, rendered, options);
    case 'email':
      return sendEmail(target, rendered, options);
  }
}

/** What the API may show of where a channel sends: never a webhook's path, which holds its token. */
export function destinationOf(target: Pick<WebhookTarget, 'url'> | Pick<EmailTarget, 'to'>) {
  if ('to' in target) return target.to.join(', ');
  if (!URL.canParse(target.url)) return '';
  const url = new URL(target.url);
  return `${url.protocol}//${url.host}/…`;
}

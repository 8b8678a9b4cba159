import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './http-server.ts';
import type { Part } from './system.ts';
import { freePort } from './webhook-sink.ts';

// Debian's interpreter, where python3-aiosmtpd installs: a pyenv or venv python3 first on PATH
// would not have it.
const python = '/usr/bin/python3';

export const aiosmtpd: Part = {
  name: 'aiosmtpd',
  missing() {
    try {
      execFileSync(python, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
      return null;
    } catch {
      return `${python} cannot import aiosmtpd (apt-get install python3-aiosmtpd)`;
    }
  },
};

export interface ReceivedMail {
  /** Header names in lower case; encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  from: string;
  to: string;
  /** Who the SMTP envelope was for (aiosmtpd's X-RcptTo). */
  envelopeTo: string[];
  /** The text/plain body, or the text/plain part of a multipart message. */
  text: string;
  /** The text/html part, when the message has one. */
  html: string | null;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages(): ReceivedMail[];
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`), as nodemailer writes a subject with a dash. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_, _charset: string, mode: string, data: string) =>
        mode.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64').toString('utf8')
          : quotedPrintable(data.replace(/_/g, ' ')),
    );
}

function quotedPrintable(text: string): string {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i++) {
    const hex = input[i] === '=' ? input.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(input[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

interface MimePart {
  headers: Record<string, string>;
  body: string;
}

function parsePart(raw: string): MimePart {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(
        line.slice(colon + 1).trim(),
      );
  }
  return { headers, body };
}

function decoded({ headers, body }: MimePart): string {
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  return encoding === 'quoted-printable'
    ? quotedPrintable(body)
    : encoding === 'base64'
      ? Buffer.from(body, 'base64').toString('utf8')
      : body;
}

/** The leaf parts of a message: itself, or each part of a multipart body, depth first. */
function leaves(part: MimePart): MimePart[] {
  const type = part.headers['content-type'] ?? 'text/plain';
  const boundary = /^multipart\/[^;]+;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return [part];
  const pieces = part.body.split(`--${boundary}`).slice(1);
  return pieces
    .filter((piece) => !piece.startsWith('--'))
    .flatMap((piece) => leaves(parsePart(piece.replace(/^\r?\n/, ''))));
}

function parseMail(raw: string): ReceivedMail {
  const message = parsePart(raw);
  const parts = leaves(message);
  const ofType = (type: string) =>
    parts.find((p) => (p.headers['content-type'] ?? 'text/plain').toLowerCase().startsWith(type));
  const plain = ofType('text/plain');
  const html = ofType('text/html');
  const { headers } = message;
  return {
    headers,
    subject: headers.subject ?? '',
    from: headers.from ?? '',
    to: headers.to ?? '',
    envelopeTo: (headers['x-rcptto'] ?? '').split(/,\s*/).filter(Boolean),
    text: plain ? decoded(plain) : '',
    html: html ? decoded(html) : null,
  };
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Debian's aiosmtpd on a free loopback port, storing what it receives in a maildir that the test
 * reads. No STARTTLS and no AUTH are offered, so a client sends in plain text, as to a LAN relay.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-smtp-'));
  const maildir = join(dir, 'maildir');
  const port = await freePort();
  // python3 itself, not a shell around it, so that kill() reaches the server.
  const child = spawn(
    python,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (!running) throw new Error(`aiosmtpd exited before listening: ${output.trim()}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`aiosmtpd did not listen on ${port} within 15 s: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  /**
   * Python's Maildir names a message `<seconds>.M<microseconds>P<pid>Q<count>.<host>`, the
   * microseconds unpadded, so names do not sort by time within a second. The count rises with
   * each message this one server delivers: that is the order they arrived in.
   */
  const arrival = (name: string) => Number(/Q(\d+)/.exec(name)?.[1] ?? Number.NaN);

  function messages(): ReceivedMail[] {
    const folder = join(maildir, 'new');
    let names: string[];
    try {
      names = readdirSync(folder).sort((a, b) => arrival(a) - arrival(b));
    } catch {
      return [];
    }
    return names.map((name) => parseMail(readFileSync(join(folder, name), 'utf8')));
  }

  return {
    host: '127.0.0.1',
    port,
    messages,
    waitForMessages: (count, timeoutMs = 10_000) =>
      waitFor(
        () => {
          const received = messages();
          return received.length >= count && received;
        },
        { timeoutMs, what: `${count} e-mails at aiosmtpd` },
      ),
    async close() {
      if (running) {
        child.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import type { Context } from '../../context.ts';
import type { Db } from '../../db/client.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.ts';
import {
  severities,
  type ChannelType,
  type DeliveryState,
  type DeviceKind,
  type Severity,
  type WebhookFormat,
} from '../../domain.ts';
import { Conflict, Invalid, NotFound } from '../../errors.ts';
import type { SecretBox } from '../../secrets.ts';
import { assertValid } from '../../validation.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { masked, openConfig, redactConfig, sealConfig } from '../checks/secrets.ts';
import { serialize } from '../serialize.ts';
import {
  renderDigest,
  renderFault,
  renderTest,
  renderTicket,
  severityOf,
  severityOfPriority,
  type DigestItem,
  type DigestState,
  type FaultMessage,
  type TicketMessage,
} from './render.ts';
import * as repo from './repository.ts';
import { EmailConfig, WebhookConfig } from './schemas.ts';
import { deliver, destinationOf, failureReason, type Target } from './senders.ts';

export type { FaultMessage, TicketMessage } from './render.ts';

type Services = Pick<Context, 'db' | 'bus' | 'secrets' | 'config'>;

/** How long one send may take before it counts as failed. */
export const sendTimeoutMs = 10_000;

// The webhook URL is a secret too: Slack and Teams put the token in its path.
const secretPaths: Record<ChannelType, readonly string[]> = {
  webhook: ['url', 'secret'],
  email: ['smtp.password'],
};
const configSchemas = { webhook: WebhookConfig, email: EmailConfig };

const echo = (value: string) => `'${value.length > 80 ? `${value.slice(0, 79)}…` : value}'`;

function checkUrl(url: string) {
  if (url === masked) return; // the stored one, checked when it was set
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || !parsed.hostname)
    throw new Invalid(`body.config.url: ${echo(url)} is not an http or https URL`);
}

const bareAddress = /^[^\s@<>",;()[\]\\]+@[^\s@<>",;()[\]\\.][^\s@<>",;()[\]\\]*$/;

/** `ops@example.com` or `Suitewatch <ops@example.com>`; never a line break (header injection). */
function isAddress(text: string): boolean {
  if (/[\r\n]/.test(text)) return false;
  const named = /^[^<>]*<([^<>]+)>$/.exec(text.trim());
  return bareAddress.test(named ? named[1]! : text.trim());
}

function checkAddresses(config: Record<string, unknown>) {
  const to = config.to as string[];
  to.forEach((address, i) => {
    if (!isAddress(address))
      throw new Invalid(`body.config.to.${i}: ${echo(address)} is not an e-mail address`);
  });
  const from = config.from as string;
  if (!isAddress(from))
    throw new Invalid(`body.config.from: ${echo(from)} is not an e-mail address`);
}

/**
 * A channel takes the daily maintenance digest when its config says `digest: true`. It is no
 * fault, so the fault rule (severity, resolved) cannot choose it; sites and device kinds still
 * narrow which work the channel hears of.
 */
const takesDigest = (channel: Pick<repo.ChannelRow, 'enabled' | 'config'>) =>
  channel.enabled && channel.config.digest === true;

/** Validates a config as sent and returns it as stored: every secret sealed. */
function prepareConfig(
  box: SecretBox,
  type: ChannelType,
  incoming: Record<string, unknown>,
  existing: Record<string, unknown> | null,
) {
  const { digest, ...sending } = incoming;
  if (digest !== undefined && typeof digest !== 'boolean')
    throw new Invalid('body.config.digest: true or false (whether it takes the daily digest)');
  assertValid(configSchemas[type], sending, 'body.config');
  if (type === 'webhook') checkUrl(sending.url as string);
  else checkAddresses(sending);
  const sealed = sealConfig(box, secretPaths[type], sending, existing);
  return digest ? { ...sealed, digest: true } : sealed;
}

/** The channel's config with its secrets in plain text, for one send. */
export function openTarget(box: SecretBox, row: repo.ChannelRow): Target {
  const config = openConfig(box, row.config);
  switch (row.type) {
    case 'webhook':
      return {
        type: 'webhook',
        url: config.url as string,
        format: config.format as WebhookFormat,
        ...(typeof config.secret === 'string' ? { secret: config.secret } : {}),
      };
    case 'email':
      return { type: 'email', ...(config as Omit<Extract<Target, { type: 'email' }>, 'type'>) };
  }
}

function destination(box: SecretBox, row: repo.ChannelRow): string {
  try {
    return destinationOf(openTarget(box, row));
  } catch {
    // Sealed with another server's key: still list the channel, and say why it cannot send.
    return '(secrets sealed with another key)';
  }
}

/** What the API and the audit log show: secrets masked, a webhook reduced to scheme and host. */
function shown(box: SecretBox, row: repo.ChannelRow) {
  return {
    ...serialize(row),
    config: redactConfig(row.config),
    destination: destination(box, row),
  };
}

async function stored(db: Db, id: string) {
  const row = await repo.getChannel(db, id);
  if (!row) throw new NotFound(`notification channel ${id} does not exist`);
  return row;
}

/** Every site must exist; returns the ids deduplicated, in the form PostgreSQL prints them. */
async function knownSites(db: Db, siteIds: string[]) {
  const ids = siteIds.map((id) => id.toLowerCase());
  const found = await repo.existingSiteIds(db, ids);
  ids.forEach((id, i) => {
    if (!found.has(id)) throw new Invalid(`body.siteIds.${i}: no site with id ${id}`);
  });
  return [...new Set(ids)];
}

async function named<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new Conflict(`name: a notification channel called '${name ?? ''}' already exists`);
    throw error;
  }
}

export const listChannels = async (ctx: Pick<Context, 'db' | 'secrets'>) =>
  (await repo.listChannels(ctx.db)).map((row) => shown(ctx.secrets, row));

export const getChannel = async (ctx: Pick<Context, 'db' | 'secrets'>, id: string) =>
  shown(ctx.secrets, await stored(ctx.db, id));

interface ChannelInput {
  name: string;
  type: ChannelType;
  enabled?: boolean;
  minSeverity?: Severity;
  siteIds?: string[];
  deviceKinds?: DeviceKind[];
  sendResolved?: boolean;
  config: Record<string, unknown>;
}

export async function createChannel(ctx: Services, actor: Actor, input: ChannelInput) {
  const config = prepareConfig(ctx.secrets, input.type, input.config, null);
  const siteIds = await knownSites(ctx.db, input.siteIds ?? []);
  const row = await named(input.name, () =>
    ctx.db.transaction(async (tx) => {
      const row = shown(
        ctx.secrets,
        await repo.insertChannel(tx, {
          name: input.name,
          type: input.type,
          config,
          enabled: input.enabled,
          minSeverity: input.minSeverity,
          siteIds,
          deviceKinds: [...new Set(input.deviceKinds ?? [])],
          sendResolved: input.sendResolved,
        }),
      );
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'notification-channel',
        entityId: row.id,
        after: row,
      });
      return row;
    }),
  );
  ctx.bus.publish({ type: 'changed', entity: 'notification-channel', id: row.id });
  return row;
}

export async function updateChannel(
  ctx: Services,
  actor: Actor,
  id: string,
  input: Partial<ChannelInput>,
) {
  const row = await named(input.name, () =>
    ctx.db.transaction(async (tx) => {
      const before = await stored(tx, id);
      const type = input.type ?? before.type;
      if (type !== before.type && input.config === undefined)
        throw new Invalid(`body.config is required when the type changes to ${type}`);
      const values: repo.ChannelValues = {
        name: input.name,
        type,
        enabled: input.enabled,
        minSeverity: input.minSeverity,
        sendResolved: input.sendResolved,
        siteIds: input.siteIds && (await knownSites(tx, input.siteIds)),
        deviceKinds: input.deviceKinds && [...new Set(input.deviceKinds)],
        config:
          input.config &&
          prepareConfig(
            ctx.secrets,
            type,
            input.config,
            // A mask keeps a secret of the same kind of channel only.
            type === before.type ? before.config : null,
          ),
      };
      const after = shown(ctx.secrets, (await repo.updateChannel(tx, id, values))!);
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'notification-channel',
        entityId: id,
        before: shown(ctx.secrets, before),
        after,
      });
      return after;
    }),
  );
  ctx.bus.publish({ type: 'changed', entity: 'notification-channel', id });
  return row;
}

/** Its messages, sent or not, go with it (the foreign key cascades). */
export async function deleteChannel(ctx: Services, actor: Actor, id: string) {
  await ctx.db.transaction(async (tx) => {
    const before = shown(ctx.secrets, await stored(tx, id));
    await repo.deleteChannel(tx, id);
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: 'notification-channel',
      entityId: id,
      before,
    });
  });
  ctx.bus.publish({ type: 'changed', entity: 'notification-channel', id });
}

/**
 * Sends a test message now, whether or not the channel is enabled, and records it in the outbox
 * (sent or failed, never retried). A receiver's refusal is the answer to the question asked, not
 * a failure of this request: the route answers 200 `{delivered: false, error}` for it.
 */
export async function testChannel(ctx: Services, actor: Actor, id: string) {
  const row = await stored(ctx.db, id);
  const rendered = renderTest(row.name, actor.label);
  let error: string | null = null;
  let target: Target | undefined;
  try {
    target = openTarget(ctx.secrets, row);
    await deliver(target, rendered, {
      publicUrl: ctx.config.publicUrl,
      sentAt: new Date(),
      timeoutMs: sendTimeoutMs,
    });
  } catch (failure) {
    error = target
      ? failureReason(failure, target, sendTimeoutMs)
      : "its secrets were sealed with another server's key; enter them again";
  }
  const at = new Date();
  try {
    const notificationId = await ctx.db.transaction(async (tx) => {
      const [inserted] = await repo.insertNotifications(tx, [
        {
          channelId: id,
          kind: 'test',
          faultId: null,
          severity: null,
          payload: rendered,
          state: error ? 'failed' : 'sent',
          attempts: 1,
          nextAttemptAt: at,
          lastError: error,
          createdAt: at,
          sentAt: error ? null : at,
        },
      ]);
      await repo.noteChannel(tx, id, { error, at });
      await recordAudit(tx, actor, {
        action: 'test',
        entity: 'notification-channel',
        entityId: id,
        after: { delivered: error === null, error },
      });
      return inserted!.id;
    });
    ctx.bus.publish({ type: 'changed', entity: 'notification-channel', id });
    return error === null
      ? { delivered: true, notificationId }
      : { delivered: false, error, notificationId };
  } catch (failure) {
    if (isForeignKeyViolation(failure))
      throw new NotFound(`notification channel ${id} was deleted during the test`);
    throw failure;
  }
}

export const listNotifications = async (
  db: Db,
  filter: {
    state?: DeliveryState;
    channelId?: string;
    faultId?: string;
    beforeId?: number;
    limit: number;
  },
) => (await repo.listNotifications(db, filter)).map(serialize);

const rank = (severity: Severity) => severities.indexOf(severity);

/** Whether a channel's rule lets a message through. */
export function matches(
  channel: Pick<
    repo.ChannelRow,
    'enabled' | 'minSeverity' | 'siteIds' | 'deviceKinds' | 'sendResolved'
  >,
  message: FaultMessage,
): boolean {
  if (!channel.enabled) return false;
  if (message.kind === 'resolved' && !channel.sendResolved) return false;
  // Worst first: critical is rank 0, so "at least major" is a rank of at most major's.
  if (rank(severityOf(message)) > rank(channel.minSeverity)) return false;
  return narrowedTo(channel, message.root.siteIds, [message.root.deviceKind]);
}

/**
 * A channel's sites and device kinds against a message's. `kinds` null: the message has no kind
 * to match (work on a suite or room), and only the sites narrow it.
 */
function narrowedTo(
  channel: Pick<repo.ChannelRow, 'siteIds' | 'deviceKinds'>,
  siteIds: readonly string[],
  kinds: readonly string[] | null,
): boolean {
  const sites = siteIds.map((id) => id.toLowerCase());
  if (channel.siteIds.length > 0 && !channel.siteIds.some((id) => sites.includes(id))) return false;
  return (
    kinds === null ||
    channel.deviceKinds.length === 0 ||
    channel.deviceKinds.some((kind) => kinds.includes(kind))
  );
}

/**
 * Puts a message in the outbox of every channel whose rule matches its root fault. Called by the
 * fault engine inside the transaction that records the change, so a message exists exactly when
 * the change does; the dispatcher sends it later, and a slow receiver never holds the engine.
 * The text is rendered now, so that a retry says what was true when the fault changed.
 * Returns how many messages it queued.
 */
export async function enqueue(db: Db, message: FaultMessage, now: Date): Promise<number> {
  const channels = (await repo.enabledChannels(db)).filter((c) => matches(c, message));
  if (channels.length === 0) return 0;
  const payload = renderFault(message, now);
  await repo.insertNotifications(
    db,
    channels.map((channel) => ({
      channelId: channel.id,
      kind: message.kind,
      faultId: message.root.id,
      severity: severityOf(message),
      payload,
      state: 'pending' as const,
      nextAttemptAt: now,
      createdAt: now,
    })),
  );
  return channels.length;
}

/** Whether a channel's rule lets an SLA message through: by the priority's severity, sites and kinds. */
export function matchesTicket(
  channel: Pick<repo.ChannelRow, 'enabled' | 'minSeverity' | 'siteIds' | 'deviceKinds'>,
  message: TicketMessage,
): boolean {
  if (!channel.enabled) return false;
  if (rank(severityOfPriority(message.ticket.priority)) > rank(channel.minSeverity)) return false;
  return narrowedTo(channel, message.siteIds, message.deviceKinds);
}

/** Queues an SLA warning or breach for every matching channel, in the caller's transaction. */
export async function enqueueTicket(db: Db, message: TicketMessage, now: Date): Promise<number> {
  const channels = (await repo.enabledChannels(db)).filter((c) => matchesTicket(c, message));
  if (channels.length === 0) return 0;
  const payload = renderTicket(message, now);
  await repo.insertNotifications(
    db,
    channels.map((channel) => ({
      channelId: channel.id,
      kind: message.kind,
      ticketId: message.ticket.id,
      severity: payload.severity,
      payload,
      state: 'pending' as const,
      nextAttemptAt: now,
      createdAt: now,
    })),
  );
  return channels.length;
}

/** A work order for the digest, with what a channel's rule narrows it by. */
export interface DigestWork extends DigestItem {
  siteIds: string[];
  deviceKind: DeviceKind | null;
}

/**
 * Sites narrow the digest to work at them; device kinds narrow device work to those kinds, and
 * keep work on a suite or room, which has no kind to match.
 */
function digestFor(
  channel: Pick<repo.ChannelRow, 'siteIds' | 'deviceKinds'>,
  work: DigestWork[],
): DigestWork[] {
  return work.filter((w) => narrowedTo(channel, w.siteIds, w.deviceKind && [w.deviceKind]));
}

const countOf = (work: DigestWork[], state: DigestState) =>
  work.filter((w) => w.state === state).length;

/**
 * Queues the day's digest for every channel that takes it and has work to hear of, each with
 * its own share, in the caller's transaction. Returns how many messages it queued.
 */
export async function enqueueDigest(
  db: Db,
  digest: { day: string; timezone: string; work: DigestWork[] },
  now: Date,
): Promise<number> {
  const rows: repo.NewNotification[] = [];
  for (const channel of (await repo.enabledChannels(db)).filter(takesDigest)) {
    const mine = digestFor(channel, digest.work);
    if (mine.length === 0) continue;
    const payload = renderDigest(
      {
        day: digest.day,
        timezone: digest.timezone,
        counts: {
          overdue: countOf(mine, 'overdue'),
          due: countOf(mine, 'due'),
          due_soon: countOf(mine, 'due_soon'),
        },
        // The receiver is told of the work, not of how channels route it.
        items: mine.map(({ siteIds: _sites, deviceKind: _kind, ...item }) => item),
      },
      now,
    );
    rows.push({
      channelId: channel.id,
      kind: 'pm_digest',
      severity: null,
      payload,
      state: 'pending',
      nextAttemptAt: now,
      createdAt: now,
    });
  }
  await repo.insertNotifications(db, rows);
  return rows.length;
}

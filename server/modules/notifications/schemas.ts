import { Type } from 'typebox';
import {
  channelTypes,
  deliveryStates,
  deviceKinds,
  notificationKinds,
  severities,
  webhookFormats,
} from '../../domain.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';

// A channel's config is checked against one of these by the service (as checks' configs are),
// so that a mistake is named by its path, e.g. `body.config.smtp.port`, not an anyOf maze.
export const WebhookConfig = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    format: StringEnum(webhookFormats, { default: 'generic' }),
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const EmailConfig = Type.Object(
  {
    to: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1, maxItems: 50 }),
    from: Type.String({ minLength: 1, maxLength: 400 }),
    smtp: Type.Object(
      {
        host: Type.String({ minLength: 1, maxLength: 253 }),
        port: Type.Integer({ minimum: 1, maximum: 65535 }),
        secure: Type.Boolean({ description: 'true: TLS from the first byte (port 465)' }),
        username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
        password: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
        verifyTls: Type.Optional(
          Type.Boolean({
            description: "false accepts a relay's self-signed certificate; default true",
          }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const Channel = Type.Object({
  id: Uuid,
  name: Type.String(),
  type: StringEnum(channelTypes),
  enabled: Type.Boolean(),
  minSeverity: StringEnum(severities),
  siteIds: Type.Array(Uuid),
  deviceKinds: Type.Array(StringEnum(deviceKinds)),
  sendResolved: Type.Boolean(),
  config: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Secrets (webhook url and secret, SMTP password) are shown as ********',
  }),
  destination: Type.String({
    description: "Where it sends, safe to show: a webhook's scheme and host, or the addresses",
  }),
  lastSentAt: Nullable(Timestamp),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const rule = {
  enabled: Type.Boolean(),
  minSeverity: StringEnum(severities, {
    description: 'The least severity it hears; critical is the worst',
  }),
  siteIds: Type.Array(Uuid, {
    maxItems: 500,
    description: 'Only faults at these sites; empty: every site',
  }),
  deviceKinds: Type.Array(StringEnum(deviceKinds), {
    maxItems: 50,
    description: 'Only faults on these kinds of device; empty: every kind',
  }),
  sendResolved: Type.Boolean(),
  config: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'webhook: {url, format: generic|chat, secret?}; email: {to[], from, smtp: {host, port, secure, username?, password?}}. ' +
      'Send ******** to keep a stored secret.',
  }),
};

export const CreateChannel = Type.Object(
  {
    name: Name,
    type: StringEnum(channelTypes),
    enabled: Type.Optional(rule.enabled),
    minSeverity: Type.Optional(rule.minSeverity),
    siteIds: Type.Optional(rule.siteIds),
    deviceKinds: Type.Optional(rule.deviceKinds),
    sendResolved: Type.Optional(rule.sendResolved),
    config: rule.config,
  },
  { additionalProperties: false },
);

export const UpdateChannel = Type.Object(
  {
    name: Type.Optional(Name),
    type: Type.Optional(StringEnum(channelTypes)),
    enabled: Type.Optional(rule.enabled),
    minSeverity: Type.Optional(rule.minSeverity),
    siteIds: Type.Optional(rule.siteIds),
    deviceKinds: Type.Optional(rule.deviceKinds),
    sendResolved: Type.Optional(rule.sendResolved),
    config: Type.Optional(rule.config),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TestResult = Type.Object({
  delivered: Type.Boolean(),
  error: Type.Optional(Type.String({ description: 'Why the receiver did not take it' })),
  notificationId: Type.Integer(),
});

export const Notification = Type.Object({
  id: Type.Integer(),
  channelId: Uuid,
  channelName: Type.String(),
  kind: StringEnum(notificationKinds),
  faultId: Nullable(Uuid),
  severity: Nullable(StringEnum(severities)),
  title: Type.String(),
  state: StringEnum(deliveryStates),
  attempts: Type.Integer(),
  nextAttemptAt: Timestamp,
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
});

export const NotificationQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(deliveryStates)),
    channelId: Type.Optional(Uuid),
    faultId: Type.Optional(Uuid),
    beforeId: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Page: older than this id',
      }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

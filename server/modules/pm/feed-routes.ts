import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { feedScopes } from '../../domain.ts';
import { actor, principalOf } from '../../plugins/auth.ts';
import {
  errorResponses,
  IdParams,
  Nullable,
  Ok,
  StringEnum,
  Timestamp,
  Uuid,
} from '../../schemas.ts';
import * as service from './feeds.ts';

const feedFields = {
  id: Uuid,
  name: Type.String(),
  scope: StringEnum(feedScopes),
  suiteId: Nullable(Uuid),
  userId: Nullable(Uuid),
  createdById: Nullable(Uuid),
  createdBy: Type.String(),
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp, {
    description: 'When a calendar client last fetched it, to the minute',
  }),
};
const Feed = Type.Object(feedFields);
const CreatedFeed = Type.Object({
  ...feedFields,
  token: Type.String({ description: 'Shown this once; only its SHA-256 is kept' }),
  url: Type.String({ description: 'The address to subscribe to, with the token in it' }),
});

const CreateFeed = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scope: StringEnum(feedScopes, {
      description:
        'facility: all planned work; suite: one suite (its devices and room too); user: the work assigned to one person',
    }),
    suiteId: Type.Optional(Uuid),
    userId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Of a user feed; you when left out' }),
    ),
  },
  { additionalProperties: false },
);

/** Managing calendar subscriptions; registered under /api/calendar-feeds. */
export const calendarFeedRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  const tags = ['calendar-feeds'];
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Calendar feeds: all for engineers, managers and admins; else your own',
        response: { 200: Type.Array(Feed), ...errorResponses },
      },
    },
    async (request) => service.listFeeds(ctx.db, principalOf(request)),
  );
  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create a calendar feed; its token and address are shown once',
        body: CreateFeed,
        response: { 201: CreatedFeed, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.createFeed(
            ctx.db,
            principalOf(request),
            actor(request),
            request.body,
            ctx.config.publicUrl,
          ),
        ),
  );
  app.post(
    '/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a feed: its address answers 404 from now on',
        params: IdParams,
        response: { 200: Feed, ...errorResponses },
      },
    },
    async (request) =>
      service.revokeFeed(ctx.db, principalOf(request), actor(request), request.params.id),
  );
  app.delete(
    '/:id',
    {
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteFeed(ctx.db, principalOf(request), actor(request), request.params.id);
      return { ok: true };
    },
  );
};

/**
 * The feeds themselves, at /calendar/<token>.ics: calendar clients cannot log in, so the token in
 * the address is the credential. Registered at the root, outside /api.
 */
export const calendarFeedPublicRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  app.get(
    '/calendar/:token.ics',
    {
      config: { auth: 'public' },
      schema: {
        security: [],
        tags: ['calendar-feeds'],
        summary: 'A calendar feed as iCalendar',
        params: Type.Object({ token: Type.String() }, { additionalProperties: false }),
        produces: ['text/calendar'],
        response: {
          200: Type.String({ description: 'text/calendar; charset=utf-8' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const ics = await service.renderFeed(ctx.db, request.params.token, {
        // Links need an absolute address; without a configured one, the one the client used.
        baseUrl: ctx.config.publicUrl || `${request.protocol}://${request.host}`,
      });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-cache')
        .send(ics);
    },
  );
};

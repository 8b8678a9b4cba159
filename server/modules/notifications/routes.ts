import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { actor } from '../../plugins/auth.ts';
import { errorResponses, IdParams, Ok } from '../../schemas.ts';
import { editors } from '../roles.ts';
import {
  Channel,
  CreateChannel,
  Notification,
  NotificationQuery,
  TestResult,
  UpdateChannel,
} from './schemas.ts';
import * as service from './service.ts';

export const notificationRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  const tags = ['notifications'];
  const channels = '/notification-channels';
  app.get(
    channels,
    {
      schema: {
        tags,
        summary: 'Where alarms go, with each channel’s routing rule and last delivery',
        response: { 200: Type.Array(Channel), ...errorResponses },
      },
    },
    async () => service.listChannels(ctx),
  );
  app.get(
    `${channels}/:id`,
    { schema: { tags, params: IdParams, response: { 200: Channel, ...errorResponses } } },
    async (request) => service.getChannel(ctx, request.params.id),
  );
  app.post(
    channels,
    {
      config: { roles: editors },
      schema: { tags, body: CreateChannel, response: { 201: Channel, ...errorResponses } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createChannel(ctx, actor(request), request.body)),
  );
  app.patch(
    `${channels}/:id`,
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateChannel,
        response: { 200: Channel, ...errorResponses },
      },
    },
    async (request) => service.updateChannel(ctx, actor(request), request.params.id, request.body),
  );
  app.delete(
    `${channels}/:id`,
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteChannel(ctx, actor(request), request.params.id);
      return { ok: true };
    },
  );
  app.post(
    `${channels}/:id/test`,
    {
      config: { roles: editors },
      schema: {
        tags,
        summary: 'Send a test message now and say whether the receiver took it',
        description:
          'Answers 200 either way: `delivered: false` with the receiver’s error is the answer to ' +
          'the question asked, not a failure of this request. The attempt is kept in the outbox.',
        params: IdParams,
        response: { 200: TestResult, ...errorResponses },
      },
    },
    async (request) => service.testChannel(ctx, actor(request), request.params.id),
  );
  app.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'The outbox, newest first: what was sent, what is being retried, what failed',
        querystring: NotificationQuery,
        response: { 200: Type.Array(Notification), ...errorResponses },
      },
    },
    async (request) => service.listNotifications(ctx.db, request.query),
  );
};

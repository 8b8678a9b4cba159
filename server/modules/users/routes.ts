import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { actor, principalOf } from '../../plugins/auth.ts';
import { errorResponses, IdParams } from '../../schemas.ts';
import { CreateUser, UpdateUser, User } from './schemas.ts';
import * as service from './service.ts';

export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['users'];
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'List users (for pickers)',
        response: { 200: Type.Array(User), ...errorResponses },
      },
    },
    async () => service.listUsers(ctx.db),
  );
  app.post(
    '/',
    {
      config: { roles: ['admin'] },
      schema: {
        tags,
        summary: 'Create a user (admin)',
        body: CreateUser,
        response: { 201: User, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = await service.createUser(ctx.db, actor(request), request.body);
      ctx.bus.publish({ type: 'changed', entity: 'user', id: user.id });
      return reply.status(201).send(user);
    },
  );
  app.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Change a user; users may change their own name and password',
        params: IdParams,
        body: UpdateUser,
        response: { 200: User, ...errorResponses },
      },
    },
    async (request) => {
      const user = await service.updateUser(
        ctx.db,
        ctx.bus,
        principalOf(request),
        actor(request),
        request.params.id,
        request.body,
      );
      ctx.bus.publish({ type: 'changed', entity: 'user', id: user.id });
      return user;
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { tokenScopes } from '../../db/schema/index.ts';
import { actor, principalOf } from '../../plugins/auth.ts';
import { errorResponses, IdParams, Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';
import * as service from './service.ts';

const Token = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({
    description: 'The first characters, to recognise a token without showing it.',
  }),
  scope: StringEnum(tokenScopes),
  userId: Uuid,
  createdAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  expiresAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});

export const tokenRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['tokens'];
  app.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Create an API token; the token is shown once',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scope: StringEnum(tokenScopes, {
              default: 'api',
              description: 'api: acts as you. probe: may only fetch checks and post results.',
            }),
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([Token, Type.Object({ token: Type.String() })]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.createToken(ctx.db, principalOf(request), actor(request), request.body),
        ),
  );
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Your tokens (all tokens for an admin)',
        response: { 200: Type.Array(Token), ...errorResponses },
      },
    },
    async (request) => service.listTokens(ctx.db, principalOf(request)),
  );
  app.delete(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a token',
        params: IdParams,
        response: { 200: Token, ...errorResponses },
      },
    },
    async (request) =>
      service.revokeToken(ctx.db, ctx.bus, principalOf(request), actor(request), request.params.id),
  );
};

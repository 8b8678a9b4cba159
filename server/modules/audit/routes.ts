import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { errorResponses, Nullable, Timestamp, Uuid } from '../../schemas.ts';
import { serialize } from '../serialize.ts';
import { auditors } from '../roles.ts';
import { listAudit } from './repository.ts';

const Entry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actorId: Nullable(Uuid),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  ip: Nullable(Type.String()),
});

export const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  app.get(
    '/',
    {
      config: { roles: auditors },
      schema: {
        tags: ['audit'],
        summary: 'Who changed what, newest first',
        querystring: Type.Object(
          {
            entity: Type.Optional(Type.String({ maxLength: 50 })),
            entityId: Type.Optional(Type.String({ maxLength: 100 })),
            beforeId: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: Number.MAX_SAFE_INTEGER,
                description: 'Page: entries older than this id',
              }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Entry), ...errorResponses },
      },
    },
    async (request) => (await listAudit(ctx.db, request.query)).map(serialize),
  );
};

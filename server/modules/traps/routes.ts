import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { errorResponses, Nullable, Timestamp, Uuid } from '../../schemas.ts';
import { listTraps } from './service.ts';

const TrapEvent = Type.Object({
  id: Type.Integer(),
  receivedAt: Timestamp,
  source: Type.String(),
  deviceId: Nullable(Uuid),
  version: Type.String(),
  trapOid: Type.String(),
  kind: Type.String({ description: 'coldStart, warmStart, linkDown, linkUp or other' }),
  ifIndex: Nullable(Type.Integer()),
  varbinds: Type.Array(
    Type.Object({
      oid: Type.String(),
      value: Type.Union([Type.String(), Type.Number(), Type.Null()]),
    }),
  ),
});

export const trapRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['traps'],
        summary: 'SNMP traps received, newest first',
        querystring: Type.Object(
          {
            deviceId: Type.Optional(Uuid),
            beforeId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(TrapEvent), ...errorResponses },
      },
    },
    async (request) => listTraps(ctx, request.query),
  );
};

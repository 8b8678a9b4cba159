import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { maxMessageLength } from '../../../probes/types.ts';
import type { Context } from '../../context.ts';
import { statuses } from '../../db/schema/index.ts';
import { errorResponses, StringEnum, Timestamp, Uuid } from '../../schemas.ts';
import { checksForProbe, ingestResults } from './service.ts';

const CheckSpec = Type.Object({
  id: Uuid,
  deviceId: Uuid,
  kind: Type.String(),
  intervalS: Type.Integer(),
  config: Type.Record(Type.String(), Type.Unknown()),
  host: Type.String(),
});

const Result = Type.Object(
  {
    checkId: Uuid,
    status: StringEnum(statuses),
    message: Type.String({ maxLength: maxMessageLength }),
    durationMs: Type.Number({ minimum: 0, maximum: 86_400_000 }),
    at: Timestamp,
    readings: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:/\\[\\]-]+$' }),
          value: Type.Number(),
          unit: Type.String({ maxLength: 20 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 2000 },
    ),
  },
  { additionalProperties: false },
);

/** The probe API: the same path for the embedded probe and for remote probes. */
export const ingestRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['probe'];
  app.get(
    '/checks',
    {
      config: { auth: 'probe' },
      schema: {
        tags,
        summary: 'The enabled checks a probe should run',
        response: { 200: Type.Object({ checks: Type.Array(CheckSpec) }), ...errorResponses },
      },
    },
    async (request) => {
      const { checks, unreadable } = await checksForProbe(ctx);
      if (unreadable.length > 0) {
        request.log.error(
          { checkIds: unreadable },
          'cannot open the secrets of these checks: the secret key changed; their secrets must be entered again',
        );
      }
      return { checks };
    },
  );
  app.post(
    '/results',
    {
      config: { auth: 'probe' },
      // Batches of thousands of results with readings exceed the 1 MiB default.
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Post a batch of check results',
        body: Type.Object(
          { results: Type.Array(Result, { minItems: 1, maxItems: 10_000 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            accepted: Type.Integer(),
            dropped: Type.Integer(),
            statusChanges: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ingestResults(ctx, request.body.results),
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../plugins/auth.ts';
import { heartbeat } from '../probes/service.ts';
import { Type } from 'typebox';
import { maxFactLength, maxFacts, maxMessageLength, maxNoteLength } from '../../../probes/types.ts';
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
          status: Type.Optional(StringEnum(statuses)),
          note: Type.Optional(Type.String({ maxLength: maxNoteLength })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 2000 },
    ),
    facts: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: maxFactLength }), {
        maxProperties: maxFacts,
      }),
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
      const { checks, unreadable } = await checksForProbe(ctx, probeIdOf(request));
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
            duplicates: Type.Integer({
              description: 'Already stored (a replayed spool or a resent batch); not stored again',
            }),
            dropped: Type.Integer(),
            statusChanges: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ingestResults(ctx, request.body.results, probeIdOf(request)),
  );
  app.post(
    '/heartbeat',
    {
      config: { auth: 'probe' },
      schema: {
        tags,
        summary: 'A probe says it is alive, with its counters',
        body: Type.Object(
          {
            version: Type.String({ maxLength: 100 }),
            stats: Type.Record(Type.String({ maxLength: 50 }), Type.Number(), {
              maxProperties: 50,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            name: Type.String(),
            heartbeatS: Type.Integer({ description: 'Seconds until the next heartbeat is due' }),
            serverTime: Type.String({
              format: 'date-time',
              description: "The server's clock, so a probe can stamp results in the server's time",
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) =>
      heartbeat(ctx, principalOf(request), { ...request.body, address: request.ip }),
  );
};

function probeIdOf(request: FastifyRequest): string | null {
  const principal = principalOf(request);
  return principal.kind === 'probe' ? principal.probeId : null;
}

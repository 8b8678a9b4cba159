import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Context } from '../context.ts';

/** Health, readiness and metrics: unauthenticated, as load balancers and Prometheus expect. */
export const opsRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const Status = Type.Object({
    status: Type.String(),
    store: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
  });
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: {
        security: [],
        tags: ['ops'],
        summary: 'The process is up',
        response: { 200: Status },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        security: [],
        tags: ['ops'],
        summary: 'The database answers',
        response: { 200: Status, 503: Status },
      },
    },
    async (request, reply) => {
      try {
        await ctx.db.execute(sql`select 1`);
        return { status: 'ready', store: ctx.store };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply
          .status(503)
          .send({ status: 'unavailable', store: ctx.store, message: 'database did not answer' });
      }
    },
  );
  app.get(
    '/metrics',
    {
      config: { auth: 'public' },
      schema: {
        security: [],
        tags: ['ops'],
        summary: 'Prometheus metrics',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      void reply.header('content-type', ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );
};

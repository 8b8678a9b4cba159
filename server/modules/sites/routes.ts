import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { actor } from '../../plugins/auth.ts';
import { errorResponses, IdParams, Ok, Timestamp, Uuid } from '../../schemas.ts';
import { editors } from '../roles.ts';
import * as service from './service.ts';

const Site = Type.Object({
  id: Uuid,
  name: Type.String(),
  timezone: Type.String(),
  notes: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  timezone: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'IANA zone, e.g. Europe/London',
  }),
  notes: Type.String({ maxLength: 10_000 }),
};
const CreateSite = Type.Object(
  {
    name: fields.name,
    timezone: Type.Optional(fields.timezone),
    notes: Type.Optional(fields.notes),
  },
  { additionalProperties: false },
);
const UpdateSite = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

export const siteRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['sites'];
  const changed = (id: string) => ctx.bus.publish({ type: 'changed', entity: 'site', id });
  app.get(
    '/',
    { schema: { tags, response: { 200: Type.Array(Site), ...errorResponses } } },
    async () => service.listSites(ctx.db),
  );
  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: Site, ...errorResponses } } },
    async (request) => service.getSite(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateSite, response: { 201: Site, ...errorResponses } },
    },
    async (request, reply) => {
      const site = await service.createSite(ctx.db, actor(request), request.body);
      changed(site.id);
      return reply.status(201).send(site);
    },
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateSite,
        response: { 200: Site, ...errorResponses },
      },
    },
    async (request) => {
      const site = await service.updateSite(
        ctx.db,
        actor(request),
        request.params.id,
        request.body,
      );
      changed(site.id);
      return site;
    },
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteSite(ctx.db, actor(request), request.params.id);
      changed(request.params.id);
      return { ok: true };
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { actor } from '../../plugins/auth.ts';
import { errorResponses, IdParams, Ok, Timestamp, Uuid } from '../../schemas.ts';
import { editors } from '../roles.ts';
import * as service from './service.ts';

const Room = Type.Object({
  id: Uuid,
  siteId: Uuid,
  name: Type.String(),
  notes: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  siteId: Uuid,
  notes: Type.String({ maxLength: 10_000 }),
};
const CreateRoom = Type.Object(
  { name: fields.name, siteId: fields.siteId, notes: Type.Optional(fields.notes) },
  { additionalProperties: false },
);
const UpdateRoom = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

export const roomRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['rooms'];
  const changed = (id: string) => ctx.bus.publish({ type: 'changed', entity: 'room', id });
  app.get(
    '/',
    {
      schema: {
        tags,
        querystring: Type.Object({ siteId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 200: Type.Array(Room), ...errorResponses },
      },
    },
    async (request) => service.listRooms(ctx.db, request.query.siteId),
  );
  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: Room, ...errorResponses } } },
    async (request) => service.getRoom(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateRoom, response: { 201: Room, ...errorResponses } },
    },
    async (request, reply) => {
      const room = await service.createRoom(ctx.db, actor(request), request.body);
      changed(room.id);
      return reply.status(201).send(room);
    },
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateRoom,
        response: { 200: Room, ...errorResponses },
      },
    },
    async (request) => {
      const room = await service.updateRoom(
        ctx.db,
        actor(request),
        request.params.id,
        request.body,
      );
      changed(room.id);
      return room;
    },
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteRoom(ctx.db, actor(request), request.params.id);
      changed(request.params.id);
      return { ok: true };
    },
  );
};

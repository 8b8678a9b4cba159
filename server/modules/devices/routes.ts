import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { deviceKinds, statuses } from '../../db/schema/index.ts';
import { actor } from '../../plugins/auth.ts';
import {
  errorResponses,
  IdParams,
  Nullable,
  Ok,
  StringEnum,
  Timestamp,
  Uuid,
} from '../../schemas.ts';
import { editors } from '../roles.ts';
import { dependenciesOf, setDependencies } from '../faults/service.ts';
import * as service from './service.ts';

const Device = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: StringEnum(deviceKinds),
  host: Type.String(),
  location: Type.String(),
  rack: Type.String(),
  serial: Type.String(),
  notes: Type.String(),
  parentId: Nullable(Uuid),
  suiteIds: Type.Array(Uuid),
  status: StringEnum(statuses),
  statusMessage: Type.String(),
  statusChangedAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
const Reading = Type.Object({
  value: Type.Number(),
  unit: Type.String(),
  at: Timestamp,
  checkId: Uuid,
  status: Nullable(StringEnum(statuses), {
    description: "The probe's judgement of this reading; null where no rule covers it",
  }),
});
const History = Type.Object({
  bucketS: Type.Integer({ description: 'Seconds averaged into each point' }),
  series: Type.Array(
    Type.Object({
      name: Type.String(),
      unit: Type.String(),
      points: Type.Array(Type.Tuple([Type.Number(), Type.Number()]), {
        description: '[epoch milliseconds of the bucket start, average value], oldest first',
      }),
    }),
  ),
});
const DeviceDetail = Type.Intersect([
  Device,
  Type.Object({ readings: Type.Record(Type.String(), Reading) }),
]);

const text = (maxLength: number) => Type.String({ maxLength });
const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: StringEnum(deviceKinds),
  host: Type.String({ maxLength: 255, description: 'Hostname or IP address the probes use' }),
  location: text(200),
  rack: text(100),
  serial: text(100),
  notes: text(10_000),
  parentId: Nullable(Uuid),
  suiteIds: Type.Array(Uuid, { maxItems: 100 }),
};
const CreateDevice = Type.Object(
  {
    name: fields.name,
    kind: fields.kind,
    host: Type.Optional(fields.host),
    location: Type.Optional(fields.location),
    rack: Type.Optional(fields.rack),
    serial: Type.Optional(fields.serial),
    notes: Type.Optional(fields.notes),
    parentId: Type.Optional(fields.parentId),
    suiteIds: Type.Optional(fields.suiteIds),
  },
  { additionalProperties: false },
);
const UpdateDevice = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

export const deviceRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['devices'];
  app.get(
    '/',
    {
      schema: {
        tags,
        querystring: Type.Object(
          {
            suiteId: Type.Optional(Uuid),
            kind: Type.Optional(StringEnum(deviceKinds)),
            status: Type.Optional(StringEnum(statuses)),
            q: Type.Optional(
              Type.String({ maxLength: 100, description: 'Matches name, host or serial' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Device), ...errorResponses },
      },
    },
    async (request) => service.listDevices(ctx.db, request.query),
  );
  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'A device with its latest readings',
        params: IdParams,
        response: { 200: DeviceDetail, ...errorResponses },
      },
    },
    async (request) => service.getDeviceDetail(ctx.db, request.params.id),
  );
  app.get(
    '/:id/history',
    {
      schema: {
        tags,
        summary: 'Reading history, averaged to at most 300 points per reading',
        params: IdParams,
        querystring: Type.Object(
          {
            names: Type.String({
              minLength: 1,
              maxLength: 20 * 210,
              description: 'Up to 20 reading names, comma-separated, as keyed in the device detail',
            }),
            hours: Type.Integer({ minimum: 1, maximum: 720, default: 24 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: History, ...errorResponses },
      },
    },
    async (request) => service.getDeviceHistory(ctx.db, request.params.id, request.query),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateDevice, response: { 201: Device, ...errorResponses } },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createDevice(ctx.db, ctx.bus, actor(request), request.body)),
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateDevice,
        response: { 200: Device, ...errorResponses },
      },
    },
    async (request) =>
      service.updateDevice(ctx.db, ctx.bus, actor(request), request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteDevice(ctx.db, ctx.bus, actor(request), request.params.id);
      return { ok: true };
    },
  );
  const Dependencies = Type.Object({
    dependsOn: Type.Array(Uuid, {
      maxItems: 50,
      description:
        "Devices this one depends on besides its parent (its switch, storage, router): their faults fold this one's under them",
    }),
  });
  app.get(
    '/:id/dependencies',
    {
      schema: {
        tags: ['devices'],
        params: IdParams,
        response: { 200: Dependencies, ...errorResponses },
      },
    },
    async (request) => {
      await service.getDevice(ctx.db, request.params.id);
      return { dependsOn: await dependenciesOf(ctx.db, request.params.id) };
    },
  );
  app.put(
    '/:id/dependencies',
    {
      config: { roles: editors },
      schema: {
        tags: ['devices'],
        params: IdParams,
        body: Type.Object(
          { dependsOn: Dependencies.properties.dependsOn },
          { additionalProperties: false },
        ),
        response: { 200: Dependencies, ...errorResponses },
      },
    },
    async (request) => ({
      dependsOn: await setDependencies(
        ctx,
        request.params.id,
        request.body.dependsOn,
        actor(request),
      ),
    }),
  );
};

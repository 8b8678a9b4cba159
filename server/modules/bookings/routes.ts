import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { signoffKinds } from '../../domain.ts';
import { Invalid } from '../../errors.ts';
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
import * as service from './service.ts';

const fields = {
  suiteId: Uuid,
  client: Type.String({ maxLength: 200 }),
  project: Type.String({ maxLength: 200 }),
  operator: Type.String({ maxLength: 200, description: 'The editor or operator' }),
  startsAt: Timestamp,
  endsAt: Timestamp,
  signoff: Nullable(StringEnum(signoffKinds), {
    description: 'A client sign-off session: grade or mix approval; null for none',
  }),
};

const Booking = Type.Object({
  id: Uuid,
  suiteId: Uuid,
  client: Type.String(),
  project: Type.String(),
  operator: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  signoff: Nullable(StringEnum(signoffKinds)),
  signoffRisk: Nullable(Type.Object({ reason: Type.String(), lastPassAt: Nullable(Timestamp) }), {
    description:
      "A sign-off whose suite has no passing calibration within the maintenance settings' signoffValidDays before it starts",
  }),
  movedWork: Type.Array(
    Type.Object({
      id: Uuid,
      number: Type.Integer(),
      title: Type.String(),
      status: Type.String(),
      scheduledStart: Nullable(Timestamp),
      scheduledEnd: Nullable(Timestamp),
      reason: Type.String(),
    }),
    { description: 'Work orders moved onto this session on purpose, with the reason given' },
  ),
  source: StringEnum(['manual', 'ics'] as const),
  sourceUid: Nullable(Type.String(), {
    description: 'An imported occurrence: its ICS UID and original start',
  }),
  createdById: Nullable(Uuid),
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const CreateBooking = Type.Object(
  {
    suiteId: fields.suiteId,
    client: fields.client,
    project: Type.Optional(fields.project),
    operator: Type.Optional(fields.operator),
    startsAt: fields.startsAt,
    endsAt: fields.endsAt,
    signoff: Type.Optional(fields.signoff),
  },
  { additionalProperties: false },
);
const UpdateBooking = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

const ImportBody = Type.Object(
  {
    suiteId: Uuid,
    ics: Type.Optional(
      Type.String({ maxLength: 2 * 1024 * 1024, description: "The calendar file's text" }),
    ),
    url: Type.Optional(
      Type.String({ maxLength: 2000, description: 'An http(s) calendar feed to fetch' }),
    ),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  {
    additionalProperties: false,
    description:
      'Give ics or url. Recurring events are expanded within from..to (default: 7 days ago to 90 days ahead)',
  },
);
const ImportResult = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer(),
  removed: Type.Integer({
    description: "Occurrences imported before that the calendar's events no longer have",
  }),
  errors: Type.Array(Type.String(), {
    description: 'Occurrences not imported and overlaps found (overlapping ones are still stored)',
  }),
});

export const bookingRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['bookings'];
  const changed = (id: string) => ctx.bus.publish({ type: 'changed', entity: 'booking', id });
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Bookings overlapping from..to (default: a day ago to 14 days ahead)',
        querystring: Type.Object(
          {
            suiteId: Type.Optional(Uuid),
            from: Type.Optional(Timestamp),
            to: Type.Optional(Timestamp),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Booking), ...errorResponses },
      },
    },
    async (request) => service.listBookings(ctx.db, request.query),
  );
  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: Booking, ...errorResponses } } },
    async (request) => service.getBooking(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateBooking, response: { 201: Booking, ...errorResponses } },
    },
    async (request, reply) => {
      const booking = await service.createBooking(ctx.db, actor(request), request.body);
      changed(booking.id);
      return reply.status(201).send(booking);
    },
  );
  app.post(
    '/import',
    {
      config: { roles: editors },
      // A calendar file can outgrow the app's 1 MiB limit; JSON escaping adds a little.
      bodyLimit: 2 * 1024 * 1024 + 64 * 1024,
      schema: {
        tags,
        summary: 'Import an iCalendar file or feed into a suite',
        body: ImportBody,
        response: { 200: ImportResult, ...errorResponses },
      },
    },
    async (request) => {
      const { ics, url, ...rest } = request.body;
      if ((ics === undefined) === (url === undefined))
        throw new Invalid('body: give either ics (the file text) or url, not both or neither');
      const text = ics ?? (await service.fetchIcs(url ?? ''));
      const { changedIds, ...result } = await service.importIcs(ctx.db, actor(request), {
        ...rest,
        ics: text,
      });
      for (const id of changedIds) changed(id);
      return result;
    },
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateBooking,
        response: { 200: Booking, ...errorResponses },
      },
    },
    async (request) => {
      const booking = await service.updateBooking(
        ctx.db,
        actor(request),
        request.params.id,
        request.body,
      );
      changed(booking.id);
      return booking;
    },
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteBooking(ctx.db, actor(request), request.params.id);
      changed(request.params.id);
      return { ok: true };
    },
  );
};

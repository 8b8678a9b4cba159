import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from 'typebox';
import type { Context } from '../../context.ts';
import { Forbidden } from '../../errors.ts';
import { actor, principalOf } from '../../plugins/auth.ts';
import type { TicketEventKind } from '../../domain.ts';
import { errorResponses, IdParams, Ok, Uuid } from '../../schemas.ts';
import * as actions from './actions.ts';
import { addAttachment, deleteAttachment, getAttachment } from './attachments.ts';
import { ListCache } from './list-cache.ts';
import * as repo from './repository.ts';
import {
  CommentBody,
  CreateTicket,
  Draft,
  Escalate,
  ListQuery,
  Preview,
  PreviewResult,
  Settings,
  SettingsPatch,
  Ticket,
  TicketEvent,
  TicketItem,
  Transition,
  TriageBody,
  UpdateTicket,
  WorklogBody,
} from './schemas.ts';
import * as service from './service.ts';
import { loadConfig } from './settings.ts';

function whoOf(request: FastifyRequest): service.Who {
  const principal = principalOf(request);
  if (principal.kind !== 'user') throw new Forbidden('tickets are for people, not probes');
  return { actor: actor(request), role: principal.role };
}

const AttachmentParams = Type.Object(
  { id: Uuid, attachmentId: Uuid },
  { additionalProperties: false },
);

export const ticketRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['tickets'];
  const { db } = ctx;
  const changed = (id: string) => ctx.bus.publish({ type: 'changed', entity: 'ticket', id });
  const lists = new ListCache(ctx.bus, ctx.config.listCacheMs);
  const json = 'application/json; charset=utf-8';
  const view = async (request: FastifyRequest, row: repo.TicketRow) =>
    service.ticketView(db, whoOf(request), row);

  app.get(
    '/tickets',
    {
      schema: {
        tags,
        summary: 'The triage queue and other ticket lists; Accept: text/csv exports',
        querystring: ListQuery,
        response: { 200: Type.Array(TicketItem), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { view: which = 'queue', limit = 100, offset = 0, ...rest } = request.query;
      const who = whoOf(request);
      // CSV goes through the export plugin, which needs the rows, not the cached text.
      const csv = (request.headers.accept ?? '').includes('text/csv');
      const key = `${which === 'mine' ? who.actor.id : ''}|${request.url}`;
      const cached = csv ? null : lists.get(key);
      // Text already serialized against the response schema: sent as it is.
      if (cached) return reply.type(json).send(cached as never);
      const generation = lists.generation;
      const rows = await service.listTickets(db, who, { ...rest, view: which, limit, offset });
      if (csv) return rows;
      const serialized = reply.serialize(rows);
      const body = typeof serialized === 'string' ? serialized : JSON.stringify(rows);
      lists.set(key, body, generation);
      return reply.type(json).send(body as never);
    },
  );
  app.get(
    '/tickets/draft',
    {
      schema: {
        tags,
        summary: 'A new ticket filled in from a fault, a device or a suite',
        querystring: Type.Object(
          {
            faultId: Type.Optional(Uuid),
            deviceId: Type.Optional(Uuid),
            suiteId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 200: Draft, ...errorResponses },
      },
    },
    async (request) => service.draft(db, request.query),
  );
  app.post(
    '/tickets/preview',
    {
      schema: {
        tags,
        summary: 'The impact, urgency and priority these suites and devices would get now',
        body: Preview,
        response: { 200: PreviewResult, ...errorResponses },
      },
    },
    async (request) => service.preview(db, request.body),
  );
  app.get(
    '/tickets/assignees',
    {
      schema: {
        tags,
        summary: 'People a ticket can be assigned to, and the teams',
        response: {
          200: Type.Object({
            users: Type.Array(Type.Object({ id: Uuid, name: Type.String(), role: Type.String() })),
            teams: Type.Array(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({ users: await repo.assignees(db), teams: (await loadConfig(db)).teams }),
  );
  app.post(
    '/tickets',
    { schema: { tags, body: CreateTicket, response: { 201: Ticket, ...errorResponses } } },
    async (request, reply) => {
      const row = await service.createTicket(db, whoOf(request), request.body);
      changed(row.id);
      return reply.status(201).send(await view(request, row));
    },
  );
  app.get(
    '/tickets/:id',
    { schema: { tags, params: IdParams, response: { 200: Ticket, ...errorResponses } } },
    async (request) => view(request, await service.found(db, request.params.id)),
  );
  /** A change to one ticket: run it, announce it, answer with the ticket as the caller sees it. */
  const change = <B extends TSchema>(
    method: 'PATCH' | 'POST',
    url: string,
    summary: string,
    body: B,
    run: (who: service.Who, id: string, input: Static<B>) => Promise<repo.TicketRow>,
  ) =>
    app.route({
      method,
      url,
      schema: {
        tags,
        summary,
        params: IdParams,
        body,
        response: { 200: Ticket, ...errorResponses },
      },
      handler: async (request) => {
        const { id } = request.params;
        const row = await run(whoOf(request), id, request.body as Static<B>);
        changed(row.id);
        return view(request, row);
      },
    });
  change(
    'PATCH',
    '/tickets/:id',
    'Edit fields; new suites or devices derive the triage again',
    UpdateTicket,
    (who, id, input) => actions.update(db, who, id, input),
  );
  change(
    'POST',
    '/tickets/:id/transition',
    'Move the ticket; 409 lists the moves allowed',
    Transition,
    (who, id, input) => actions.transition(db, who, id, input),
  );
  change(
    'POST',
    '/tickets/:id/triage',
    'Derive impact and urgency again; override with a reason; assign',
    TriageBody,
    (who, id, input) => actions.triage(db, who, id, input),
  );
  change(
    'POST',
    '/tickets/:id/escalate',
    'Hand over to a specialist or a team with a briefing note',
    Escalate,
    (who, id, input) => actions.escalate(db, who, id, input),
  );
  /** A ticket's timeline, or the part of it of these kinds. */
  const eventList = (url: string, kinds?: TicketEventKind[]) =>
    app.get(
      url,
      {
        schema: {
          tags,
          params: IdParams,
          response: { 200: Type.Array(TicketEvent), ...errorResponses },
        },
      },
      async (request) => {
        await service.found(db, request.params.id);
        return (await repo.timeline(db, request.params.id, kinds)).map((e) => ({
          ...e,
          at: e.at.toISOString(),
        }));
      },
    );
  eventList('/tickets/:id/timeline');
  eventList('/tickets/:id/comments', ['comment', 'note']);
  eventList('/tickets/:id/worklog', ['worklog']);
  app.post(
    '/tickets/:id/comments',
    {
      schema: {
        tags,
        summary: 'A comment, or an internal note (internal: true)',
        params: IdParams,
        body: CommentBody,
        response: { 201: TicketEvent, ...errorResponses },
      },
    },
    async (request, reply) => {
      const event = await actions.comment(db, whoOf(request), request.params.id, request.body);
      changed(request.params.id);
      return reply.status(201).send({ ...event, at: event.at.toISOString() });
    },
  );
  app.post(
    '/tickets/:id/worklog',
    {
      schema: {
        tags,
        summary: 'Log time spent (minutes)',
        params: IdParams,
        body: WorklogBody,
        response: {
          201: Type.Object({ timeSpentMinutes: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await actions.logWork(db, whoOf(request), request.params.id, request.body);
      changed(request.params.id);
      return reply.status(201).send(result);
    },
  );

  // Attachments arrive as the raw request body, whatever their type; the name is in the query.
  const attachments: FastifyPluginAsyncTypebox = async (files) => {
    files.removeAllContentTypeParsers();
    files.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: ctx.config.attachmentMaxBytes },
      (_request, body, done) => done(null, body),
    );
    files.post(
      '/tickets/:id/attachments',
      {
        bodyLimit: ctx.config.attachmentMaxBytes,
        schema: {
          tags,
          summary: `Attach a file (the raw body; at most ${Math.round(ctx.config.attachmentMaxBytes / 1048576)} MiB)`,
          params: IdParams,
          querystring: Type.Object(
            { filename: Type.String({ minLength: 1, maxLength: 255 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const data = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const row = await addAttachment(db, whoOf(request), request.params.id, {
          filename: request.query.filename,
          contentType: request.headers['content-type'] ?? 'application/octet-stream',
          data,
        });
        changed(request.params.id);
        return reply.status(201).send(row);
      },
    );
  };
  await app.register(attachments);
  app.get(
    '/tickets/:id/attachments/:attachmentId',
    { schema: { tags, summary: 'Download an attachment', params: AttachmentParams } },
    async (request, reply) => {
      const row = await getAttachment(db, request.params.id, request.params.attachmentId);
      // Always a download, never rendered in the dashboard's origin.
      return reply
        .header('content-type', row.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header(
          'content-disposition',
          `attachment; filename="${row.filename.replace(/["\\]/g, '_').replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(row.filename)}`,
        )
        .send(Buffer.from(row.data));
    },
  );
  app.delete(
    '/tickets/:id/attachments/:attachmentId',
    { schema: { tags, params: AttachmentParams, response: { 200: Ok, ...errorResponses } } },
    async (request) => {
      await deleteAttachment(db, whoOf(request), request.params.id, request.params.attachmentId);
      changed(request.params.id);
      return { ok: true };
    },
  );

  app.get(
    '/helpdesk/settings',
    {
      schema: {
        tags: ['helpdesk'],
        summary: 'The priority matrix, SLA targets, business calendar and triage thresholds',
        response: { 200: Settings, ...errorResponses },
      },
    },
    async () => loadConfig(db),
  );
  app.patch(
    '/helpdesk/settings',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['helpdesk'],
        summary:
          'Change helpdesk settings (admin); open tickets keep their priority until triaged again',
        body: SettingsPatch,
        response: { 200: Settings, ...errorResponses },
      },
    },
    async (request) => {
      const config = await service.saveSettings(db, actor(request), request.body as never);
      ctx.bus.publish({ type: 'changed', entity: 'helpdesk-settings', id: 'helpdesk' });
      return config;
    },
  );
};

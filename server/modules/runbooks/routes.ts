import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { profiles as snmpProfiles } from '../../../probes/kinds/snmp.ts';
import type { Context } from '../../context.ts';
import { deviceKinds, ticketCategories } from '../../domain.ts';
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
import { facetWeights } from './matching.ts';
import * as service from './service.ts';

const profileNames = Object.keys(snmpProfiles);
const facetList = <T extends TSchema>(item: T, description: string) =>
  Type.Array(item, { maxItems: 50, description });

const fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ maxLength: 200_000, description: 'Markdown; raw HTML is shown as text' }),
  deviceKinds: facetList(StringEnum(deviceKinds), 'Device kinds the runbook is for'),
  profiles: facetList(StringEnum(profileNames), 'Probe (SNMP) profiles the runbook is for'),
  conditions: facetList(
    Type.String({ minLength: 1, maxLength: 200 }),
    "Fault conditions: 'raid.status' matches raid.status and raid.status[0]; a trailing * matches a prefix ('trap.link_down*')",
  ),
  categories: facetList(StringEnum(ticketCategories), 'Ticket categories the runbook is for'),
};

const Runbook = Type.Object({
  id: Uuid,
  title: Type.String(),
  body: Type.String({ description: 'The Markdown as written' }),
  html: Type.String({
    description: 'The Markdown rendered and sanitised: safe to insert into a page as it is',
  }),
  deviceKinds: Type.Array(Type.String()),
  profiles: Type.Array(Type.String()),
  conditions: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  createdById: Nullable(Uuid),
  createdBy: Type.String(),
  updatedBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const Suggestion = Type.Intersect([
  Runbook,
  Type.Object({
    score: Type.Integer({
      description: `Sum of the weights of the facets that matched: ${Object.entries(facetWeights)
        .map(([facet, weight]) => `${facet} ${weight}`)
        .join(', ')}`,
    }),
    matched: Type.Array(StringEnum(['condition', 'profile', 'deviceKind', 'category'] as const)),
  }),
]);

const CreateRunbook = Type.Object(
  {
    title: fields.title,
    body: Type.Optional(fields.body),
    deviceKinds: Type.Optional(fields.deviceKinds),
    profiles: Type.Optional(fields.profiles),
    conditions: Type.Optional(fields.conditions),
    categories: Type.Optional(fields.categories),
  },
  { additionalProperties: false },
);
const UpdateRunbook = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

// Repeated rather than comma-separated: a condition's instance may hold a comma
// (volume.used_pct[/mnt/a,b]).
const repeatable = <T extends TSchema>(item: T, what: string) =>
  Type.Optional(
    Type.Array(item, {
      maxItems: 50,
      description: `${what}. Repeat the parameter for several: ?${what}=a&${what}=b`,
    }),
  );
const SuggestQuery = Type.Object(
  {
    deviceKind: repeatable(StringEnum(deviceKinds), 'deviceKind'),
    profile: repeatable(Type.String({ maxLength: 200 }), 'profile'),
    condition: repeatable(Type.String({ maxLength: 200 }), 'condition'),
    category: repeatable(StringEnum(ticketCategories), 'category'),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 5 })),
  },
  { additionalProperties: false },
);

export const runbookRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['runbooks'];
  const changed = (id: string) => ctx.bus.publish({ type: 'changed', entity: 'runbook', id });
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Runbooks by title',
        querystring: Type.Object(
          {
            q: Type.Optional(
              Type.String({ maxLength: 200, description: 'Text in the title or body' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Runbook), ...errorResponses },
      },
    },
    async (request) => service.listRunbooks(ctx.db, request.query.q),
  );
  app.get(
    '/suggest',
    {
      schema: {
        tags,
        summary:
          'Runbooks for a device kind, profile, fault condition or ticket category, best match first',
        description:
          'Each runbook that matches at least one facet, ranked by the facets it matches; a matching condition counts more than all the others together.',
        querystring: SuggestQuery,
        response: { 200: Type.Array(Suggestion), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      return service.suggestRunbooks(
        ctx.db,
        {
          deviceKinds: q.deviceKind ?? [],
          profiles: q.profile ?? [],
          conditions: q.condition ?? [],
          categories: q.category ?? [],
        },
        q.limit ?? 5,
      );
    },
  );
  app.get(
    '/:id',
    { schema: { tags, params: IdParams, response: { 200: Runbook, ...errorResponses } } },
    async (request) => service.getRunbook(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateRunbook, response: { 201: Runbook, ...errorResponses } },
    },
    async (request, reply) => {
      const runbook = await service.createRunbook(ctx.db, actor(request), request.body);
      changed(runbook.id);
      return reply.status(201).send(runbook);
    },
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateRunbook,
        response: { 200: Runbook, ...errorResponses },
      },
    },
    async (request) => {
      const runbook = await service.updateRunbook(
        ctx.db,
        actor(request),
        request.params.id,
        request.body,
      );
      changed(runbook.id);
      return runbook;
    },
  );
  app.delete(
    '/:id',
    {
      config: { roles: editors },
      schema: { tags, params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await service.deleteRunbook(ctx.db, actor(request), request.params.id);
      changed(request.params.id);
      return { ok: true };
    },
  );
};

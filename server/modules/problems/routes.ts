import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { problemStatuses, ticketStatuses } from '../../domain.ts';
import { actor } from '../../plugins/auth.ts';
import { errorResponses, IdParams, Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';
import { editors } from '../roles.ts';
import * as service from './service.ts';

const text = (description: string) => Type.String({ maxLength: 20_000, description });
const fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: text('What goes wrong, and where'),
  rootCause: text('The root-cause analysis'),
  workaround: text('How to restore service until the fix is in'),
  permanentFix: text('The change that stops it happening again'),
  ownerId: Nullable(Uuid, { description: 'The user who owns the investigation' }),
};

const Problem = Type.Object({
  id: Uuid,
  number: Type.Integer({ description: 'What people say out loud: "problem 12"' }),
  title: Type.String(),
  description: Type.String(),
  status: StringEnum(problemStatuses),
  rootCause: Type.String(),
  workaround: Type.String(),
  permanentFix: Type.String(),
  ownerId: Nullable(Uuid),
  owner: Nullable(Type.String(), { description: "The owner's username" }),
  createdById: Nullable(Uuid),
  createdBy: Type.String(),
  closedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  incidentCount: Type.Integer({ description: 'Tickets linked to the problem' }),
  openIncidents: Type.Integer({
    description: 'Linked tickets not yet resolved or closed: closing a problem leaves them open',
  }),
});

const Incident = Type.Object({
  id: Uuid,
  number: Type.Integer(),
  title: Type.String(),
  status: StringEnum(ticketStatuses),
  priority: Type.Integer({ minimum: 1, maximum: 5 }),
  createdAt: Timestamp,
});

const ProblemDetail = Type.Intersect([Problem, Type.Object({ incidents: Type.Array(Incident) })]);

const CreateProblem = Type.Object(
  {
    title: fields.title,
    description: Type.Optional(fields.description),
    rootCause: Type.Optional(fields.rootCause),
    workaround: Type.Optional(fields.workaround),
    permanentFix: Type.Optional(fields.permanentFix),
    ownerId: Type.Optional(fields.ownerId),
  },
  { additionalProperties: false },
);
const UpdateProblem = Type.Partial(
  Type.Object({
    ...fields,
    status: StringEnum(problemStatuses, {
      description:
        "closed stamps closedAt and notes it on each incident's timeline, leaving the incidents as they are; any other status clears closedAt",
    }),
  }),
  { additionalProperties: false, minProperties: 1 },
);
const LinkBody = Type.Object({ ticketId: Uuid }, { additionalProperties: false });
const IncidentParams = Type.Object({ id: Uuid, ticketId: Uuid }, { additionalProperties: false });

export const problemRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['problems'];
  const changed = (id: string) => ctx.bus.publish({ type: 'changed', entity: 'problem', id });
  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Problems, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(StringEnum(problemStatuses)),
            q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in the title' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Problem), ...errorResponses },
      },
    },
    async (request) => service.listProblems(ctx.db, request.query),
  );
  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'A problem with its incidents',
        params: IdParams,
        response: { 200: ProblemDetail, ...errorResponses },
      },
    },
    async (request) => service.getProblem(ctx.db, request.params.id),
  );
  app.post(
    '/',
    {
      config: { roles: editors },
      schema: { tags, body: CreateProblem, response: { 201: ProblemDetail, ...errorResponses } },
    },
    async (request, reply) => {
      const problem = await service.createProblem(ctx.db, actor(request), request.body);
      changed(problem.id);
      return reply.status(201).send(problem);
    },
  );
  app.patch(
    '/:id',
    {
      config: { roles: editors },
      schema: {
        tags,
        params: IdParams,
        body: UpdateProblem,
        response: { 200: ProblemDetail, ...errorResponses },
      },
    },
    async (request) => {
      const problem = await service.updateProblem(
        ctx.db,
        actor(request),
        request.params.id,
        request.body,
      );
      changed(problem.id);
      return problem;
    },
  );
  app.post(
    '/:id/incidents',
    {
      config: { roles: editors },
      schema: {
        tags,
        summary: 'Link a ticket to the problem as one of its incidents',
        description:
          'A ticket belongs to one problem at most: one linked elsewhere is refused with 409. Linking a ticket already on this problem changes nothing.',
        params: IdParams,
        body: LinkBody,
        response: { 200: ProblemDetail, ...errorResponses },
      },
    },
    async (request) => {
      const { changed: didChange, problem } = await service.linkIncident(
        ctx.db,
        actor(request),
        request.params.id,
        request.body.ticketId,
      );
      if (didChange) changed(problem.id);
      return problem;
    },
  );
  app.delete(
    '/:id/incidents/:ticketId',
    {
      config: { roles: editors },
      schema: {
        tags,
        summary: 'Unlink a ticket from the problem',
        params: IncidentParams,
        response: { 200: ProblemDetail, ...errorResponses },
      },
    },
    async (request) => {
      const problem = await service.unlinkIncident(
        ctx.db,
        actor(request),
        request.params.id,
        request.params.ticketId,
      );
      changed(problem.id);
      return problem;
    },
  );
};

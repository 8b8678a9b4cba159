import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import type { Role } from '../../db/schema/index.ts';
import { errorResponses } from '../../schemas.ts';
import {
  BacklogBucket,
  DeviceKindCount,
  HelpdeskReport,
  PeriodQuery,
  SlaRow,
  SuiteCount,
} from './schemas.ts';
import * as service from './service.ts';

/** Who may read helpdesk reports: everyone but juniors. */
const readers: readonly Role[] = ['engineer', 'manager', 'admin'];

const csvNote = 'Send `Accept: text/csv` for a CSV file.';

export const reportRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['reports'];
  const config = { roles: readers };

  app.get(
    '/helpdesk',
    {
      config,
      schema: {
        tags,
        summary: 'Helpdesk report: backlog now; MTTA, MTTR, SLA attainment and counts for a period',
        querystring: PeriodQuery,
        response: { 200: HelpdeskReport, ...errorResponses },
      },
    },
    async (request) => service.helpdeskReport(ctx.db, service.period(request.query)),
  );
  app.get(
    '/helpdesk/backlog',
    {
      config,
      schema: {
        tags,
        summary: 'Open tickets now by age band and priority',
        description: `It is about now, so it takes no period. ${csvNote}`,
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Array(BacklogBucket), ...errorResponses },
      },
    },
    async () => (await service.backlog(ctx.db)).buckets,
  );
  app.get(
    '/helpdesk/sla',
    {
      config,
      schema: {
        tags,
        summary: 'SLA attainment per measure and priority for a period',
        description: csvNote,
        querystring: PeriodQuery,
        response: { 200: Type.Array(SlaRow), ...errorResponses },
      },
    },
    async (request) => service.sla(ctx.db, service.period(request.query)),
  );
  app.get(
    '/helpdesk/per-suite',
    {
      config,
      schema: {
        tags,
        summary: 'Tickets created in a period per suite, most first',
        description: csvNote,
        querystring: PeriodQuery,
        response: { 200: Type.Array(SuiteCount), ...errorResponses },
      },
    },
    async (request) => service.perSuite(ctx.db, service.period(request.query)),
  );
  app.get(
    '/helpdesk/per-device-kind',
    {
      config,
      schema: {
        tags,
        summary: 'Tickets created in a period per device kind, most first',
        description: csvNote,
        querystring: PeriodQuery,
        response: { 200: Type.Array(DeviceKindCount), ...errorResponses },
      },
    },
    async (request) => service.perDeviceKind(ctx.db, service.period(request.query)),
  );
};

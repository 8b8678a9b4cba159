import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { signoffKinds, workOrderStatuses } from '../../domain.ts';
import { errorResponses, Nullable, StringEnum, Timestamp, Uuid } from '../../schemas.ts';
import { maintenanceSummary, signoffLookAheadDays } from './summary.ts';

const SignoffRisk = Type.Object({
  bookingId: Uuid,
  suiteId: Uuid,
  kind: StringEnum(signoffKinds),
  reason: Type.String(),
  lastPassAt: Nullable(Timestamp),
});

const SuiteMaintenance = Type.Object({
  suiteId: Uuid,
  nextWork: Nullable(
    Type.Object({
      id: Uuid,
      number: Type.Integer(),
      title: Type.String(),
      start: Nullable(Timestamp, { description: 'The scheduled start, else the due date' }),
      status: StringEnum(workOrderStatuses),
    }),
  ),
  overdue: Type.Integer({ minimum: 0, description: 'Open work past its due date and grace' }),
  signoffRisks: Type.Array(SignoffRisk),
});

/** What the suite wall shows about maintenance, for every suite in one request. */
export const maintenanceSummaryRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  app.get(
    '/summary',
    {
      schema: {
        tags: ['work-orders'],
        summary: `Per suite: the next planned work, the overdue count, and client sign-offs in the next ${signoffLookAheadDays} days whose calibration is not current`,
        description: "A suite's work is work on the suite, on a device it holds, or on its room.",
        response: { 200: Type.Array(SuiteMaintenance), ...errorResponses },
      },
    },
    async () => maintenanceSummary(ctx.db),
  );
};

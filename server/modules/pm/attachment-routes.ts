import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { errorResponses, Uuid } from '../../schemas.ts';
import { addStepPhoto, getPhoto, photoTypes } from './attachments.ts';
import { whoOf } from './routes.ts';
import { view } from './work-orders.ts';

const tags = ['work-orders'];

/** Photo steps: the picture goes up as the raw body with its own type; it downloads as stored. */
export const workOrderAttachmentRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (
  app,
  { ctx },
) => {
  const { db } = ctx;
  const limit = ctx.config.attachmentMaxBytes;

  // Every type reaches the handler, so a wrong one is refused in words naming the types taken.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/work-orders/:id/steps/:stepId/photo',
    {
      bodyLimit: limit,
      config: { roles: ['junior', 'engineer', 'admin'] },
      schema: {
        tags,
        summary: `Record a photo step: the image as the raw body (${photoTypes.join(', ')}; at most ${Math.round(limit / 1048576)} MiB)`,
        params: Type.Object(
          { id: Uuid, stepId: Type.String({ maxLength: 20 }) },
          { additionalProperties: false },
        ),
        querystring: Type.Object(
          { filename: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Any(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { order, attachment } = await addStepPhoto(
        db,
        whoOf(request),
        request.params.id,
        request.params.stepId,
        {
          filename: request.query.filename,
          contentType: request.headers['content-type'] ?? '',
          data: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        },
      );
      ctx.bus.publish({ type: 'changed', entity: 'work-order', id: order.id });
      return reply.status(201).send({ ...view(order), attachment });
    },
  );

  app.get(
    '/work-orders/:id/attachments/:attachmentId',
    {
      schema: {
        tags,
        summary: "A work order's photo, as it was uploaded",
        params: Type.Object({ id: Uuid, attachmentId: Uuid }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const row = await getPhoto(db, request.params.id, request.params.attachmentId);
      const ascii = row.filename.replace(/["\\]/g, '_').replace(/[^\x20-\x7e]/g, '_');
      // Only images whose bytes were checked are stored, so they may show inline; nosniff and a
      // sandbox keep the browser from treating them as anything else.
      return reply
        .header('content-type', row.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=86400, immutable')
        .header(
          'content-disposition',
          `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.filename)}`,
        )
        .send(Buffer.from(row.data));
    },
  );
};

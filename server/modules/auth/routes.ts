import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import { roles } from '../../db/schema/index.ts';
import { actor, principalOf, sessionCookie, setSessionCookie } from '../../plugins/auth.ts';
import { errorResponses, Nullable, Ok, StringEnum, Timestamp, Uuid } from '../../schemas.ts';

const Me = Type.Object({
  id: Nullable(Uuid),
  username: Type.String(),
  role: Nullable(StringEnum(roles)),
  kind: StringEnum(['user', 'probe'] as const),
});

export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  app.post(
    '/login',
    {
      config: { auth: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        security: [],
        tags: ['auth'],
        summary: 'Log in; sets an HttpOnly session cookie',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            user: Type.Object({
              id: Uuid,
              username: Type.String(),
              displayName: Type.String(),
              role: StringEnum(roles),
            }),
            expiresAt: Timestamp,
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { token, expiresAt, user } = await ctx.auth.login(
        request.body.username,
        request.body.password,
        request.ip,
      );
      setSessionCookie(reply, token, expiresAt, ctx.config.cookieSecure);
      return { user, expiresAt: expiresAt.toISOString() };
    },
  );

  app.post(
    '/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 200: Ok, ...errorResponses },
      },
    },
    async (request, reply) => {
      await ctx.auth.logout(principalOf(request), actor(request));
      void reply.clearCookie(sessionCookie, { path: '/' });
      return { ok: true };
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is calling',
        response: { 200: Me, ...errorResponses },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return p.kind === 'user'
        ? { id: p.userId, username: p.username, role: p.role, kind: 'user' as const }
        : { id: null, username: p.name, role: null, kind: 'probe' as const };
    },
  );
};

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../db/schema/index.ts';
import { Forbidden, Unauthorized } from '../errors.ts';
import { actorOf, type Actor, type Principal } from '../modules/auth/principal.ts';
import type { AuthService } from '../modules/auth/service.ts';

export const sessionCookie = 'suitewatch_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** `public`: no login (login, health). `probe`: probe tokens only. Default: users. */
    auth?: 'public' | 'probe';
    /** Roles allowed; absent means every logged-in user. */
    roles?: readonly Role[];
  }
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** The principal of an authenticated route; routes call this rather than re-checking null. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Unauthorized();
  return request.principal;
}

export function actor(request: FastifyRequest): Actor {
  return actorOf(request.principal, request.ip);
}

export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  expires: Date,
  secure: boolean,
): void {
  void reply.setCookie(sessionCookie, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires,
  });
}

export const authPlugin = fp(
  async (app: FastifyInstance, opts: { auth: AuthService; cookieSecure: boolean }) => {
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request, reply) => {
      // Decide by the route that matched, never by the raw URL: the router decodes the path, so
      // `/%61pi/users` reaches `/api/users/` while its raw URL does not start with `/api/`.
      const route = request.routeOptions.url;
      if (route === undefined || !route.startsWith('/api/')) return;
      const config = request.routeOptions.config;
      if (config.auth === 'public') return;

      const token = bearer(request);
      const cookie = request.cookies[sessionCookie];
      let principal: Principal | null = null;
      if (token) principal = await opts.auth.fromBearer(token);
      else if (cookie) {
        const session = await opts.auth.fromSessionCookie(cookie);
        principal = session?.principal ?? null;
        // The expiry slides in the database; the browser's copy of the cookie must slide with it.
        if (session?.renewedUntil)
          setSessionCookie(reply, cookie, session.renewedUntil, opts.cookieSecure);
      }
      if (!principal) {
        throw new Unauthorized(
          token || cookie ? 'session expired or token revoked; log in again' : undefined,
        );
      }
      request.principal = principal;

      // Probe routes hand out check secrets in plain text: probe tokens only, no user.
      if (config.auth === 'probe') {
        if (principal.kind === 'probe') return;
        throw new Forbidden('this route is for probe tokens');
      }
      if (principal.kind === 'probe') {
        throw new Forbidden('a probe token may only fetch its checks and post results');
      }
      if (config.roles && !config.roles.includes(principal.role)) {
        throw new Forbidden(
          `${request.method} ${request.routeOptions.url ?? request.url} needs the ${config.roles.join(' or ')} role; ${principal.username} is ${principal.role}`,
        );
      }
    });
  },
);

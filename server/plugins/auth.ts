import type { FastifyInstance, FastifyRequest } from 'fastify';
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
    /** `public`: no login (login, health). `probe`: probe tokens (and admins) only. Default: users. */
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

export const authPlugin = fp(async (app: FastifyInstance, opts: { auth: AuthService }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const config = request.routeOptions.config;
    if (config.auth === 'public') return;

    const token = bearer(request);
    const cookie = request.cookies[sessionCookie];
    const principal = token
      ? await opts.auth.fromBearer(token)
      : cookie
        ? await opts.auth.fromSessionCookie(cookie)
        : null;
    if (!principal) {
      throw new Unauthorized(
        token || cookie ? 'session expired or token revoked; log in again' : undefined,
      );
    }
    request.principal = principal;

    if (config.auth === 'probe') {
      if (principal.kind === 'probe' || principal.role === 'admin') return;
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
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import sensible from '@fastify/sensible';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import underPressure from '@fastify/under-pressure';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Context } from './context.ts';
import type { Database } from './db/client.ts';
import { Partitions } from './db/partitions.ts';
import { NotFound, registerErrorHandler } from './errors.ts';
import { EventBus } from './events.ts';
import { createMetrics } from './metrics.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { bookingRoutes } from './modules/bookings/routes.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { AuthService } from './modules/auth/service.ts';
import { newSecret } from './modules/auth/secrets.ts';
import { probeRoutes } from './modules/probes/routes.ts';
import { checkRoutes } from './modules/checks/routes.ts';
import { deviceRoutes } from './modules/devices/routes.ts';
import { faultRoutes } from './modules/faults/routes.ts';
import { maintenanceWindowRoutes } from './modules/maintenance/routes.ts';
import { calendarFeedPublicRoutes, calendarFeedRoutes } from './modules/pm/feed-routes.ts';
import { notificationRoutes } from './modules/notifications/routes.ts';
import { maintenanceReportRoutes } from './modules/pm/report-routes.ts';
import { maintenanceSummaryRoutes } from './modules/pm/summary-routes.ts';
import { maintenanceCalendarRoutes } from './modules/pm/calendar-routes.ts';
import { pmRoutes } from './modules/pm/routes.ts';
import { workOrderAttachmentRoutes } from './modules/pm/attachment-routes.ts';
import { problemRoutes } from './modules/problems/routes.ts';
import { reportRoutes } from './modules/reports/routes.ts';
import { runbookRoutes } from './modules/runbooks/routes.ts';
import { ticketRoutes } from './modules/tickets/routes.ts';
import { ingestRoutes } from './modules/ingest/routes.ts';
import { roomRoutes } from './modules/rooms/routes.ts';
import { siteRoutes } from './modules/sites/routes.ts';
import { suiteRoutes } from './modules/suites/routes.ts';
import { tokenRoutes } from './modules/tokens/routes.ts';
import { trapRoutes } from './modules/traps/routes.ts';
import { userRoutes } from './modules/users/routes.ts';
import { authPlugin } from './plugins/auth.ts';
import { csvPlugin } from './plugins/csv.ts';
import { opsRoutes } from './plugins/ops.ts';
import { websocketRoutes } from './plugins/websocket.ts';
import { loadSecretBox } from './secrets.ts';
import { installValidators } from './validation.ts';

export interface BuiltContext extends Context {
  /** The embedded probe's bearer secret: in memory only, for the in-process transport. */
  embeddedProbeSecret: string;
  /** The key file made by this start, if any: main.ts refuses it when sealed secrets exist. */
  secretKeyCreated: string | null;
}

export function createContext(database: Database, config: Config): BuiltContext {
  const embeddedProbeSecret = newSecret('swe');
  const bus = new EventBus();
  const secretBox = loadSecretBox(config);
  return {
    db: database.db,
    store: database.store,
    config,
    bus,
    metrics: createMetrics(),
    partitions: new Partitions(database.db, config.retentionDays),
    secrets: secretBox.box,
    secretKeyCreated: secretBox.created,
    auth: new AuthService(database.db, config, embeddedProbeSecret, bus),
    embeddedProbeSecret,
  };
}

export async function buildApp(ctx: Context, logger: FastifyServerOptions['logger'] = false) {
  const app = Fastify({
    logger,
    bodyLimit: 1024 * 1024,
    // Probe batches and dashboards come and go; keep idle sockets from piling up.
    keepAliveTimeout: 10_000,
    requestTimeout: 60_000,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installValidators(app);
  registerErrorHandler(app);

  await app.register(sensible);
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // Swagger UI at /docs needs its own inline bootstrap; the dashboard needs nothing inline.
        'script-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'upgrade-insecure-requests': null,
      },
    },
    // Facilities serve the dashboard over plain HTTP on the LAN; HSTS would lock them out.
    hsts: false,
  });
  await app.register(rateLimit, { global: false });
  if (ctx.config.maxEventLoopDelayMs > 0)
    await app.register(underPressure, {
      maxEventLoopDelay: ctx.config.maxEventLoopDelayMs,
      exposeStatusRoute: false,
    });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Suitewatch API',
        version: '0.1.0',
        description: 'Monitoring and helpdesk for post-production facilities.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'suitewatch_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  // Before auth: its onRequest hook marks upgrade requests so that a refused upgrade's socket is
  // destroyed; registered after auth, a 401 would leave the socket open and stall close().
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(authPlugin, { auth: ctx.auth, cookieSecure: ctx.config.cookieSecure });
  await app.register(csvPlugin);
  await app.register(opsRoutes, { ctx });
  await app.register(authRoutes, { prefix: '/api/auth', ctx });
  await app.register(userRoutes, { prefix: '/api/users', ctx });
  await app.register(tokenRoutes, { prefix: '/api/tokens', ctx });
  await app.register(siteRoutes, { prefix: '/api/sites', ctx });
  await app.register(roomRoutes, { prefix: '/api/rooms', ctx });
  await app.register(suiteRoutes, { prefix: '/api/suites', ctx });
  await app.register(deviceRoutes, { prefix: '/api/devices', ctx });
  await app.register(checkRoutes, { prefix: '/api/checks', ctx });
  await app.register(probeRoutes, { prefix: '/api/probes', ctx });
  await app.register(ingestRoutes, { prefix: '/api/probe', ctx });
  await app.register(auditRoutes, { prefix: '/api/audit', ctx });
  await app.register(trapRoutes, { prefix: '/api/traps', ctx });
  await app.register(faultRoutes, { prefix: '/api/faults', ctx });
  await app.register(maintenanceWindowRoutes, { prefix: '/api/maintenance-windows', ctx });
  await app.register(bookingRoutes, { prefix: '/api/bookings', ctx });
  await app.register(calendarFeedRoutes, { prefix: '/api/calendar-feeds', ctx });
  await app.register(calendarFeedPublicRoutes, { ctx });
  await app.register(notificationRoutes, { prefix: '/api', ctx });
  await app.register(ticketRoutes, { prefix: '/api', ctx });
  await app.register(pmRoutes, { prefix: '/api', ctx });
  await app.register(workOrderAttachmentRoutes, { prefix: '/api', ctx });
  await app.register(problemRoutes, { prefix: '/api/problems', ctx });
  await app.register(runbookRoutes, { prefix: '/api/runbooks', ctx });
  await app.register(maintenanceCalendarRoutes, { prefix: '/api/maintenance', ctx });
  await app.register(maintenanceSummaryRoutes, { prefix: '/api/maintenance', ctx });
  await app.register(maintenanceReportRoutes, { prefix: '/api/reports/maintenance', ctx });
  await app.register(reportRoutes, { prefix: '/api/reports', ctx });
  await app.register(websocketRoutes, { ctx });

  const index = join(ctx.config.webDir, 'index.html');
  const hasDashboard = existsSync(index);
  if (hasDashboard) {
    // wildcard (the default) serves files as they are now, so a rebuilt dashboard needs no restart.
    await app.register(fastifyStatic, { root: ctx.config.webDir, index: 'index.html' });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A missing script or stylesheet is a 404, not the page: a stale build fails loudly.
    const isFile = path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path);
    if (path.startsWith('/api/') || request.method !== 'GET' || !hasDashboard || isFile) {
      throw new NotFound(`no route ${request.method} ${path}`);
    }
    // The dashboard routes in the browser: any other GET gets its page.
    return reply.sendFile('index.html');
  });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

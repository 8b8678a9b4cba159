import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { loadConfig, type Config } from './config.ts';
import { migrateDatabase, openPglite, openPostgres, type Database } from './db/client.ts';
import { buildApp, createContext } from './app.ts';
import { deleteExpiredSessions } from './modules/auth/repository.ts';
import { hasSealedSecrets } from './modules/checks/repository.ts';
import { ensureAdmin } from './modules/users/service.ts';
import { startEmbeddedProbe, type EmbeddedProbe } from './probe-host.ts';
import { ensureBuiltin } from './modules/probes/repository.ts';
import { builtinProbeName, sweepProbes } from './modules/probes/service.ts';
import { startFaultEngine } from './modules/faults/service.ts';
import { startDispatcher } from './modules/notifications/dispatcher.ts';
import { startHelpdeskClock } from './modules/tickets/clock-runner.ts';
import { startPlannerClock } from './modules/pm/clock-runner.ts';
import { startTrapReceiver } from './trap-host.ts';
import type { TrapReceiver } from '../probes/traps.ts';

/** Start-up problems end in one line and a non-zero exit, never a stack dump. */
function fail(message: string): never {
  process.stderr.write(`suitewatch: ${message}\n`);
  process.exit(1);
}

function describeStore(config: Config): string {
  if (!config.databaseUrl) return `embedded database in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors[0] instanceof Error)
    return reason(error.errors[0]);
  if (error instanceof Error) {
    // drizzle wraps driver errors as "Failed query: …"; the driver's error says what went wrong.
    if (error.cause !== undefined) return reason(error.cause);
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code} ${error.message}`
      : error.message;
  }
  return String(error);
}

async function openDatabase(config: Config): Promise<Database> {
  process.stdout.write(`suitewatch: opening the ${describeStore(config)}…\n`);
  const database = config.databaseUrl
    ? await openPostgres(config.databaseUrl)
    : await openPglite(config.dataDir);
  try {
    await database.db.execute(sql`select 1`);
    process.stdout.write('suitewatch: applying migrations…\n');
    await migrateDatabase(database, config.databaseUrl);
    return database;
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

/**
 * A stop asked for while the server starts (Ctrl-C during the first migration) waits for the
 * step under way, so the embedded database is never cut off mid-write. A second one insists.
 */
let stopDuringStartup: string | null = null;
function onStartupSignal(signal: string) {
  if (stopDuringStartup) process.exit(130);
  stopDuringStartup = signal;
  process.stdout.write(`suitewatch: ${signal}: stopping once the current start-up step is done…\n`);
}
const startupSignals = {
  SIGTERM: () => onStartupSignal('SIGTERM'),
  SIGINT: () => onStartupSignal('SIGINT'),
};

async function stopIfAsked(database: Database, app?: { close(): Promise<unknown> }) {
  if (!stopDuringStartup) return;
  await app?.close().catch(() => {});
  await database.close().catch(() => {});
  process.exit(0);
}

async function main() {
  process.on('SIGTERM', startupSignals.SIGTERM);
  process.on('SIGINT', startupSignals.SIGINT);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(reason(error));
  }

  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    fail(`cannot use the ${describeStore(config)}: ${reason(error)}`);
  }
  await stopIfAsked(database);

  let ctx: ReturnType<typeof createContext>;
  let generated: string | null;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    ctx = createContext(database, config);
    if (ctx.secretKeyCreated && (await hasSealedSecrets(ctx.db))) {
      rmSync(ctx.secretKeyCreated);
      throw new Error(
        'the database holds SNMP secrets sealed with another key, but no key was found; restore secret.key ' +
          'to the data directory or set SUITEWATCH_SECRET_KEY to the key used before',
      );
    }
    await ctx.partitions.ensureAhead();
    generated = await ensureAdmin(ctx.db, config.adminPassword);
    app = await buildApp(ctx, { level: config.logLevel });
  } catch (error) {
    await database.close().catch(() => {});
    fail(`cannot prepare the ${describeStore(config)}: ${reason(error)}`);
  }

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await database.close().catch(() => {});
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE')
      fail(`port ${config.port} is already in use; set PORT to another port`);
    if (code === 'EACCES')
      fail(`no permission to listen on port ${config.port}; use a port above 1024`);
    fail(`cannot listen on ${config.host}:${config.port}: ${reason(error)}`);
  }

  if (generated) {
    process.stdout.write(
      `\nsuitewatch: created user 'admin' with password: ${generated}\n` +
        'suitewatch: it is shown only this once; log in and change it, or set SUITEWATCH_ADMIN_PASSWORD before the first start.\n\n',
    );
  }
  await stopIfAsked(database, app);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(`suitewatch: dashboard at http://localhost:${port}\n`);

  let runner: EmbeddedProbe | null = null;
  if (config.embeddedProbe) {
    await ensureBuiltin(ctx.db, builtinProbeName).catch((error: unknown) =>
      fail(`cannot register the embedded probe: ${reason(error)}`),
    );
    runner = await startEmbeddedProbe(app, ctx, ctx.embeddedProbeSecret);
  }
  // Probes that stop heartbeating are marked down here, written before the dashboard hears.
  const sweep = setInterval(
    () =>
      void sweepProbes(ctx).catch((error: unknown) =>
        app.log.error({ err: error }, 'probe sweep failed'),
      ),
    Math.max(1000, (config.probeHeartbeatS * 1000) / 2),
  );
  sweep.unref();

  // Notifications leave from the outbox; the engine's clock fills it and wakes the dispatcher.
  const dispatcher = startDispatcher(ctx, { log: app.log });
  const engine = startFaultEngine(ctx, {
    onNotified: () => dispatcher.kick(),
    onError: (error) => app.log.error({ err: error }, 'fault engine tick failed; will retry'),
  });
  const helpdesk = startHelpdeskClock(ctx, {
    onNotified: () => dispatcher.kick(),
    onError: (error) => app.log.error({ err: error }, 'helpdesk clock failed; will retry'),
  });
  const planner = startPlannerClock(ctx, {
    onNotified: () => dispatcher.kick(),
    onError: (error) => app.log.error({ err: error }, 'planner clock failed; will retry'),
  });

  let traps: TrapReceiver | null = null;
  if (config.trapPort > 0) {
    try {
      const started = await startTrapReceiver(app, ctx);
      traps = started.receiver;
      process.stdout.write(`suitewatch: receiving SNMP traps on UDP ${started.port}\n`);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      await runner?.stop();
      await app.close();
      await database.close().catch(() => {});
      if (code === 'EADDRINUSE') {
        fail(
          `UDP port ${config.trapPort} for traps is already in use; set SUITEWATCH_TRAP_PORT to another port, or 0 to turn traps off`,
        );
      }
      fail(`cannot receive traps on UDP ${config.trapPort}: ${reason(error)}`);
    }
  }

  const maintenance = setInterval(() => {
    void (async () => {
      try {
        await ctx.partitions.ensureAhead();
        const dropped = await ctx.partitions.dropExpired();
        if (dropped.length > 0) app.log.info({ dropped }, 'dropped expired history partitions');
        await deleteExpiredSessions(ctx.db);
      } catch (error) {
        app.log.error({ err: error }, 'maintenance failed; will retry');
      }
    })();
  }, 3_600_000);
  maintenance.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping: probes first, then results, server and database');
    clearInterval(maintenance);
    clearInterval(sweep);
    const deadline = setTimeout(
      () => fail('shutdown took longer than 20 s; exiting anyway'),
      20_000,
    );
    deadline.unref();
    try {
      await traps?.close();
      await runner?.stop();
      await engine.stop();
      await helpdesk.stop();
      await planner.stop();
      await dispatcher.stop();
      await app.close();
      await database.close();
    } catch (error) {
      fail(`shutdown failed: ${reason(error)}`);
    }
    process.exit(0);
  };
  process.off('SIGTERM', startupSignals.SIGTERM);
  process.off('SIGINT', startupSignals.SIGINT);
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // A signal that came while the probe and trap receiver were starting.
  if (stopDuringStartup) await stop(stopDuringStartup);
}

await main();

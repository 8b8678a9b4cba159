import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Heartbeat, probeVersion } from './heartbeat.ts';
import { jsonLogger } from './log.ts';
import { probeKinds } from './registry.ts';
import { HttpTransport, TokenRefused } from './remote/http-transport.ts';
import { Sender } from './remote/sender.ts';
import { Spool } from './remote/spool.ts';
import { Runner } from './runner.ts';
import { closeVideohubConnections } from './videohub/connection.ts';

const usage = `Runs a Suitewatch probe near its devices and reports to a Suitewatch server.

  npm run probe -- --server URL --token TOKEN [--spool DIR] [--concurrency N]

  --server URL       the Suitewatch server, e.g. https://suitewatch.example:8080
  --token TOKEN      the probe's token from the Probes page (or set SUITEWATCH_PROBE_TOKEN,
                     which keeps it out of the process list)
  --spool DIR        where results wait while the server is unreachable (default ./probe-spool)
  --concurrency N    checks running at once (default 64)
`;

function fail(message: string): never {
  process.stderr.write(`suitewatch probe: ${message}\n`);
  process.exit(1);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        spool: { type: 'string', default: 'probe-spool' },
        concurrency: { type: 'string', default: '64' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${usage}`);
  }
  if (parsed.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (!parsed.server) fail(`--server is required\n\n${usage}`);
  let server: URL;
  try {
    server = new URL(parsed.server);
  } catch {
    fail(`--server: '${parsed.server}' is not a URL such as http://suitewatch.local:8080`);
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:')
    fail(`--server: '${parsed.server}' must start with http:// or https://`);
  const token = parsed.token ?? process.env.SUITEWATCH_PROBE_TOKEN;
  if (!token) fail('--token (or SUITEWATCH_PROBE_TOKEN) is required: the Probes page issues one');
  const concurrency = Number(parsed.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)
    fail(`--concurrency: '${parsed.concurrency}' must be a whole number from 1 to 10000`);
  return { server, token, spoolDir: resolve(parsed.spool), concurrency };
}

async function main() {
  const { server, token, spoolDir, concurrency } = options();
  const http = new HttpTransport(server, token);
  // The name comes from the server; until it answers the log says 'probe'.
  let name = 'probe';
  const logger = jsonLogger(() => name);

  const spool = new Spool(spoolDir);
  try {
    await spool.open();
  } catch (error) {
    fail(`cannot use the spool folder ${spoolDir}: ${(error as Error).message}`);
  }
  const sender = new Sender(spool, (results) => http.postResults(results), logger);
  const runner = new Runner(
    {
      fetchChecks: () => http.fetchChecks(),
      postResults: (results) => sender.post(results),
    },
    { kinds: probeKinds, logger, concurrency },
  );
  const heartbeat = new Heartbeat(http.heartbeat, runner, logger, () => ({
    spooledResults: spool.results,
    spooledBatches: spool.batches,
    delivered: sender.stats.delivered,
  }));

  try {
    const reply = await http.heartbeat({ version: probeVersion, stats: { checks: 0 } });
    ({ name } = reply);
    heartbeat.intervalS = reply.heartbeatS;
  } catch (error) {
    if (error instanceof TokenRefused)
      fail(`the server refused the token: ${error.message}. Issue a new one on the Probes page.`);
    logger.warn({ err: error }, 'server unreachable at start; running checks and spooling results');
  }
  logger.info(
    { server: server.origin, spool: spoolDir, waiting: spool.results, version: probeVersion },
    `probe ${name} starting`,
  );
  await runner.start();
  heartbeat.start();
  // Anything spooled by an earlier run (the server was down when it stopped) goes first.
  sender.kick();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing running checks, then delivering what is spooled');
    heartbeat.stop();
    await runner.stop();
    await sender.finish(10_000);
    closeVideohubConnections();
    // One line with the whole account, so an operator (or a test) can check nothing went missing.
    logger.info(
      {
        produced: runner.stats.runs,
        delivered: sender.stats.delivered,
        duplicates: sender.stats.duplicates,
        rejected: sender.stats.rejected,
        spooled: spool.results,
      },
      'probe stopped',
    );
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();

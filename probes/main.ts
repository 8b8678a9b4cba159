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
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(server.hostname);
  if (server.protocol === 'http:' && !loopback) {
    // The check list carries SNMP communities and v3 keys in the clear, as does the token.
    process.stderr.write(
      `suitewatch probe: warning: ${server.origin} is plain HTTP; the token and the devices' SNMP secrets cross the network unencrypted. Put the server behind HTTPS.\n`,
    );
  }
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
  // eslint-disable-next-line prefer-const -- assigned below, used by callbacks made before it
  let stop: (signal: string, code?: number) => Promise<void>;
  const refused = (error: unknown) => {
    logger.error(
      { err: error, spooled: spool.results },
      'the server refused this probe’s token (revoked, or the probe was deleted); stopping. Spooled results are kept for a new token.',
    );
    void stop('token refused', 2);
  };
  const sender = new Sender(spool, (results) => http.postResults(results), logger, refused);
  // eslint-disable-next-line prefer-const -- the runner's clock reads the heartbeat's offset
  let heartbeat: Heartbeat;
  const runner = new Runner(
    {
      fetchChecks: () => http.fetchChecks(),
      postResults: (results) => sender.post(results),
    },
    { kinds: probeKinds, logger, concurrency, now: () => Date.now() + heartbeat.clockOffsetMs },
  );
  heartbeat = new Heartbeat(
    http.heartbeat,
    runner,
    logger,
    () => ({
      spooledResults: spool.results,
      spooledBatches: spool.batches,
      spoolOverflowed: spool.overflowed,
      delivered: sender.stats.delivered,
    }),
    (error) => error instanceof TokenRefused,
    refused,
  );

  try {
    const sent = Date.now();
    const reply = await http.heartbeat({ version: probeVersion, stats: { checks: 0 } });
    heartbeat.accept(reply, sent, Date.now());
    ({ name } = reply);
  } catch (error) {
    if (error instanceof TokenRefused)
      fail(`the server refused the token: ${error.message}. Issue a new one on the Probes page.`);
    // The check list lives on the server (it holds the devices' secrets, which are not kept on
    // this machine's disk), so checks start once the server first answers.
    logger.warn(
      { err: error },
      'server unreachable at start; checks start as soon as it answers, and results are spooled meanwhile',
    );
  }
  logger.info(
    { server: server.origin, spool: spoolDir, waiting: spool.results, version: probeVersion },
    `probe ${name} starting`,
  );
  await runner.start();
  heartbeat.start();
  // The runner's and heartbeat's timers do not hold the process open (the embedded probe shares
  // the server's process); a remote probe with no checks yet must still stay up and heartbeat.
  const keepAlive = setInterval(() => {}, 3_600_000);
  // Anything spooled by an earlier run (the server was down when it stopped) goes first.
  sender.kick();

  let stopping = false;
  stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing running checks, then delivering what is spooled');
    clearInterval(keepAlive);
    heartbeat.stop();
    await runner.stop();
    await sender.finish(code === 0 ? 10_000 : 0);
    closeVideohubConnections();
    await spool.close();
    // One line with the whole account, so an operator (or a test) can check nothing went missing.
    logger.info(
      {
        produced: runner.stats.runs,
        delivered: sender.stats.delivered,
        duplicates: sender.stats.duplicates,
        rejected: sender.stats.rejected,
        spooled: spool.results,
        overflowed: spool.overflowed,
      },
      'probe stopped',
    );
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();

import { Heartbeat, type HeartbeatReply, type SendHeartbeat } from '../probes/heartbeat.ts';
import { probeKinds } from '../probes/registry.ts';
import { Runner } from '../probes/runner.ts';
import {
  BatchRejected,
  type CheckResult,
  type CheckSpec,
  type ProbeTransport,
} from '../probes/types.ts';
import type { App } from './app.ts';
import type { Context } from './context.ts';

/**
 * The embedded probe's transport: the same /api/probe routes a remote probe calls, reached
 * through app.inject() so results pass the same validation and ingest path with no socket.
 */
export function injectTransport(
  app: App,
  secret: string,
): ProbeTransport & { heartbeat: SendHeartbeat } {
  const headers = { authorization: `Bearer ${secret}` };
  return {
    async fetchChecks(): Promise<CheckSpec[]> {
      const response = await app.inject({ method: 'GET', url: '/api/probe/checks', headers });
      if (response.statusCode !== 200)
        throw new Error(`check list: HTTP ${response.statusCode} ${response.body}`);
      return response.json<{ checks: CheckSpec[] }>().checks;
    },
    async heartbeat(body) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/probe/heartbeat',
        headers,
        payload: body,
      });
      if (response.statusCode !== 200)
        throw new Error(`heartbeat: HTTP ${response.statusCode} ${response.body}`);
      return response.json<HeartbeatReply>();
    },
    async postResults(results: CheckResult[]): Promise<void> {
      const response = await app.inject({
        method: 'POST',
        url: '/api/probe/results',
        headers,
        payload: { results },
      });
      if (response.statusCode === 200) return;
      const message = `results: HTTP ${response.statusCode} ${response.body}`;
      // A batch refused for its content would be refused again: the runner drops it.
      throw [400, 413, 422].includes(response.statusCode)
        ? new BatchRejected(message)
        : new Error(message);
    },
  };
}

export interface EmbeddedProbe {
  runner: Runner;
  stop(): Promise<void>;
}

export async function startEmbeddedProbe(
  app: App,
  ctx: Context,
  secret: string,
): Promise<EmbeddedProbe> {
  const logger = app.log.child({ component: 'probe' });
  const transport = injectTransport(app, secret);
  const runner = new Runner(transport, { kinds: probeKinds, logger });
  // Edits reach the embedded probe at once rather than at its next periodic sync: a check's
  // config, its device's address, its probe, or a suite's reference routing.
  ctx.bus.subscribe((event) => {
    if (event.type === 'changed' && ['check', 'device', 'suite', 'probe'].includes(event.entity))
      void runner.sync();
  });
  await runner.start();
  const heartbeat = new Heartbeat(transport.heartbeat, runner, logger);
  heartbeat.start();
  return {
    runner,
    async stop() {
      heartbeat.stop();
      await runner.stop();
    },
  };
}

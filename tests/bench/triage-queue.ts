import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { createTestApp } from '../helpers/app.ts';
import type { Store } from '../helpers/db.ts';
import { benchDatabase } from './database.ts';

const run = promisify(execFile);
const tickets = 100_000;
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 10;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** autocannon in its own process, so the load generator does not share the server's event loop. */
async function load(url: string, headers: Record<string, string> = {}): Promise<Load> {
  const args = ['-c', String(connections), '-d', String(seconds), '-j'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  const { stdout } = await run('node_modules/.bin/autocannon', [...args, url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
  };
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

async function seed(t: Awaited<ReturnType<typeof createTestApp>>) {
  const started = performance.now();
  const suites: string[] = [];
  for (let i = 1; i <= 20; i += 1) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/suites',
      headers: { cookie: t.admin },
      payload: { name: `Suite ${i}` },
    });
    suites.push(response.json<{ id: string }>().id);
  }
  const triage = JSON.stringify({
    derived: { impact: 'low', urgency: 'low', priority: 5 },
    reasons: { impact: 'seeded', urgency: 'seeded' },
    proposedUrgency: null,
    overrides: {},
  });
  // In batches, so progress shows and no single statement holds 100,000 rows of WAL.
  const batch = 20_000;
  for (let from = 1; from <= tickets; from += batch) {
    const to = Math.min(tickets, from + batch - 1);
    await t.ctx.db.execute(sql`
      insert into tickets (title, description, category, status, impact, urgency, priority, triage,
        reporter, created_at, updated_at, responded_at, resolved_at, response_due_at, resolution_due_at)
      select
        'Ticket ' || g || ': ' || (array['NEXIS workspace offline', 'No picture on the grade monitor',
          'Dropouts on the dub stage', 'Render node fan failed', 'Switch port flapping'])[1 + g % 5],
        'Seeded for the triage-queue benchmark',
        (array['picture','sound','storage','network','software','hardware','facilities','other'])[1 + g % 8],
        case when g % 10 < 7 then 'closed' when g % 10 = 7 then 'in_progress'
             when g % 10 = 8 then 'new' else 'waiting_client' end,
        (array['high','medium','low'])[1 + g % 3],
        (array['high','medium','low'])[1 + (g / 3) % 3],
        1 + g % 5,
        ${triage}::jsonb,
        'bench',
        now() - (g % 50000) * interval '1 minute',
        now() - (g % 50000) * interval '1 minute',
        case when g % 10 < 8 then now() - (g % 50000) * interval '1 minute' + interval '10 minutes' end,
        case when g % 10 < 7 then now() - (g % 50000) * interval '1 minute' + interval '3 hours' end,
        now() - (g % 50000) * interval '1 minute' + interval '30 minutes',
        now() - (g % 50000) * interval '1 minute' + (1 + g % 5) * interval '4 hours'
      from generate_series(${from}::int, ${to}::int) as g`);
    process.stdout.write(
      `  seeded ${to.toLocaleString('en')} of ${tickets.toLocaleString('en')} tickets\r`,
    );
  }
  await t.ctx.db.execute(sql`
    insert into ticket_suites (ticket_id, suite_id)
    select id, (${sql.raw(`array[${suites.map((s) => `'${s}'`).join(',')}]`)}::uuid[])[1 + number % 20]
    from tickets where number % 3 = 0`);
  await t.ctx.db.execute(sql`analyze`);
  console.log(`\n  seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export async function benchTriageQueue(store: Store): Promise<void> {
  console.log(`triage queue on ${store}: ${tickets.toLocaleString('en')} tickets`);
  const webDir = mkdtempSync(join(tmpdir(), 'sw-bench-'));
  const { database, cleanup } = await benchDatabase(store, { max: 10 });
  const t = await createTestApp(store, { SUITEWATCH_WEB_DIR: webDir }, database);
  // The same server with its list cache off: every request runs the queue query.
  const cold = await createTestApp(
    store,
    { SUITEWATCH_WEB_DIR: webDir, SUITEWATCH_LIST_CACHE_MS: '0' },
    database,
  );
  const bare = Fastify({ logger: false });
  try {
    await seed(t);
    const engineer = await t.userWithRole('engineer');
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${address}/api/tickets?view=queue&limit=50`;
    const sample = await fetch(url, { headers: { cookie: engineer } });
    const body = await sample.text();
    if (sample.status !== 200) throw new Error(`queue answered ${sample.status}: ${body}`);
    const rows = JSON.parse(body) as Array<{ priority: number }>;

    // The baseline: Fastify sending the same bytes with no auth, no database, no serialization.
    bare.get('/queue', async (_request, reply) => reply.type('application/json').send(body));
    const bareAddress = await bare.listen({ host: '127.0.0.1', port: 0 });

    const coldAddress = await cold.app.listen({ host: '127.0.0.1', port: 0 });

    const base = await load(`${bareAddress}/queue`);
    const ours = await load(url, { cookie: engineer });
    const uncached = await load(`${coldAddress}/api/tickets?view=queue&limit=50`, {
      cookie: engineer,
    });
    if (ours.non2xx + uncached.non2xx > 0) throw new Error('queue requests failed');
    console.log(
      `  bare Fastify, same ${body.length.toLocaleString('en')}-byte body: ${Math.round(base.rps)} req/s, p50 ${base.p50} ms, p99 ${base.p99} ms`,
    );
    console.log(
      `  triage queue, ${rows.length} rows, as served (session check, 2 s list cache): ${Math.round(ours.rps)} req/s, p50 ${ours.p50} ms, p99 ${ours.p99} ms`,
    );
    console.log(
      `  ratio ${(ours.rps / base.rps).toFixed(2)} of bare (target >= 0.40), p99 ${ours.p99} ms (target <= 25 ms)`,
    );
    console.log(
      `  with the list cache off, every request querying 100,000 tickets: ${Math.round(uncached.rps)} req/s, p50 ${uncached.p50} ms, p99 ${uncached.p99} ms, ratio ${(uncached.rps / base.rps).toFixed(2)}`,
    );
  } finally {
    await bare.close();
    await cold.app.close();
    await t.app.close();
    await cleanup();
    rmSync(webDir, { recursive: true, force: true });
  }
}

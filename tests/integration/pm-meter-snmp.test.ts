import { chmodSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuiltin } from '../../server/modules/probes/repository.ts';
import { builtinProbeName } from '../../server/modules/probes/service.ts';
import { startEmbeddedProbe, type EmbeddedProbe } from '../../server/probe-host.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { waitFor } from '../helpers/http-server.ts';
import { startSnmpd, type Snmpd } from '../helpers/snmpd.ts';
import { describeWith, parts } from '../helpers/system.ts';

/** NET-SNMP's playpen subtree: a disk's SMART power-on hours, served by a pass script. */
const base = '1.3.6.1.4.1.8072.9999.9999.7';
const oid = `${base}.1.0`;
const reading = 'disk.power_on_hours';
const every = 100;
const start = 41_230;

interface Meter {
  id: string;
  source: string;
  reading: string;
  unit: string;
  value: number | null;
  at: string | null;
}
interface WorkOrder {
  id: string;
  planId: string;
  deviceId: string | null;
  type: string;
  status: string;
  dueBy: string | null;
  meterThreshold: number | null;
}
interface Plan {
  id: string;
  targets: Array<{
    deviceId: string | null;
    meterThreshold: number | null;
    nextDueBy: string | null;
  }>;
}

/**
 * snmpd whose pass_persist script answers one OID with the number in a file: the disk ages
 * between polls with no agent restart, as a real one would. Not a plain `pass`: snmpd keeps a
 * pass command's output for 30 s (NETSNMP_EXCACHETIME), so each change would wait for that.
 */
async function startDiskAgent(): Promise<{ agent: Snmpd; setHours(hours: number): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-pm-meter-'));
  const file = join(dir, 'power-on-hours');
  const script = join(dir, 'disk.py');
  // Written whole and renamed into place, so the script never reads a half-written number.
  const setHours = (hours: number) => {
    writeFileSync(`${file}.new`, String(hours));
    renameSync(`${file}.new`, file);
  };
  setHours(start);
  writeFileSync(
    script,
    [
      '#!/usr/bin/python3 -u',
      'import sys',
      `oid = ${JSON.stringify(`.${oid}`)}`,
      'key = lambda o: [int(x) for x in o.strip(".").split(".") if x]',
      'def say(*lines):',
      '    sys.stdout.write("".join(line + "\\n" for line in lines))',
      '    sys.stdout.flush()',
      'while True:',
      '    command = sys.stdin.readline()',
      '    if not command:',
      '        break',
      '    command = command.strip()',
      '    if command == "PING":',
      '        say("PONG")',
      '        continue',
      '    asked = sys.stdin.readline().strip()',
      '    if command == "set":',
      '        sys.stdin.readline()',
      '        say("not-writable")',
      '    elif (command == "get" and asked == oid) or (command == "getnext" and key(asked) < key(oid)):',
      `        say(oid, "gauge", open(${JSON.stringify(file)}).read().strip())`,
      '    else:',
      '        say("NONE")',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  const agent = await startSnmpd(`pass_persist .${base} ${script}`);
  return { agent, setHours };
}

for (const { store, needs } of stores) {
  describeWith(
    [...needs, parts.snmpd],
    `a maintenance meter read by the server's own SNMP probe on ${store}`,
    () => {
      let t: TestApp;
      let disk: Awaited<ReturnType<typeof startDiskAgent>>;
      let probe: EmbeddedProbe | undefined;
      let engineer = '';
      let deviceId = '';
      let planId = '';
      let threshold = 0;

      const get = async <T>(url: string, cookie = t.admin) => {
        const response = await t.app.inject({ method: 'GET', url, headers: { cookie } });
        if (response.statusCode !== 200) throw new Error(`${url}: ${response.body}`);
        return response.json<T>();
      };
      const orders = () => get<WorkOrder[]>(`/api/work-orders?planId=${planId}`);
      const meter = async () => {
        const list = await get<Meter[]>(`/api/meters?deviceId=${deviceId}`);
        expect(list).toHaveLength(1);
        return list[0]!;
      };
      /** The device's latest power-on hours once a poll has brought `value`. */
      const polled = (value: number, what: string) =>
        waitFor(
          async () => {
            const detail = await get<{
              readings: Record<string, { value: number; unit: string; at: string }>;
            }>(`/api/devices/${deviceId}`);
            const latest = detail.readings[reading];
            return latest?.value === value && latest;
          },
          { timeoutMs: 20_000, everyMs: 100, what },
        );

      beforeAll(async () => {
        disk = await startDiskAgent();
        t = await createTestApp(store);
        // As server/main.ts starts it: the built-in probe registered, then its runner.
        await ensureBuiltin(t.ctx.db, builtinProbeName);
        probe = await startEmbeddedProbe(t.app, t.ctx, t.ctx.embeddedProbeSecret);
        engineer = await t.userWithRole('engineer');
        const device = await t.app.inject({
          method: 'POST',
          url: '/api/devices',
          headers: { cookie: t.admin },
          payload: { name: 'Conform NAS cache disk', kind: 'storage', host: '127.0.0.1' },
        });
        expect(device.statusCode, device.body).toBe(201);
        deviceId = device.json<{ id: string }>().id;
        // Made after the probe started: the bus tells it, and the check runs within a second.
        const check = await t.app.inject({
          method: 'POST',
          url: '/api/checks',
          headers: { cookie: t.admin },
          payload: {
            deviceId,
            kind: 'snmp',
            intervalS: 5,
            config: {
              port: disk.agent.port,
              version: '2c',
              community: 'public',
              profile: 'system',
              extraReadings: [{ oid, name: reading, unit: 'h' }],
            },
          },
        });
        expect(check.statusCode, check.body).toBe(201);
      });
      afterAll(async () => {
        // The runner first, so that it posts nothing to a closed app.
        await probe?.stop();
        await t?.close();
        await disk?.agent.stop();
      });

      it('reports the extra OID as a reading, and a meter plan takes its threshold from it', async () => {
        const first = await polled(start, `the first poll to bring ${reading} = ${start}`);
        expect(first.unit).toBe('h');
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/pm-plans',
          headers: { cookie: engineer },
          payload: {
            title: 'Replace cache disk',
            deviceId,
            meter: { reading, every },
            startsOn: new Date().toISOString(),
            durationMin: 45,
          },
        });
        expect(response.statusCode, response.body).toBe(201);
        const plan = response.json<Plan>();
        planId = plan.id;
        threshold = start + every;
        expect(plan.targets).toEqual([
          expect.objectContaining({ deviceId, meterThreshold: threshold, nextDueBy: null }),
        ]);
        expect(await meter()).toMatchObject({
          source: 'reading',
          reading,
          unit: 'h',
          value: start,
        });
        expect(await orders()).toEqual([]);
      }, 30_000);

      it('makes no work order while the meter stays below the threshold', async () => {
        disk.setHours(threshold - 10);
        await polled(threshold - 10, 'a poll below the threshold');
        // The meter moves in the ingest transaction and generate() runs after it commits: one
        // more poll proves that the generate() of the poll before it has finished.
        const seen = (await meter()).at;
        await waitFor(async () => (await meter()).at !== seen, {
          timeoutMs: 20_000,
          everyMs: 100,
          what: 'one more poll below the threshold',
        });
        expect((await meter()).value).toBe(threshold - 10);
        expect(await orders()).toEqual([]);
      }, 45_000);

      it('makes one work order due by the meter once a poll brings the threshold', async () => {
        disk.setHours(threshold + 5);
        const [order] = await waitFor(
          async () => {
            const list = await orders();
            return list.length > 0 && list;
          },
          { timeoutMs: 20_000, everyMs: 100, what: 'the meter work order' },
        );
        expect(order).toMatchObject({
          planId,
          deviceId,
          type: 'preventive',
          status: 'scheduled',
          dueBy: 'meter',
          meterThreshold: threshold,
        });
        const detail = await get<{ events: Array<{ kind: string; actor: string; text: string }> }>(
          `/api/work-orders/${order!.id}`,
        );
        expect(detail.events[0]).toMatchObject({
          kind: 'created',
          actor: 'planner',
          text: `Due by meter reached or will reach ${threshold}`,
        });
        expect((await meter()).value).toBe(threshold + 5);
      }, 30_000);

      it('keeps to one open work order through further polls above the threshold', async () => {
        disk.setHours(threshold + 70);
        await polled(threshold + 70, 'a poll further above the threshold');
        // One more poll: the results before it went through ingest and generate() in full,
        // since the runner posts one batch at a time and each post waits for its handler.
        const seen = (await meter()).at;
        await waitFor(async () => (await meter()).at !== seen, {
          timeoutMs: 20_000,
          everyMs: 100,
          what: 'one more poll above the threshold',
        });
        const now = await meter();
        expect(now.value).toBe(threshold + 70);
        const list = await orders();
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ dueBy: 'meter', meterThreshold: threshold });
        // The plan's target keeps its threshold while its work order is open.
        const plan = await get<Plan>(`/api/pm-plans/${planId}`, engineer);
        expect(plan.targets[0]!.meterThreshold).toBe(threshold);
      }, 60_000);

      it("keeps the meter's history from the probe", async () => {
        const { id } = await meter();
        const history = await get<Array<{ value: number; at: string; source: string }>>(
          `/api/meters/${id}/readings`,
        );
        // Probe values are thinned to one an hour (a drop at once), so within this test's minute
        // the history holds the value the meter was made from and the value that crossed the
        // plan's threshold, which is kept whatever the thinning says; the meter itself follows
        // every poll.
        expect(history.map((h) => [h.value, h.source])).toEqual([
          [start, 'probe'],
          [threshold + 5, 'probe'],
        ]);
      });
    },
  );
}

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withSession, type SnmpTarget } from '../../probes/snmp/session.ts';
import { startSnmpd, v3, type Snmpd } from '../helpers/snmpd.ts';
import { describeWith, parts } from '../helpers/system.ts';

const sysDescr = '1.3.6.1.2.1.1.1.0';
const sysObjectID = '1.3.6.1.2.1.1.2.0';
const sysUpTime = '1.3.6.1.2.1.1.3.0';
const sysLocation = '1.3.6.1.2.1.1.6.0';
const ifTable = '1.3.6.1.2.1.2.2.1';
const ifHCInOctets = '1.3.6.1.2.1.31.1.1.1.6';

const udpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWRAP').length;

describeWith([parts.snmpd, parts.snmpCli], 'SNMP sessions against Debian snmpd', () => {
  let agent: Snmpd;
  let target: SnmpTarget;
  beforeAll(async () => {
    agent = await startSnmpd();
    target = {
      host: '127.0.0.1',
      port: agent.port,
      version: '2c',
      community: 'public',
      timeoutMs: 1000,
      retries: 1,
    };
  });
  afterAll(async () => agent?.stop());

  it('GETs scalars over v2c, with null for an OID the agent lacks', async () => {
    const values = await withSession(target, (s) =>
      s.get([sysDescr, sysObjectID, sysUpTime, sysLocation, '1.3.6.1.2.1.1.99.0']),
    );
    expect(values.get(sysDescr)).toMatch(/Linux/);
    expect(values.get(sysObjectID)).toMatch(/^1\.3\.6\.1\.4\.1\.8072\./);
    expect(typeof values.get(sysUpTime)).toBe('number');
    expect(values.get(sysLocation)).toBe('Machine room, rack 4');
    expect(values.get('1.3.6.1.2.1.1.99.0')).toBeNull();
  });

  it('walks a table with GetBulk and finds what snmpbulkwalk finds', async () => {
    const rows = await withSession(target, (s) => s.walk(ifTable));
    const cli = execFileSync(
      'snmpbulkwalk',
      ['-v2c', '-c', 'public', '-Cr25', '-On', '-m', '', `127.0.0.1:${agent.port}`, ifTable],
      {
        encoding: 'utf8',
      },
    )
      .trim()
      .split('\n')
      .map((line) => line.split(' = ')[0]?.replace(/^\./, ''));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.map((r) => r.oid)).toEqual(cli);
    const loopback = rows.find((r) => r.oid === `${ifTable}.2.1`);
    expect(loopback?.value).toBe('lo');
  });

  it('walks several columns at once and finds what one walk per column finds', async () => {
    const columns = [2, 3, 5, 7, 8, 10, 16].map((c) => `${ifTable}.${c}`);
    const hrStorage = [2, 3, 4, 5, 6].map((c) => `1.3.6.1.2.1.25.2.3.1.${c}`);
    const wanted = [...columns, ifHCInOctets, ...hrStorage];
    // A small repetition budget forces several rounds, with columns of different lengths.
    const small = { ...target, maxRepetitions: 3 };
    const together = await withSession(small, (s) => s.walkColumns(wanted));
    const apart = await withSession(target, async (s) =>
      (await Promise.all(wanted.map((c) => s.walk(c)))).flat(),
    );
    // Counters move between the two reads (SNMP itself is loopback traffic): compare the OIDs,
    // and the values of a column that stands still.
    const oids = (rows: { oid: string }[]) => rows.map((r) => r.oid).sort();
    const names = (rows: { oid: string; value: unknown }[]) =>
      rows
        .filter((r) => r.oid.startsWith(`${ifTable}.2.`))
        .map((r) => `${r.oid}=${String(r.value)}`);
    expect(together.length).toBeGreaterThan(20);
    expect(oids(together)).toEqual(oids(apart));
    expect(names(together).sort()).toEqual(names(apart).sort());
    // v1 has no GetBulk; the same call walks column by column.
    const v1 = await withSession({ ...target, version: '1' }, (s) => s.walkColumns(columns));
    expect(v1.map((r) => r.oid).sort()).toEqual(
      together
        .filter((r) => r.oid.startsWith(`${ifTable}.`))
        .map((r) => r.oid)
        .sort(),
    );
  });

  it('loses no column when the agent cuts its GetBulk answers short', async () => {
    // snmpd told to answer at most 4 varbinds a GetBulk, as a small agent does to fit a datagram.
    const small = await startSnmpd('maxGetbulkResponses 4');
    try {
      const columns = [2, 3, 5, 7, 8, 10, 16].map((c) => `${ifTable}.${c}`);
      const wanted = [...columns, ifHCInOctets, '1.3.6.1.2.1.31.1.1.1.18'];
      const at = { ...target, port: small.port };
      const together = await withSession(at, (s) => s.walkColumns(wanted));
      const apart = await withSession(at, async (s) =>
        (await Promise.all(wanted.map((c) => s.walk(c)))).flat(),
      );
      const oids = (rows: { oid: string }[]) => rows.map((r) => r.oid).sort();
      expect(together.length).toBeGreaterThan(wanted.length);
      expect(oids(together)).toEqual(oids(apart));
    } finally {
      await small.stop();
    }
  });

  it('decodes Counter64 as bigint', async () => {
    const rows = await withSession(target, (s) => s.walk(ifHCInOctets));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(typeof row.value).toBe('bigint');
  });

  it('speaks v1, walking with GetNext to the end of the subtree', async () => {
    const v1: SnmpTarget = { ...target, version: '1' };
    expect((await withSession(v1, (s) => s.get([sysDescr]))).get(sysDescr)).toMatch(/Linux/);
    // A v1 agent refuses a whole GET when one OID is missing; each OID is then asked alone.
    const mixed = await withSession(v1, (s) =>
      s.get([sysDescr, '1.3.6.1.2.1.1.99.0', sysLocation]),
    );
    expect(mixed.get(sysDescr)).toMatch(/Linux/);
    expect(mixed.get('1.3.6.1.2.1.1.99.0')).toBeNull();
    expect(mixed.get(sysLocation)).toBe('Machine room, rack 4');
    const rows = await withSession(v1, (s) => s.walk('1.3.6.1.2.1.1'));
    expect(rows.map((r) => r.oid)).toContain(sysLocation);
  });

  it('speaks v3 authPriv (SHA, AES) and authNoPriv (MD5)', async () => {
    const priv: SnmpTarget = {
      ...target,
      version: '3',
      community: undefined,
      user: { ...v3.authPriv, level: 'authPriv', authProtocol: 'sha', privProtocol: 'aes' },
    };
    expect((await withSession(priv, (s) => s.get([sysLocation]))).get(sysLocation)).toBe(
      'Machine room, rack 4',
    );
    expect((await withSession(priv, (s) => s.walk(ifTable))).length).toBeGreaterThan(10);
    const auth: SnmpTarget = {
      ...target,
      version: '3',
      user: { ...v3.authOnly, level: 'authNoPriv', authProtocol: 'md5' },
    };
    expect((await withSession(auth, (s) => s.get([sysLocation]))).get(sysLocation)).toBe(
      'Machine room, rack 4',
    );
  });

  it('rejects a wrong community, a wrong v3 key and an abort, and leaks no socket', async () => {
    const before = udpSockets();
    const quick = { ...target, timeoutMs: 300, retries: 0 };
    await expect(
      withSession({ ...quick, community: 'wrong' }, (s) => s.get([sysDescr])),
    ).rejects.toThrow(/timed out/i);
    const badKey: SnmpTarget = {
      ...quick,
      version: '3',
      user: {
        ...v3.authPriv,
        level: 'authPriv',
        authProtocol: 'sha',
        privProtocol: 'aes',
        authKey: 'not-the-key-1',
      },
    };
    await expect(withSession(badKey, (s) => s.get([sysDescr]))).rejects.toThrow();
    const controller = new AbortController();
    const pending = withSession(
      { ...target, community: 'wrong', timeoutMs: 5000 },
      (s) => s.get([sysDescr]),
      controller.signal,
    );
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect(udpSockets()).toBe(before);
  });
});

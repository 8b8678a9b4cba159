import snmp from 'net-snmp';
import { KeyedLimit } from './limit.ts';

export type SnmpVersion = '1' | '2c' | '3';
export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

export interface SnmpUser {
  name: string;
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  authProtocol?: AuthProtocol;
  authKey?: string;
  privProtocol?: PrivProtocol;
  privKey?: string;
}

export interface SnmpTarget {
  host: string;
  port?: number;
  version: SnmpVersion;
  community?: string;
  user?: SnmpUser;
  timeoutMs?: number;
  retries?: number;
  /** GetBulk repetitions per request when walking; 25 matches `snmpbulkwalk -Cr25`. */
  maxRepetitions?: number;
}

/** A decoded value: numbers, Counter64 as bigint, text and OIDs as strings; null when absent. */
export type SnmpValue = number | bigint | string | null;

export interface SnmpVarbind {
  oid: string;
  value: SnmpValue;
  type: number;
}

// Small agents (a NAS's, a RAID card's) fall over under parallel walks: two sessions per device.
const perDevice = new KeyedLimit(2);

const ObjectType = snmp.ObjectType;

const isNoSuchName = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as { status?: unknown }).status === snmp.ErrorStatus.NoSuchName;

/**
 * Counter64 arrives as a big-endian Buffer of 1 to 9 bytes (a leading zero byte keeps it
 * unsigned), so it is read as hex rather than with readBigUInt64BE.
 */
export function decodeCounter64(buffer: Buffer): bigint {
  return buffer.length === 0 ? 0n : BigInt(`0x${buffer.toString('hex')}`);
}

export function decode(varbind: snmp.Varbind): SnmpValue {
  const { type, value } = varbind;
  if (
    type === ObjectType.NoSuchObject ||
    type === ObjectType.NoSuchInstance ||
    type === ObjectType.EndOfMibView
  ) {
    return null;
  }
  if (type === ObjectType.Null || value === null || value === undefined) return null;
  if (type === ObjectType.Counter64 && Buffer.isBuffer(value)) return decodeCounter64(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint')
    return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return String(value);
}

const authProtocols: Record<AuthProtocol, snmp.AuthProtocols> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};
const privProtocols: Record<PrivProtocol, snmp.PrivProtocols> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

function open(target: SnmpTarget): snmp.Session {
  const common = {
    port: target.port ?? 161,
    timeout: target.timeoutMs ?? 2000,
    retries: target.retries ?? 1,
    transport: 'udp4' as const,
    // Our own ids; net-snmp's default check of the reply's request id stays on.
    idBitsSize: 32 as const,
  };
  if (target.version === '3') {
    const user = target.user;
    if (!user) throw new Error('SNMPv3 needs a user');
    return snmp.createV3Session(
      target.host,
      {
        name: user.name,
        level: snmp.SecurityLevel[user.level],
        authProtocol: user.authProtocol ? authProtocols[user.authProtocol] : undefined,
        authKey: user.authKey,
        privProtocol: user.privProtocol ? privProtocols[user.privProtocol] : undefined,
        privKey: user.privKey,
      },
      { ...common, version: snmp.Version3 },
    );
  }
  return snmp.createSession(target.host, target.community ?? 'public', {
    ...common,
    version: target.version === '1' ? snmp.Version1 : snmp.Version2c,
  });
}

/** A session whose every call returns a promise that rejects on any error. */
export class SnmpSession {
  constructor(
    private readonly session: snmp.Session,
    private readonly target: SnmpTarget,
  ) {}

  /**
   * GETs the OIDs; an OID the agent does not have maps to null. A v1 agent refuses the whole
   * request with noSuchName when one OID is missing, so there each OID is asked on its own.
   */
  async get(oids: string[]): Promise<Map<string, SnmpValue>> {
    try {
      return await this.getOnce(oids);
    } catch (error) {
      if (this.target.version !== '1' || !isNoSuchName(error)) throw error;
    }
    const values = new Map<string, SnmpValue>();
    for (const oid of oids) {
      try {
        values.set(oid, (await this.getOnce([oid])).get(oid) ?? null);
      } catch (error) {
        if (!isNoSuchName(error)) throw error;
        values.set(oid, null);
      }
    }
    return values;
  }

  private getOnce(oids: string[]): Promise<Map<string, SnmpValue>> {
    return new Promise((resolve, reject) => {
      this.session.get(oids, (error, varbinds) => {
        if (error) return reject(error);
        const values = new Map<string, SnmpValue>();
        for (const vb of varbinds ?? [])
          values.set(vb.oid, snmp.isVarbindError(vb) ? null : decode(vb));
        resolve(values);
      });
    });
  }

  /**
   * Walks several table columns together: each GetBulk asks for the next rows of every column
   * still going, so nine interface columns cost one or two requests rather than nine walks. That
   * halves a workstation poll's requests, and the agent's work with them (agents on edit
   * workstations are not fast). Rows come back column by column. v1 has no GetBulk: a walk each.
   */
  async walkColumns(columns: string[]): Promise<SnmpVarbind[]> {
    const apart = async (list: string[]) =>
      (await Promise.all(list.map((c) => this.walk(c)))).flat();
    if (this.target.version === '1') return apart(columns);
    const rows: SnmpVarbind[] = [];
    // Varbinds asked for per request: a plain walk's 25 twice over, still far inside one
    // datagram; a maxRepetitions set for a fragile agent is kept as it is.
    const budget = this.target.maxRepetitions ?? 50;
    let open = columns.map((root) => ({ root, next: root }));
    while (open.length > 0) {
      const repetitions = Math.max(1, Math.floor(budget / open.length));
      let groups: snmp.Varbind[][];
      try {
        groups = await this.bulk(
          open.map((c) => c.next),
          repetitions,
        );
      } catch (error) {
        // An agent that cannot fit the answer (tooBig): the rest one column at a time.
        if (!/tooBig/i.test((error as Error).message)) throw error;
        return [...rows, ...(await this.rest(open))];
      }
      const before = rows.length;
      const stillOpen = open.filter((column, i) => {
        for (const vb of groups[i] ?? []) {
          // Past the column, at the end of the MIB, or not moving forward (a broken agent): done.
          if (
            snmp.isVarbindError(vb) ||
            !vb.oid.startsWith(`${column.root}.`) ||
            compareOids(vb.oid, column.next) <= 0
          )
            return false;
          rows.push({ oid: vb.oid, value: decode(vb), type: vb.type ?? 0 });
          column.next = vb.oid;
        }
        // An agent may cut an answer short to fit its message size (RFC 3416 4.2.3), even to
        // nothing for the last columns asked: those are asked again from where they are.
        return true;
      });
      // A round that neither read a row nor closed a column is an agent that will not say
      // more this way: the columns left are walked one by one rather than lost.
      if (rows.length === before && stillOpen.length === open.length)
        return [...rows, ...(await this.rest(stillOpen))];
      open = stillOpen;
    }
    return rows;
  }

  /** Walks each unfinished column on its own, from where it got to. */
  private async rest(open: { root: string; next: string }[]): Promise<SnmpVarbind[]> {
    const parts = await Promise.all(
      open.map(async ({ root, next }) =>
        (await this.walk(root)).filter((r) => compareOids(r.oid, next) > 0),
      ),
    );
    return parts.flat();
  }

  private bulk(oids: string[], repetitions: number): Promise<snmp.Varbind[][]> {
    return new Promise((resolve, reject) => {
      this.session.getBulk(oids, 0, repetitions, (error, varbinds) => {
        if (error) return reject(error);
        resolve((varbinds ?? []) as unknown as snmp.Varbind[][]);
      });
    });
  }

  /**
   * Walks a subtree with GetBulk (GetNext on v1). Rows come back in agent order. A v1 agent that
   * answers with noSuchName at the end of its MIB ends the walk rather than failing it.
   */
  walk(oid: string): Promise<SnmpVarbind[]> {
    return new Promise((resolve, reject) => {
      const rows: SnmpVarbind[] = [];
      this.session.subtree(
        oid,
        this.target.maxRepetitions ?? 25,
        (varbinds) => {
          for (const vb of varbinds) {
            if (!snmp.isVarbindError(vb))
              rows.push({ oid: vb.oid, value: decode(vb), type: vb.type ?? 0 });
          }
        },
        (error) => {
          if (error && !(this.target.version === '1' && /NoSuchName/i.test(error.message)))
            reject(error);
          else resolve(rows);
        },
      );
    });
  }
}

/**
 * Opens a session, runs `work`, and closes the session whatever happens. At most two sessions
 * per device run at once; an abort cancels outstanding requests.
 */
export function withSession<T>(
  target: SnmpTarget,
  work: (session: SnmpSession) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  return perDevice.run(`${target.host}:${target.port ?? 161}`, async () => {
    signal?.throwIfAborted();
    const session = open(target);
    // Socket errors arrive as events; without a listener they would crash the process.
    session.on('error', () => {});
    // net-snmp registers a request only once its datagram is sent, so an early abort finds
    // nothing to cancel: the work is raced against the abort instead.
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('aborted'));
    });
    aborted.catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const work$ = work(new SnmpSession(session, target));
      return await (signal ? Promise.race([work$, aborted]) : work$);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      session.cancelRequests(new Error('session closed'));
      session.close();
    }
  });
}

/** Orders two OIDs numerically, component by component, as an agent does. */
export function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

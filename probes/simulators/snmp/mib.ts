import snmp from 'net-snmp';

// net-snmp's agent and MIB are typed `any` upstream; these are the few parts the simulators use.
interface InstanceNode {
  oid: string;
  value: unknown;
}
interface MibRequest {
  instanceNode: InstanceNode;
  done(error?: { errorStatus: number }): void;
}
export interface NetSnmpMib {
  registerProvider(provider: object): void;
  setScalarValue(name: string, value: unknown): void;
  addTableRow(name: string, row: unknown[]): void;
  deleteTableRow(name: string, index: unknown[]): void;
}

export const T = snmp.ObjectType;
export type SnmpType = snmp.ObjectType;

/** A value an answer is made from, read at the moment a request asks for it. */
export type Cell = number | bigint | string | Buffer;

/** Counter64 goes on the wire from an 8-byte big-endian buffer. */
export function counter64(value: bigint | number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt.asUintN(64, BigInt(value)));
  return buffer;
}

/** Keeps a value inside its SNMP type, so state pushed too far never makes an unsendable answer. */
function fit(type: SnmpType, value: Cell): unknown {
  if (type === T.Counter64) {
    if (Buffer.isBuffer(value)) return value;
    return counter64(typeof value === 'number' ? Math.floor(value) : BigInt(value));
  }
  if (typeof value !== 'bigint' && typeof value !== 'number') return value;
  const n = Math.floor(Number(value));
  if (type === T.Integer) return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, n));
  // Counters and ticks wrap, as a real agent's do; gauges stick at their limits.
  if (type === T.Counter || type === T.TimeTicks) return ((n % 2 ** 32) + 2 ** 32) % 2 ** 32;
  if (type === T.Gauge) return Math.max(0, Math.min(2 ** 32 - 1, n));
  return String(value);
}

export interface Column {
  number: number;
  name: string;
  type: SnmpType;
}

const readOnly = snmp.MaxAccess['read-only'];

/**
 * The MIB of one simulated device. Every answer is computed from the simulator's own state when a
 * request reads it, so changing state is a plain assignment and counters can move with the clock.
 */
export class Mib {
  constructor(private readonly mib: NetSnmpMib) {}

  scalar(name: string, oid: string, type: SnmpType, read: () => Cell): void {
    this.mib.registerProvider({
      name,
      type: snmp.MibProviderType.Scalar,
      oid: oid.replace(/\.0$/, ''),
      scalarType: type,
      maxAccess: readOnly,
      handler: (request: MibRequest) => answer(request, () => fit(type, read())),
    });
    this.mib.setScalarValue(name, fit(type, read()));
  }

  /**
   * A table indexed by its first column (which then answers the row's index), or by another
   * table's index (`foreign`). Rows are added with `addRow`; `read(column, index)` gives each
   * other cell's current value.
   */
  table(
    name: string,
    entryOid: string,
    columns: Column[],
    read: (column: number, index: number) => Cell,
    foreign?: { table: string; column: string },
  ): Table {
    const byNumber = new Map(columns.map((c) => [c.number, c]));
    const indexColumn = foreign ? undefined : columns[0]?.number;
    const cell = (column: number, index: number) =>
      column === indexColumn ? index : read(column, index);
    this.mib.registerProvider({
      name,
      type: snmp.MibProviderType.Table,
      oid: entryOid,
      maxAccess: snmp.MaxAccess['not-accessible'],
      tableColumns: columns.map((c) => ({ ...c, maxAccess: readOnly })),
      tableIndex: foreign
        ? [{ columnName: foreign.column, foreign: foreign.table }]
        : [{ columnName: columns[0]!.name }],
      handler: (request: MibRequest) =>
        answer(request, () => {
          // The instance OID is <entry>.<column>.<index>: every table here has a one-number index.
          const [column, index] = request.instanceNode.oid
            .slice(entryOid.length + 1)
            .split('.')
            .map(Number);
          const def = byNumber.get(column!);
          return def ? fit(def.type, cell(def.number, index!)) : request.instanceNode.value;
        }),
    });
    return {
      addRow: (index: number) => {
        const cells = columns.map((c) => fit(c.type, cell(c.number, index)));
        this.mib.addTableRow(name, foreign ? [index, ...cells] : cells);
      },
      deleteRow: (index: number) => this.mib.deleteTableRow(name, [index]),
    };
  }
}

export interface Table {
  addRow(index: number): void;
  deleteRow(index: number): void;
}

/** A state read that throws answers genErr for that request rather than stopping the agent. */
function answer(request: MibRequest, value: () => unknown): void {
  try {
    request.instanceNode.value = value();
  } catch {
    request.done({ errorStatus: snmp.ErrorStatus.GeneralError });
    return;
  }
  request.done();
}

/**
 * The Blackmagic Videohub Ethernet protocol (TCP 9990): blocks of a header line ending in `:`,
 * content lines, and a blank line. Numbers on the wire are zero-based.
 */
export type Lock = 'O' | 'L' | 'U';

export interface VideohubState {
  protocolVersion: string | null;
  devicePresent: string | null;
  model: string | null;
  inputs: number | null;
  outputs: number | null;
  inputLabels: Map<number, string>;
  outputLabels: Map<number, string>;
  routing: Map<number, number>;
  locks: Map<number, Lock>;
  preludeDone: boolean;
  /** Lines that fit no block or no block's grammar: counted, never fatal. */
  garbageLines: number;
  acks: number;
  naks: number;
}

export function emptyState(): VideohubState {
  return {
    protocolVersion: null,
    devicePresent: null,
    model: null,
    inputs: null,
    outputs: null,
    inputLabels: new Map(),
    outputLabels: new Map(),
    routing: new Map(),
    locks: new Map(),
    preludeDone: false,
    garbageLines: 0,
    acks: 0,
    naks: 0,
  };
}

const numbered = /^(\d+) (.*)$/;

function labels(target: Map<number, string>, state: VideohubState, lines: string[]): void {
  for (const line of lines) {
    const match = numbered.exec(line);
    if (match) target.set(Number(match[1]), match[2] ?? '');
    else state.garbageLines += 1;
  }
}

function keyValues(lines: string[], state: VideohubState): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf(': ');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 2));
    else state.garbageLines += 1;
  }
  return values;
}

/** Applies one block to the state. Blocks this code does not know are skipped. */
export function applyBlock(state: VideohubState, header: string, lines: string[]): void {
  switch (header) {
    case 'PROTOCOL PREAMBLE': {
      state.protocolVersion = keyValues(lines, state).get('Version') ?? state.protocolVersion;
      break;
    }
    case 'VIDEOHUB DEVICE': {
      const values = keyValues(lines, state);
      state.devicePresent = values.get('Device present') ?? state.devicePresent;
      state.model = values.get('Model name') ?? state.model;
      const inputs = Number(values.get('Video inputs'));
      const outputs = Number(values.get('Video outputs'));
      if (Number.isInteger(inputs)) state.inputs = inputs;
      if (Number.isInteger(outputs)) state.outputs = outputs;
      break;
    }
    case 'INPUT LABELS':
      labels(state.inputLabels, state, lines);
      break;
    case 'OUTPUT LABELS':
      labels(state.outputLabels, state, lines);
      break;
    case 'VIDEO OUTPUT ROUTING':
      for (const line of lines) {
        const match = /^(\d+) (\d+)$/.exec(line);
        if (match) state.routing.set(Number(match[1]), Number(match[2]));
        else state.garbageLines += 1;
      }
      break;
    case 'VIDEO OUTPUT LOCKS':
      for (const line of lines) {
        const match = /^(\d+) ([OLU])$/.exec(line);
        if (match) state.locks.set(Number(match[1]), match[2] as Lock);
        else state.garbageLines += 1;
      }
      break;
    case 'END PRELUDE':
      state.preludeDone = true;
      break;
    default:
      // Newer firmware adds blocks (ALARM STATUS, TAKE MODE, NETWORK, ...): skipped by design.
      break;
  }
}

/** Turns a byte stream into blocks, however the stream is cut into chunks. */
export class VideohubParser {
  private buffer = '';
  private header: string | null = null;
  private lines: string[] = [];

  constructor(private readonly state: VideohubState) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
      newline = this.buffer.indexOf('\n');
    }
    // A line that never ends is garbage, not a reason to buffer without bound.
    if (this.buffer.length > 64 * 1024) {
      this.buffer = '';
      this.state.garbageLines += 1;
    }
  }

  private line(line: string): void {
    if (this.header === null) {
      if (line === '') return;
      if (line === 'ACK') this.state.acks += 1;
      else if (line === 'NAK') this.state.naks += 1;
      else if (/^[A-Z][A-Z0-9 ]*:$/.test(line)) this.header = line.slice(0, -1);
      else this.state.garbageLines += 1;
      return;
    }
    if (line === '') {
      applyBlock(this.state, this.header, this.lines);
      this.header = null;
      this.lines = [];
      return;
    }
    this.lines.push(line);
  }
}

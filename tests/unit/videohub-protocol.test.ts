import { describe, expect, it } from 'vitest';
import { emptyState, VideohubParser } from '../../probes/videohub/protocol.ts';

const prelude = [
  'PROTOCOL PREAMBLE:\nVersion: 2.8\n\n',
  'VIDEOHUB DEVICE:\nDevice present: true\nModel name: Smart Videohub 12x12\nVideo inputs: 12\nVideo outputs: 12\n\n',
  'NETWORK:\nInterface count: 1\nDefault Interface: 0\n\n',
  'INPUT LABELS:\n0 Resolve 1\n1 Camera 2\n\n',
  'OUTPUT LABELS:\n0 Grade 1 SDI\n\n',
  'VIDEO OUTPUT LOCKS:\n0 U\n1 L\n\n',
  'VIDEO OUTPUT ROUTING:\n0 1\n1 0\n\n',
  'END PRELUDE:\n\n',
].join('');

describe('Videohub protocol parser', () => {
  it('reads the prelude, skipping blocks it does not know', () => {
    const state = emptyState();
    new VideohubParser(state).feed(prelude);
    expect(state).toMatchObject({
      protocolVersion: '2.8',
      devicePresent: 'true',
      inputs: 12,
      outputs: 12,
      preludeDone: true,
      garbageLines: 0,
    });
    expect(state.inputLabels.get(1)).toBe('Camera 2');
    expect(state.routing.get(0)).toBe(1);
    expect(state.locks.get(1)).toBe('L');
  });

  it('handles any chunking, CRLF, ACK and NAK, and counts garbage without stopping', () => {
    const state = emptyState();
    const parser = new VideohubParser(state);
    const text =
      prelude.replaceAll('\n', '\r\n') +
      'ACK\r\n\r\nthis is noise\r\nVIDEO OUTPUT ROUTING:\r\n0 5\r\nbad line\r\n\r\nNAK\r\n\r\n';
    for (let i = 0; i < text.length; i += 7) parser.feed(text.slice(i, i + 7));
    expect(state.routing.get(0)).toBe(5);
    expect(state.acks).toBe(1);
    expect(state.naks).toBe(1);
    expect(state.garbageLines).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { Severity } from '../../server/domain.ts';
import {
  confirm,
  open,
  step,
  type FaultRecord,
  type Observation,
} from '../../server/modules/faults/engine.ts';
import { observationsOf, type ResultForFaults } from '../../server/modules/faults/observe.ts';
import { severityOf } from '../../server/modules/faults/severity.ts';

// Flapping is tested on its own; elsewhere it stays out of the way.
const flap = { changes: 100, windowS: 600 };
const flappy = { changes: 4, windowS: 600 };
const s = 1000;

function obs(severity: Severity | null, atS: number, holdDownS = 60): Observation {
  return {
    deviceId: 'd1',
    checkId: 'c1',
    condition: 'raid.status[0]',
    source: 'check',
    severity,
    message: severity ? `RAID is ${severity}` : '',
    atMs: atS * s,
    holdDownS,
  };
}

function opened(severity: Severity, atS = 0, holdDownS = 60): FaultRecord {
  return open({ ...obs(severity, atS, holdDownS), severity }, flap).fault;
}

describe('fault state machine (BCP-008 hold-down)', () => {
  it('opens at once, at the severity observed', () => {
    const { fault, transitions } = open({ ...obs('major', 10), severity: 'major' }, flap);
    expect(fault.state).toBe('open');
    expect(fault.severity).toBe('major');
    expect(transitions.map((t) => t.kind)).toEqual(['opened']);
  });

  it('gets worse at once', () => {
    const fault = opened('minor');
    const t = step(fault, obs('critical', 30), flap);
    expect(t.map((x) => x.kind)).toEqual(['worse']);
    expect(fault.severity).toBe('critical');
    expect(fault.peakSeverity).toBe('critical');
  });

  it('clears only after the good state held for the hold-down time', () => {
    const fault = opened('critical', 0, 60);
    expect(step(fault, obs(null, 30), flap)).toEqual([]);
    expect(fault.state).toBe('open');
    expect(step(fault, obs(null, 60), flap)).toEqual([]);
    expect(fault.state).toBe('open');
    const t = step(fault, obs(null, 90), flap);
    expect(t.map((x) => x.kind)).toEqual(['cleared']);
    expect(fault.state).toBe('cleared');
    // The outage ended when the good state began, not when it was confirmed.
    expect(fault.restoredAtMs).toBe(30 * s);
    expect(fault.clearedAtMs).toBe(90 * s);
  });

  it('a bad result during the hold-down starts it again', () => {
    const fault = opened('critical', 0, 60);
    step(fault, obs(null, 30), flap);
    step(fault, obs('critical', 60), flap);
    expect(step(fault, obs(null, 90), flap)).toEqual([]);
    expect(step(fault, obs(null, 120), flap)).toEqual([]);
    expect(step(fault, obs(null, 150), flap).map((x) => x.kind)).toEqual(['cleared']);
    expect(fault.restoredAtMs).toBe(90 * s);
  });

  it('improves to the worst state seen during the hold-down, not the last', () => {
    const fault = opened('critical', 0, 60);
    step(fault, obs('minor', 30), flap);
    step(fault, obs('major', 60), flap);
    const t = step(fault, obs(null, 90), flap);
    expect(t.map((x) => x.kind)).toEqual(['improved']);
    expect(fault.severity).toBe('major');
    expect(fault.state).toBe('open');
  });

  it('a hold-down of zero clears on the first good result', () => {
    const fault = opened('warning', 0, 0);
    expect(step(fault, obs(null, 5, 0), flap).map((x) => x.kind)).toEqual(['cleared']);
  });

  it('ignores a result older than one already applied (a replayed spool)', () => {
    const fault = opened('critical', 100);
    expect(step(fault, obs(null, 50), flap)).toEqual([]);
    expect(fault.betterSinceMs).toBeNull();
  });

  it('the clock confirms a hold-down no result will come to settle (a trap)', () => {
    const fault = opened('major', 0, 60);
    step(fault, obs(null, 10), flap);
    expect(confirm(fault, 69 * s)).toEqual([]);
    expect(confirm(fault, 70 * s).map((x) => x.kind)).toEqual(['cleared']);
  });

  it('marks a condition flapping after N raw changes in the window, and steady again below half', () => {
    const fault = open({ ...obs('major', 0, 600), severity: 'major' }, flappy).fault;
    // Changes: open (1), good (2), bad (3), good (4) → flapping.
    step(fault, obs(null, 10), flappy);
    step(fault, obs('major', 20), flappy);
    const t = step(fault, obs(null, 30), flappy);
    expect(t.map((x) => x.kind)).toContain('flapping');
    expect(fault.flapping).toBe(true);
    // Long after the window, the changes age out; the next change settles it.
    const later = step(fault, obs('major', 1000), flappy);
    expect(later.map((x) => x.kind)).toContain('steady');
    expect(fault.flapping).toBe(false);
  });

  it('carries a recently cleared fault’s changes into a new one', () => {
    const { fault } = open(
      { ...obs('major', 100), severity: 'major' },
      flappy,
      [40, 50, 60].map((x) => x * s),
    );
    expect(fault.flapping).toBe(true);
  });
});

const result = (over: Partial<ResultForFaults>): ResultForFaults => ({
  checkId: 'c1',
  deviceId: 'd1',
  kind: 'snmp',
  intervalS: 30,
  status: 'ok',
  message: 'ok',
  readings: [],
  atMs: 1000,
  ...over,
});

describe('what a result says', () => {
  it('a failed run with no readings is the device unreachable, and says nothing of its readings', () => {
    const seen = observationsOf(
      result({ status: 'critical', message: 'timed out' }),
      new Set(['raid.status[0]']),
      2,
    );
    expect(seen).toEqual([
      expect.objectContaining({ condition: 'unreachable', severity: 'critical', holdDownS: 60 }),
    ]);
  });

  it('judged readings become conditions; open ones not reported bad are good', () => {
    const seen = observationsOf(
      result({
        status: 'critical',
        message: 'RAID 0 is degraded',
        readings: [
          {
            name: 'raid.status[0]',
            value: 1,
            unit: '',
            status: 'critical',
            note: 'RAID 0 is degraded',
          },
          { name: 'cpu.load_pct', value: 20, unit: '%', status: 'ok' },
          { name: 'disk.temperature_c[3]', value: 41, unit: '°C', status: 'ok' },
        ],
      }),
      new Set(['unreachable', 'disk.temperature_c[3]', 'disk.status[4]']),
      2,
    );
    expect(seen).toEqual([
      expect.objectContaining({
        condition: 'raid.status[0]',
        severity: 'critical',
        message: 'RAID 0 is degraded',
      }),
      expect.objectContaining({ condition: 'unreachable', severity: null }),
      expect.objectContaining({ condition: 'disk.temperature_c[3]', severity: null }),
    ]);
  });

  it('a reading gone from the result says nothing: a failed disk dropping out does not clear', () => {
    const seen = observationsOf(
      result({ readings: [{ name: 'cpu.load_pct', value: 20, unit: '%', status: 'ok' }] }),
      new Set(['disk.status[4]', 'no_data']),
      2,
    );
    expect(seen).toEqual([]);
  });

  it('a failure no reading explains is the check’s own condition', () => {
    const seen = observationsOf(
      result({
        kind: 'http',
        status: 'critical',
        message: 'HTTP 500',
        readings: [{ name: 'http.status_code', value: 500, unit: '' }],
      }),
      new Set(),
      2,
    );
    expect(seen).toEqual([
      expect.objectContaining({ condition: 'check.http', severity: 'major', message: 'HTTP 500' }),
    ]);
  });

  it('an unknown result with nothing read says nothing', () => {
    expect(observationsOf(result({ status: 'unknown' }), new Set(['unreachable']), 2)).toEqual([]);
  });

  it('grades readings by what they mean to a facility', () => {
    expect(severityOf('raid.status[md0]', 'critical')).toBe('critical');
    expect(severityOf('disk.temperature_c[3]', 'warning')).toBe('minor');
    expect(severityOf('videohub.route[3]', 'critical')).toBe('major');
    expect(severityOf('something.new', 'warning')).toBe('warning');
  });
});

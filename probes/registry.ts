import { httpProbe } from './kinds/http.ts';
import { snmpProbe } from './kinds/snmp.ts';
import type { ProbeKind } from './types.ts';

/** One line per probe kind. */
export const probeKinds: Record<string, ProbeKind> = {
  [httpProbe.kind]: httpProbe,
  [snmpProbe.kind]: snmpProbe,
};

export const probeKindNames = Object.keys(probeKinds);

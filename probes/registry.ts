import { httpProbe } from './kinds/http.ts';
import { snmpProbe } from './kinds/snmp.ts';
import { tcpProbe } from './kinds/tcp.ts';
import { videohubProbe } from './kinds/videohub.ts';
import type { ProbeKind } from './types.ts';

/** One line per probe kind. */
export const probeKinds: Record<string, ProbeKind> = {
  [httpProbe.kind]: httpProbe,
  [snmpProbe.kind]: snmpProbe,
  [tcpProbe.kind]: tcpProbe,
  [videohubProbe.kind]: videohubProbe,
};

export const probeKindNames = Object.keys(probeKinds);

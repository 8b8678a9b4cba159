import { httpProbe } from './kinds/http.ts';
import type { ProbeKind } from './types.ts';

/** One line per probe kind. */
export const probeKinds: Record<string, ProbeKind> = {
  [httpProbe.kind]: httpProbe,
};

export const probeKindNames = Object.keys(probeKinds);

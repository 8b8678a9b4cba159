import type { Role } from '../../db/schema/index.ts';

/** Who is calling: a logged-in user (cookie or API token) or a probe. */
export type Principal =
  | {
      kind: 'user';
      userId: string;
      username: string;
      role: Role;
      sessionId: string | null;
      tokenId: string | null;
    }
  | {
      kind: 'probe';
      tokenId: string | null;
      name: string;
      /** Null for the server's embedded probe, which runs every check not assigned elsewhere. */
      probeId: string | null;
    };

export interface Actor {
  id: string | null;
  label: string;
  ip: string | null;
}

export function actorOf(principal: Principal | null, ip: string | null): Actor {
  if (!principal) return { id: null, label: 'anonymous', ip };
  if (principal.kind === 'probe') return { id: null, label: `probe:${principal.name}`, ip };
  return { id: principal.userId, label: principal.username, ip };
}

export const systemActor: Actor = { id: null, label: 'system', ip: null };

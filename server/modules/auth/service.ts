import type { Config } from '../../config.ts';
import type { EventBus } from '../../events.ts';
import type { Db } from '../../db/client.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor, Principal } from './principal.ts';
import * as repo from './repository.ts';
import { hashPassword, newSecret, sha256, verifyPassword } from './secrets.ts';
import { Unauthorized } from '../../errors.ts';

// Touching a session or token on every request would write on every request.
const touchEveryMs = 60_000;
// A session looked up this recently is believed without asking the database again. Ending a
// session (logout, password change, disabling) and changing a user drop it at once, in this
// process; another server sharing the database honours an ended session this much longer.
const sessionCacheMs = 5_000;
const sessionCacheMax = 10_000;

// Compared against when the username is unknown, so a miss costs as long as a wrong password.
const dummyHash = hashPassword('suitewatch-dummy-password');

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'sessionDays'>,
    /** Held in memory only: the embedded probe's credential, never stored or shown. */
    private readonly embeddedProbeSecret: string,
    private readonly bus: EventBus,
  ) {
    bus.onSessionsEnded((ended) => {
      for (const [key, entry] of this.sessions) {
        const principal = entry.principal;
        if (principal.kind !== 'user') continue;
        if (
          principal.sessionId === ended.sessionId ||
          (ended.userId === principal.userId && principal.sessionId !== ended.exceptSessionId)
        )
          this.sessions.delete(key);
      }
      this.generation += 1;
    });
    bus.subscribe((event) => {
      if (event.type === 'changed' && event.entity === 'user') {
        this.sessions.clear();
        this.generation += 1;
      }
    });
  }

  private readonly sessions = new Map<string, { principal: Principal; at: number }>();
  /** Bumped by every eviction: a lookup that began before a logout is not cached after it. */
  private generation = 0;

  async login(username: string, password: string, ip: string | null) {
    const user = await repo.findUserByUsername(this.db, username);
    const ok = user
      ? !user.disabled && (await verifyPassword(password, user.passwordHash))
      : (await verifyPassword(password, await dummyHash), false);
    if (!user || !ok) {
      await recordAudit(
        this.db,
        { id: user?.id ?? null, label: username.slice(0, 100), ip },
        {
          action: 'login.failed',
          entity: 'user',
          entityId: user?.id ?? null,
        },
      );
      throw new Unauthorized('wrong username or password');
    }
    const token = newSecret('sws');
    const expiresAt = this.expiry();
    await this.db.transaction(async (tx) => {
      await repo.insertSession(tx, sha256(token), user.id, expiresAt);
      await recordAudit(
        tx,
        { id: user.id, label: user.username, ip },
        {
          action: 'login',
          entity: 'user',
          entityId: user.id,
        },
      );
    });
    return {
      token,
      expiresAt,
      user: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
      },
    };
  }

  async logout(principal: Principal, actor: Actor) {
    if (principal.kind !== 'user' || !principal.sessionId) return;
    const sessionId = principal.sessionId;
    await this.db.transaction(async (tx) => {
      await repo.deleteSession(tx, sessionId);
      await recordAudit(tx, actor, {
        action: 'logout',
        entity: 'user',
        entityId: principal.userId,
      });
    });
    this.bus.endSessions({ sessionId });
  }

  /** The session's user, and the new expiry when the session was extended (resend the cookie). */
  async fromSessionCookie(
    cookie: string,
  ): Promise<{ principal: Principal; renewedUntil: Date | null } | null> {
    const key = sha256(cookie);
    const cached = this.sessions.get(key);
    if (cached && Date.now() - cached.at < sessionCacheMs)
      return { principal: cached.principal, renewedUntil: null };
    const generation = this.generation;
    const row = await repo.findSessionUser(this.db, key);
    if (!row) {
      this.sessions.delete(key);
      return null;
    }
    let renewedUntil: Date | null = null;
    if (Date.now() - row.lastSeenAt.getTime() > touchEveryMs) {
      renewedUntil = this.expiry();
      await repo.touchSession(this.db, row.sessionId, renewedUntil);
    }
    const principal: Principal = {
      kind: 'user',
      userId: row.userId,
      username: row.username,
      role: row.role,
      sessionId: row.sessionId,
      tokenId: null,
    };
    if (this.sessions.size >= sessionCacheMax) this.sessions.clear();
    if (generation === this.generation) this.sessions.set(key, { principal, at: Date.now() });
    return { principal, renewedUntil };
  }

  async fromBearer(token: string): Promise<Principal | null> {
    if (token === this.embeddedProbeSecret)
      return { kind: 'probe', tokenId: null, name: 'embedded', probeId: null };
    const row = await repo.findTokenOwner(this.db, sha256(token));
    if (!row) return null;
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > touchEveryMs) {
      await repo.touchToken(this.db, row.tokenId);
    }
    if (row.scope === 'probe') {
      if (!row.probeId) return null;
      return {
        kind: 'probe',
        tokenId: row.tokenId,
        name: row.probeName ?? row.name,
        probeId: row.probeId,
      };
    }
    return {
      kind: 'user',
      userId: row.userId,
      username: row.username,
      role: row.role,
      sessionId: null,
      tokenId: row.tokenId,
    };
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.sessionDays * 86_400_000);
  }
}

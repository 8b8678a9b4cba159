import { ApiError, api, errorText, onUnauthorized } from '../api.ts';
import type { Me, Role } from '../types.ts';

const editorRoles: readonly Role[] = ['engineer', 'admin'];
/** Everyone on shift works the alarm console; managers review it. */
const operatorRoles: readonly Role[] = ['junior', 'engineer', 'admin'];

/** Who is logged in. `checked` stays false until start-up has asked the server. */
export class SessionState {
  user = $state<Me | null>(null);
  checked = $state(false);
  startError = $state('');
  /** Why the user is looking at the login page, when it was not their choice. */
  notice = $state('');

  signedIn = $derived(this.user !== null);
  /** Engineers and admins change the inventory; the server enforces it, the UI hides the forms. */
  canEdit = $derived(this.user?.role != null && editorRoles.includes(this.user.role));
  /** Acknowledge, take, shelve and dismiss faults. */
  canOperate = $derived(this.user?.role != null && operatorRoles.includes(this.user.role));

  constructor() {
    onUnauthorized(() => {
      if (this.user) this.notice = 'Your session has ended. Log in again.';
      this.user = null;
    });
  }

  async start(): Promise<void> {
    this.startError = '';
    try {
      this.user = await api.me();
    } catch (error) {
      // 401 just means "not logged in"; anything else means we cannot tell yet.
      if (!(error instanceof ApiError && error.statusCode === 401))
        this.startError = errorText(error);
    }
    this.checked = !this.startError;
  }

  /** Re-reads the role, e.g. after an admin changed it; a 401 here logs us out via the handler. */
  async refresh(): Promise<void> {
    try {
      const me = await api.me();
      if (this.user) this.user = me;
    } catch {
      // A network failure leaves things as they are; the socket will retry.
    }
  }

  async login(username: string, password: string): Promise<void> {
    const { user } = await api.login(username, password);
    this.notice = '';
    this.user = { id: user.id, username: user.username, role: user.role, kind: 'user' };
  }

  async logout(): Promise<void> {
    try {
      await api.logout();
    } finally {
      this.user = null;
    }
  }
}

export const session = new SessionState();

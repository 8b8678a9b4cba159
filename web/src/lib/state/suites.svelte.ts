import { api } from '../api.ts';
import type { Health, Suite } from '../types.ts';
import { ListState } from './list.svelte.ts';

export class SuitesState extends ListState<Suite> {
  constructor() {
    super(() => api.suites());
  }

  setHealth(suiteId: string, health: Health): void {
    this.change(suiteId, (suite) => {
      suite.health = health;
    });
  }
}

export const suites = new SuitesState();

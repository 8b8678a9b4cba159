import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { Partitions } from './db/partitions.ts';
import type { EventBus } from './events.ts';
import type { Metrics } from './metrics.ts';
import type { AuthService } from './modules/auth/service.ts';
import type { SecretBox } from './secrets.ts';

/** What every module plugin is given: one database, one bus, one registry. */
export interface Context {
  db: Db;
  store: 'pglite' | 'postgres';
  config: Config;
  bus: EventBus;
  metrics: Metrics;
  partitions: Partitions;
  auth: AuthService;
  secrets: SecretBox;
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

const version = 'v1';

/**
 * Seals secrets (SNMP communities, v3 keys) with AES-256-GCM before they are stored, so a copy of
 * the database alone reveals none of them.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${version}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string): string {
    const [tag, payload] = sealed.split('.');
    if (tag !== version || !payload) throw new Error('not a sealed secret');
    const raw = Buffer.from(payload, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/**
 * The key comes from SUITEWATCH_SECRET_KEY (any string of 16 characters or more, hashed to 32
 * bytes), else from `secret.key` in the data directory, made on first start. Several instances
 * sharing one PostgreSQL must share SUITEWATCH_SECRET_KEY.
 */
export function loadSecretBox(config: Pick<Config, 'secretKey' | 'dataDir'>): {
  box: SecretBox;
  created: string | null;
} {
  if (config.secretKey) {
    return {
      box: new SecretBox(createHash('sha256').update(config.secretKey).digest()),
      created: null,
    };
  }
  const file = join(config.dataDir, 'secret.key');
  let created: string | null = null;
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    created = file;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  return { box: new SecretBox(key), created };
}

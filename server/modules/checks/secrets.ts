import { Invalid } from '../../errors.ts';
import type { SecretBox } from '../../secrets.ts';

/** What the API shows for a stored secret; sent back unchanged, it means "keep the stored one". */
export const masked = '********';

type Json = Record<string, unknown>;
interface Sealed {
  $sealed: string;
}

const isSealed = (value: unknown): value is Sealed =>
  typeof value === 'object' && value !== null && typeof (value as Sealed).$sealed === 'string';

function read(config: Json, path: string[]): unknown {
  let node: unknown = config;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function write(config: Json, path: string[], value: unknown): void {
  let node = config;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) return;
    node = next as Json;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * The config as it is stored: every secret sealed. A secret sent as the mask keeps the one
 * already stored.
 */
export function sealConfig(
  box: SecretBox,
  secretPaths: readonly string[],
  incoming: Json,
  existing: Json | null,
): Json {
  const stored = structuredClone(incoming);
  for (const dotted of secretPaths) {
    const path = dotted.split('.');
    const value = read(incoming, path);
    // Only the mask keeps a stored secret. A secret left out is gone: switching a check from
    // v2c to v3 must not keep the old community behind the scenes.
    if (value === masked) {
      const old = existing ? read(existing, path) : undefined;
      if (!isSealed(old))
        throw new Invalid(`body.config.${dotted}: send the secret itself; none is stored to keep`);
      write(stored, path, old);
    } else if (typeof value === 'string') {
      write(stored, path, { $sealed: box.seal(value) });
    }
  }
  return stored;
}

function mapSealed(value: unknown, replace: (sealed: Sealed) => unknown): unknown {
  if (isSealed(value)) return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapSealed(item, replace));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSealed(v, replace)]));
  }
  return value;
}

/** For the API and the audit log: every secret becomes the mask. */
export const redactConfig = (config: Json): Json => mapSealed(config, () => masked) as Json;

/** For probes only: every secret in plain text. */
export const openConfig = (box: SecretBox, config: Json): Json =>
  mapSealed(config, (sealed) => box.open(sealed.$sealed)) as Json;

import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../types.ts';

const pattern = /^(\d{12})\.json$/;

/**
 * Results on disk, in the order they were made. Every batch is written here (and fsynced)
 * before anything is sent, so a batch survives the server being down, the network dropping a
 * reply, and this process being killed. Batches leave only once the server has taken them.
 */
export class Spool {
  private names: string[] = [];
  private counts = new Map<string, number>();
  private nextSeq = 1;
  bytes = 0;
  /** Results dropped, oldest first, because the spool reached its size limit. */
  overflowed = 0;

  constructor(
    readonly dir: string,
    /** Past this the oldest batches go: a probe must not fill its machine's disk. */
    readonly maxBytes = 1024 ** 3,
  ) {}

  async open(): Promise<void> {
    await mkdir(join(this.dir, 'rejected'), { recursive: true });
    await this.lock();
    const all = await readdir(this.dir);
    // Left by a crash or a full disk mid-write: never renamed into place, so never a batch.
    for (const name of all.filter((n) => n.endsWith('.tmp'))) await rm(join(this.dir, name));
    const names = all.filter((n) => pattern.test(n)).sort();
    for (const name of names) {
      const results = await this.read(name).catch(() => null);
      if (!results) {
        // A batch cut short by a crash mid-write never reached rename; one here is damaged.
        await rename(join(this.dir, name), join(this.dir, 'rejected', name));
        continue;
      }
      this.names.push(name);
      this.counts.set(name, results.length);
      this.bytes += (await stat(join(this.dir, name))).size;
    }
    const last = this.names.at(-1);
    this.nextSeq = last ? Number(pattern.exec(last)![1]) + 1 : 1;
  }

  get batches(): number {
    return this.names.length;
  }

  get results(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /** Durable when it resolves: written, flushed to disk, then renamed into place. */
  async append(results: CheckResult[]): Promise<void> {
    const name = `${String(this.nextSeq).padStart(12, '0')}.json`;
    const body = JSON.stringify(results);
    const temporary = join(this.dir, `${name}.tmp`);
    try {
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(body);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, join(this.dir, name));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    this.nextSeq += 1;
    this.names.push(name);
    this.counts.set(name, results.length);
    this.bytes += Buffer.byteLength(body);
    while (this.bytes > this.maxBytes && this.names.length > 1) {
      const oldest = this.names[0]!;
      this.overflowed += this.counts.get(oldest) ?? 0;
      await this.remove(oldest);
    }
  }

  /** One probe process per spool folder: two would overwrite each other's batches. */
  private async lock(): Promise<void> {
    const path = join(this.dir, 'probe.lock');
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(path, 'utf8').catch(() => ''));
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
      throw new Error(`another probe (process ${holder}) is using this spool folder`);
    // Left by a probe that was killed: take it over.
    await writeFile(path, String(process.pid));
  }

  async close(): Promise<void> {
    await rm(join(this.dir, 'probe.lock'), { force: true });
  }

  /** The oldest batch, which must be delivered before any newer one. */
  async oldest(): Promise<{ name: string; results: CheckResult[] } | null> {
    const name = this.names[0];
    if (!name) return null;
    return { name, results: await this.read(name) };
  }

  async remove(name: string): Promise<void> {
    await this.forget(name, () => rm(join(this.dir, name), { force: true }));
  }

  /** The server refused it for its content: kept aside for a person to look at, never resent. */
  async reject(name: string): Promise<void> {
    await this.forget(name, () => rename(join(this.dir, name), join(this.dir, 'rejected', name)));
  }

  private async forget(name: string, work: () => Promise<void>): Promise<void> {
    const size = (await stat(join(this.dir, name)).catch(() => null))?.size ?? 0;
    await work();
    this.names = this.names.filter((n) => n !== name);
    this.counts.delete(name);
    this.bytes -= size;
  }

  private async read(name: string): Promise<CheckResult[]> {
    const parsed: unknown = JSON.parse(await readFile(join(this.dir, name), 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${name} does not hold a batch`);
    return parsed as CheckResult[];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

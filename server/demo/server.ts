import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('../../', import.meta.url).pathname;

export interface ServerOptions {
  port: number;
  host: string;
  dataDir: string;
  adminPassword: string;
  logFile: string;
  /** Start-up lines the server prints for people (`suitewatch: applying migrations…`). */
  onLine(line: string): void;
}

/**
 * The Suitewatch server as a child process, started as `npm start` starts it. Its JSON log goes
 * to a file; only its own start-up lines reach the screen.
 */
export class ServerChild {
  readonly exited: Promise<number | null>;
  private errors = '';
  private readonly child;

  constructor(private readonly options: ServerOptions) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        // The demo never touches a real database: always its own embedded one.
        DATABASE_URL: '',
        PORT: String(options.port),
        HOST: options.host,
        SUITEWATCH_DATA_DIR: options.dataDir,
        SUITEWATCH_ADMIN_PASSWORD: options.adminPassword,
        SUITEWATCH_EMBEDDED_PROBE: 'true',
        SUITEWATCH_TRAP_PORT: process.env.SUITEWATCH_TRAP_PORT ?? '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    let pending = '';
    this.child.stdout.on('data', (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('suitewatch: ')) options.onLine(line);
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      log.write(chunk);
      // Enough to say why it stopped; never the whole log.
      this.errors = (this.errors + chunk.toString('utf8')).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code) => {
        log.end();
        resolve(code);
      });
    });
  }

  get url(): string {
    const host = ['0.0.0.0', '::', ''].includes(this.options.host)
      ? '127.0.0.1'
      : this.options.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.options.port}`;
  }

  /** What the server wrote to stderr: its one-line reason when it could not start. */
  get stderr(): string {
    return this.errors.trim();
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until /readyz answers (the database is open and migrated). */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(this.stderr || 'the server exited while starting');
      const response = await fetch(`${this.url}/readyz`, {
        signal: AbortSignal.timeout(5000),
      }).catch(() => null);
      if (response?.ok) return;
      await sleep(250);
    }
    throw new Error(
      `the server was not ready within ${timeoutMs / 1000} s; see ${this.options.logFile}`,
    );
  }

  /** SIGTERM, as the server expects; SIGKILL if it has not finished within `graceMs`. */
  async stop(graceMs: number): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

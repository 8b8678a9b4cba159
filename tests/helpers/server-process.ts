import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './http-server.ts';

export const root = new URL('../../', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  errors(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs server/main.ts as `npm start` does (node + tsx, no npm wrapper left behind on kill). */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: '',
      SUITEWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'sw-data-')),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Several test servers run at once; none may take the default trap port.
      SUITEWATCH_TRAP_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    url: `http://127.0.0.1:${env.PORT ?? '8080'}`,
    output: () => out,
    errors: () => err,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  const server = spawnServer({ ...env, PORT: port });
  await waitFor(
    async () => {
      if (server.child.exitCode !== null) throw new Error(`server exited: ${server.errors()}`);
      return (await fetch(`${server.url}/readyz`).catch(() => null))?.ok;
    },
    // Generous: a loaded 2-core machine compiling TypeScript for several servers at once has
    // taken over a minute; a server that never comes up still fails, with its errors.
    { timeoutMs: 120_000, what: 'the server to be ready' },
  );
  return server;
}

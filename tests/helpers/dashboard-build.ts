import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
let built: string | null = null;

/**
 * Builds the dashboard once per test worker into a folder of its own, for servers started with
 * `SUITEWATCH_WEB_DIR` set to it. Building into web/dist instead would empty the folder another
 * worker's server is serving from, and its browser would get a 404.
 */
export function buildDashboard(): { SUITEWATCH_WEB_DIR: string } {
  if (!built) {
    const outDir = mkdtempSync(join(tmpdir(), 'sw-dashboard-'));
    const build = spawnSync(
      join(root, 'node_modules/.bin/vite'),
      ['build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--emptyOutDir'],
      { cwd: root, encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`dashboard build failed: ${build.stderr}`);
    built = outDir;
  }
  return { SUITEWATCH_WEB_DIR: built };
}

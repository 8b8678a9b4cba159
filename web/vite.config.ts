import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Paths are taken from this file, so the build works from any working directory.
const webDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('./dist', import.meta.url));
const server = 'http://localhost:8080';

export default defineConfig({
  root: webDir,
  // No svelte.config.js: Svelte 5 reads TypeScript natively, so the defaults are all we need.
  plugins: [svelte({ configFile: false })],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: server, ws: true },
      '/docs': { target: server },
    },
  },
});

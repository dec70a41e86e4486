import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * `pnpm console` (the dev server) proxies `/graphql` to a running API (WEIXI_API_URL, default
 * http://127.0.0.1:4000), so the page and the API share one origin and no CORS is needed. `vite build` writes
 * static files with relative asset paths, so they work wherever they are served (the API serves them at
 * `/console/` when WEIXI_CONSOLE_DIR names the folder).
 */
const api = process.env.WEIXI_API_URL ?? 'http://127.0.0.1:4000';

export default defineConfig({
  base: './',
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: Number(process.env.WEIXI_CONSOLE_PORT ?? 5173),
    proxy: { '/graphql': { target: api, changeOrigin: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});

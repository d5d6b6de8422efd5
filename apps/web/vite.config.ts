import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Dev server proxies the API to a running citygrid server. Point it elsewhere with
 * `CITYGRID_API=http://localhost:3101 npx vite` (read here only).
 */
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, import.meta.dirname, '');
  const target = env.CITYGRID_API || 'http://localhost:3000';
  const proxy = { target, changeOrigin: false, ws: false };
  return {
    plugins: [react()],
    server: {
      proxy: { '/api': proxy, '/open311': proxy, '/health': proxy },
    },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      chunkSizeWarningLimit: 900,
      // two entries: the staff app, and the citizens' report/track pages with their own small bundle
      rolldownOptions: { input: { main: 'index.html', report: 'report.html' } },
    },
  };
});

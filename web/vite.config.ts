import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// No @vitejs/plugin-react: Vite's built-in transformer handles TSX with the
// automatic runtime, which is all the dashboard needs (no fast refresh).
export default defineConfig({
  root: here,
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `BULKHEAD_API=http://127.0.0.1:8080 npx vite web` proxies the API while developing.
    proxy: process.env.BULKHEAD_API ? { '/api': process.env.BULKHEAD_API } : undefined,
  },
});

/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The build goes straight into the host's web root (git-ignored); the host serves it at /.
// `npm run dev` serves the UI with hot reload on :5173 and forwards the API to a host on :5080.
export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: '../CheckIn.Host/wwwroot',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // No inline <script> or module preload polyfill: the page runs under a CSP without 'unsafe-inline'.
    modulePreload: { polyfill: false },
  },
  server: {
    port: 5173,
    strictPort: true,
    host: '127.0.0.1',
    proxy: {
      '/api': { target: 'http://localhost:5080', changeOrigin: false },
      '/sim': { target: 'http://localhost:5080', changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    setupFiles: ['src/testSetup.ts'],
  },
});

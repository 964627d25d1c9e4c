/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The window loads the built files from disk through Tauri; no dev server in
// production, no remote content, and CSS goes to files (the CSP has no
// 'unsafe-inline' for styles).
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'es2021',
    outDir: 'dist',
    emptyOutDir: true,
    cssCodeSplit: false,
    // No inline data: URLs for assets either; keeps the CSP simple.
    assetsInlineLimit: 0,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});

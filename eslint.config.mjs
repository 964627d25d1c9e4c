// ESLint for the front end (ui/) and the desktop end-to-end tests (tests/e2e/);
// `npm run lint` from the repo root, part of `make check-ui` and so of `make test`.
// Types are svelte-check's job (`npm run check --workspace ui`); these rules
// catch what it does not: unused code, unreachable code, Svelte mistakes.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './ui/svelte.config.js';

export default defineConfig(
  // Generated: the bindings by ts-rs from core's Rust types (`make bindings`),
  // dist by Vite; screenshots are the e2e run's output.
  globalIgnores(['ui/src/lib/bindings/', 'ui/dist/', 'tests/e2e/screenshots/']),
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    rules: {
      // `const { key: _, ...rest } = obj` is how the code drops a key.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['ui/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      // The views never mutate a Set or Map held in $state: they copy it,
      // change the copy and assign it back. This rule flags every mutated
      // Set/Map in a component, those local copies included.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: ['ui/**/*.ts', 'ui/**/*.svelte'],
    rules: {
      // TypeScript reports undefined names itself and knows the DOM and
      // Svelte's $state/$props runes, which this rule would flag.
      'no-undef': 'off',
    },
  },
  {
    files: ['ui/**/*.svelte', 'ui/**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        parser: ts.parser,
        extraFileExtensions: ['.svelte'],
        svelteConfig,
      },
    },
  },
  {
    // Node scripts (node:test, webdriverio); the callbacks they hand to
    // browser.execute() run in the app's page, hence the browser globals too.
    files: ['tests/e2e/**/*.js', 'ui/*.config.*'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);

// Lint rules, including the module boundaries of docs/architecture.md:
// each external system is imported by exactly one adapter module.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A regex, not a gitignore-style group: `telegram/*` would also match the
// project's own adapter folder (import './telegram/source.ts' from the
// composition root), while only the package itself is restricted.
const adapter = (pkg, home) => ({
  regex: `^${pkg}(/.*)?$`,
  message: `${pkg} is imported only by ${home}; use that adapter's interface`,
});

const ADAPTERS = {
  telegram: ['telegram', 'services/telegram/'],
  bullmq: ['bullmq', 'services/queue/'],
  ioredis: ['ioredis', 'services/queue/'],
  pg: ['pg', 'services/db/'],
  fastify: ['fastify', 'services/api/'],
  nodemailer: ['nodemailer', 'services/mail/'],
};

function restrictedExcept(home) {
  return Object.values(ADAPTERS)
    .filter(([, h]) => h !== home)
    .map(([pkg, h]) => adapter(pkg, h));
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test/bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', performance: 'readonly', structuredClone: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // Domain code (services/) never reaches the environment; the composition root passes config down.
  {
    files: ['services/**/*.ts', 'workers/**/*.ts'],
    ignores: ['services/cli/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration from config/env.ts via the container' }],
    },
  },
  // Each external package only inside its adapter. Flat config replaces a
  // rule per matching block, so every block lists all the patterns that apply.
  {
    files: ['services/**/*.ts', 'workers/**/*.ts', 'config/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: restrictedExcept(null) }] },
  },
  ...[...new Set(Object.values(ADAPTERS).map(([, home]) => home))].map((home) => ({
    files: [`${home}**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: restrictedExcept(home) }] },
  })),
  // config/ imports nothing of the project.
  {
    files: ['config/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [...restrictedExcept(null), { group: ['../services/*', '../workers/*'], message: 'config/ imports nothing of the project' }],
      }],
    },
  },
);

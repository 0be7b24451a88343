// Lint: typescript-eslint's recommended rules, plus the architecture rule that keeps
// provider/domain pure (no vendor libraries, file system, environment or clock).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const impureModules = [
  'node-forge', 'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process',
  'node:child_process', 'crypto', 'node:crypto', 'os', 'node:os', 'path', 'node:path',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.pulumi-home/**', '.venv/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['provider/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: impureModules.map((name) => ({ name, message: 'provider/domain is pure: gather this fact in an adapter and pass it in.' })),
        patterns: [
          { group: ['@pulumi/*', '@aws-sdk/*'], message: 'provider/domain is pure: no Pulumi or AWS imports.' },
          { group: ['../adapters/*', '../pulumi/*', '../cli/*'], message: 'provider/domain depends on nothing outside itself and ports.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'provider/domain reads no environment: take it as a parameter.' },
        { name: 'require', message: 'provider/domain imports statically and purely.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'provider/domain reads no clock: take `now` as a parameter.' },
        { object: 'Math', property: 'random', message: 'provider/domain is deterministic.' },
      ],
      'no-restricted-syntax': ['error', {
        selector: "NewExpression[callee.name='Date'][arguments.length=0]",
        message: 'provider/domain reads no clock: take `now` as a parameter.',
      }],
    },
  },
);

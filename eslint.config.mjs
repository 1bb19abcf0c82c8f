// Lint rules that keep the layers honest: vscode only in src/vscode (and the in-host tests),
// the SDKs only in src/providers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/vscode may import vscode.' };
const noSdk = [
  { name: 'openai', message: 'Only src/providers may import an SDK.' },
  { name: '@google/genai', message: 'Only src/providers may import an SDK.' },
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'out-*', '.test-host', 'media', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  { files: ['src/core/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [noVscode, ...noSdk] }] } },
  {
    files: ['src/providers/**/*.ts', 'src/webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  { files: ['src/webview/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [noVscode, ...noSdk] }] } },
);

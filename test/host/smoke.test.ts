// Tiered in a real VS Code (code-server 1.100.3): the in-host smoke spec must pass. (That a failing
// spec fails the run is checked in harness.test.ts.)
import { hostSpecSuite } from './specSuite';

hostSpecSuite('extension host smoke', 'smoke', {
  files: { 'hello.ts': 'export const greeting = "hello";\n' },
  passing: 3,
  expect: [/registers every command it contributes/],
  screenshot: 'host-smoke.png',
});

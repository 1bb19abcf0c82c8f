// The imported names of a file and where each stands (the VS Code gatherer asks the definition
// provider there): TS/JS named, aliased, default and type imports across lines; Python from-imports.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_IMPORTED_NAMES, parseImports, type ImportedName } from '../../src/core/completion/context/imports';

/** Each name really stands at its line and column. */
function assertPlaces(text: string, names: ImportedName[]): void {
  const lines = text.split('\n');
  for (const n of names) assert.equal(lines[n.line]!.slice(n.column, n.column + n.name.length), n.name, n.name);
}

describe('imported names', () => {
  test('TS: named, aliased (asked at the imported name), default, type-only, multi-line, namespace left out', () => {
    const text = [
      "import { randomUUID } from 'node:crypto';",
      "import type { CallResult, CallRunner as Runner } from './calls';",
      "import shape, { type Shape, tokenizerFor } from './calls/tokens';",
      "import * as path from 'node:path';",
      'import {',
      '  route,',
      '  tierAbove as above,',
      "} from './router';",
      "import './side-effect';",
      'const x = 1; // import { fake } from "./nope" is not at a line start',
    ].join('\n');
    const names = parseImports(text, 'typescript');
    assert.deepEqual(
      names.map((n) => [n.local, n.name, n.module]),
      [
        ['randomUUID', 'randomUUID', 'node:crypto'],
        ['CallResult', 'CallResult', './calls'],
        ['Runner', 'CallRunner', './calls'],
        ['shape', 'shape', './calls/tokens'],
        ['Shape', 'Shape', './calls/tokens'],
        ['tokenizerFor', 'tokenizerFor', './calls/tokens'],
        ['route', 'route', './router'],
        ['above', 'tierAbove', './router'],
      ],
    );
    assertPlaces(text, names);
    assert.deepEqual([names[7]!.line, names[7]!.column], [6, 2]);
  });

  test('Python: from-imports, aliased and parenthesised; plain `import x` is a module, not a name', () => {
    const text = [
      'import os',
      'from .models import Order, Rate as R',
      'from pkg.pricing import (',
      '    price_of,',
      '    tax_of,  # tax, rounded',
      ')',
      'from x import *',
    ].join('\n');
    const names = parseImports(text, 'python');
    assert.deepEqual(
      names.map((n) => [n.local, n.name, n.module]),
      [
        ['Order', 'Order', '.models'],
        ['R', 'Rate', '.models'],
        ['price_of', 'price_of', 'pkg.pricing'],
        ['tax_of', 'tax_of', 'pkg.pricing'],
      ],
    );
    assertPlaces(text, names);
  });

  test('one entry per local name, at most MAX_IMPORTED_NAMES; other languages give none', () => {
    const many = Array.from({ length: 60 }, (_, i) => `import { n${i} } from './m${i}';`).join('\n');
    const names = parseImports(`${many}\nimport { n0 } from './again';`, 'javascript');
    assert.equal(names.length, MAX_IMPORTED_NAMES);
    assert.equal(names.filter((n) => n.local === 'n0').length, 1);
    assert.deepEqual(parseImports("import { a } from './a';", 'plaintext'), []);
  });
});

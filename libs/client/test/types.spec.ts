import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { buildOpenApi } from '../../../apps/api-gateway/src/docs/openapi.js';
import { CLIENT_TYPES_FILE, renderClientTypes } from '../../../scripts/client-types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('@muse/client types', () => {
  it("match the gateway's OpenAPI (run `npm run client:types` after changing the API)", async () => {
    const expected = await renderClientTypes(buildOpenApi());
    const committed = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    if (committed !== expected) {
      throw new Error("libs/client/src/generated/api.d.ts is out of date with the gateway's OpenAPI: run `npm run client:types` and commit the result");
    }
    expect(committed).toContain('"/v1/jobs/{id}"');
  });

  it('compile the README example, and the client core compiles without Node types (browsers)', () => {
    const compile = (files: string[], options: ts.CompilerOptions) => {
      const program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2023,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        baseUrl: root,
        paths: { '@muse/client': ['libs/client/src/index.ts'] },
        ...options,
      });
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    };
    // The README shows this very file (below its first comment line).
    const example = readFileSync(join(root, 'libs/client/examples/generate-song.ts'), 'utf8');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(example.slice(example.indexOf('\n') + 1));
    expect(compile([join(root, 'libs/client/examples/generate-song.ts')], { lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'], types: ['node'] })).toEqual([]);
    expect(compile([join(root, 'libs/client/src/index.ts')], { lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: [] })).toEqual([]);
    // The check is real: a wrong body is a compile error.
    const broken = join(root, 'libs/client/examples/.broken.tmp.ts');
    ts.sys.writeFile(broken, "import { Muse } from '@muse/client';\nawait new Muse().run('generation', { promt: 'typo' });\nexport {};\n");
    try {
      expect(compile([broken], { lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'], types: [] }).join('\n')).toMatch(/promt/);
    } finally {
      ts.sys.deleteFile!(broken);
    }
  }, 60_000);
});

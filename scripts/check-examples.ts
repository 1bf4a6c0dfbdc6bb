// Type-checks every TSDoc `@example` against the sources (see doc-examples.ts).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { collectDocExamples, writeDocExamples } from './doc-examples.js';

const root = process.cwd();
const outDir = path.join(root, '.tmp', 'doc-examples', 'check');
const examples = collectDocExamples(root);
writeDocExamples(examples, outDir);
const tsconfig = {
  extends: path.join(root, 'tsconfig.json'),
  compilerOptions: { noEmit: true, noUnusedLocals: false },
  include: [path.join(outDir, '*.ts')],
};
writeFileSync(path.join(outDir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
try {
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(outDir, 'tsconfig.json')],
    { stdio: 'inherit' },
  );
} catch {
  console.error('doc examples: type errors above (file names encode the source location)');
  process.exitCode = 1;
}
if (process.exitCode !== 1) console.log(`doc examples: ${examples.length} type-check`);

// Extracts the ```ts code of every `@example` in src/ TSDoc comments and every ```ts block of the
// README, so they can be type-checked and executed against the sources (imports of 'soc-kit' and
// 'soc-kit/<sub>' are rewritten to src/).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DocExample {
  /** `src/bus/signal-bus.ts:120`, where the example's fence starts. */
  location: string;
  /** Example code with soc-kit imports rewritten to absolute source paths. */
  code: string;
}

const SUBPATH_IMPORT = /(from\s+|import\s*\(\s*)(['"])soc-kit(\/[a-z]+)?\2/g;

function listSources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSources(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files.sort();
}

function rewriteImports(code: string, srcDir: string): string {
  return code.replace(SUBPATH_IMPORT, (_m, lead: string, quote: string, sub?: string) => {
    const target = path.join(srcDir, sub === undefined ? 'index.js' : `${sub.slice(1)}/index.js`);
    return `${lead}${quote}${target}${quote}`;
  });
}

/** Finds every ```ts fence of a markdown file. */
function collectMarkdownExamples(root: string, file: string, srcDir: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  let fence: { start: number; body: string[] } | undefined;
  lines.forEach((line, index) => {
    if (fence === undefined) {
      if (/^```(ts|typescript)\s*$/.test(line)) fence = { start: index, body: [] };
    } else if (line.startsWith('```')) {
      const code = rewriteImports(fence.body.join('\n'), srcDir);
      examples.push({ location: `${file}:${fence.start + 1}`, code });
      fence = undefined;
    } else {
      fence.body.push(line);
    }
  });
  return examples;
}

/**
 * Finds every ```ts fence that belongs to an `@example` tag in the TSDoc comments under src/, and
 * every ```ts fence of README.md.
 */
export function collectDocExamples(root: string): DocExample[] {
  const srcDir = path.join(root, 'src');
  const examples: DocExample[] = collectMarkdownExamples(root, 'README.md', srcDir);
  for (const file of listSources(srcDir)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    let inComment = false;
    let inExample = false;
    let fence: { start: number; body: string[] } | undefined;
    for (let index = 0; index < lines.length; index += 1) {
      const raw = lines[index] ?? '';
      const trimmed = raw.trim();
      if (!inComment) {
        if (trimmed.startsWith('/**')) {
          inComment = true;
          inExample = false;
        }
        if (!inComment || trimmed.endsWith('*/')) {
          inComment = false;
          continue;
        }
        continue;
      }
      if (trimmed.endsWith('*/') && fence === undefined) {
        inComment = false;
        continue;
      }
      const text = raw.replace(/^\s*\*\s?/, '');
      if (fence !== undefined) {
        if (text.trim().startsWith('```')) {
          const code = fence.body
            .join('\n')
            .replace(SUBPATH_IMPORT, (_m, lead: string, quote: string, sub?: string) => {
              const target = path.join(
                srcDir,
                sub === undefined ? 'index.js' : `${sub.slice(1)}/index.js`,
              );
              return `${lead}${quote}${target}${quote}`;
            });
          examples.push({ location: `${path.relative(root, file)}:${fence.start + 1}`, code });
          fence = undefined;
        } else {
          fence.body.push(text);
        }
        continue;
      }
      if (text.startsWith('@')) inExample = text.startsWith('@example');
      if (inExample && /^```(ts|typescript)\s*$/.test(text.trim()))
        fence = { start: index, body: [] };
    }
  }
  return examples;
}

/** Writes each example to `<outDir>/<n>-<file>.ts` (cleaning the folder first) and returns the paths. */
export function writeDocExamples(examples: DocExample[], outDir: string): string[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return examples.map((example, index) => {
    const name = example.location.replace(/^src\//, '').replace(/[/:.]/g, '_');
    const file = path.join(outDir, `${String(index).padStart(3, '0')}-${name}.ts`);
    writeFileSync(file, `// ${example.location}\n${example.code}\nexport {};\n`);
    return file;
  });
}

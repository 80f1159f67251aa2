// Turns the READMEs' install instructions into steps, from their own code blocks, so that a
// README that drifts from what works fails the adoption test. The rules are strict: a block
// of the Install section that the test does not know how to apply is an error, not a skip.
import { readFileSync } from 'node:fs';

/** Fenced code blocks of a Markdown file, each with the headings it sits under. */
export function codeBlocks(markdown) {
  const blocks = [];
  const headings = [];
  let open;
  for (const line of markdown.split('\n')) {
    const fence = /^```(\S*)\s*$/.exec(line);
    if (open) {
      if (fence && fence[1] === '') {
        blocks.push(open);
        open = undefined;
      } else open.lines.push(line);
      continue;
    }
    if (fence) {
      open = { lang: fence[1], lines: [], headings: [...headings] };
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      headings.length = heading[1].length - 1;
      headings[heading[1].length - 1] = heading[2].trim();
    }
  }
  if (open)
    throw new Error(`unclosed code block under "${open.headings.join(' > ')}"`);
  return blocks.map(b => ({ ...b, text: b.lines.join('\n') }));
}

const under = (block, heading) => block.headings.includes(heading);

/**
 * The steps of a README's `## Install` section:
 * - `sh` blocks: each line a command run in the app's root (only `yarn` commands);
 * - `ts` blocks headed `// packages/backend/src/index.ts`: the `backend.add(...)` statements;
 * - `ts` blocks headed `// packages/app/src/App.tsx`: the imports and the `features` entries;
 * - blocks under "Legacy frontend system": not applicable to a `create-app` app of the
 *   release the repository tracks (it uses the new frontend system), so not run.
 */
export function installSteps(readmePath) {
  const blocks = codeBlocks(readFileSync(readmePath, 'utf8')).filter(b =>
    under(b, 'Install'),
  );
  if (blocks.length === 0)
    throw new Error(`${readmePath}: no code block under "## Install"`);
  const steps = [];
  for (const block of blocks) {
    const where = `${readmePath}, "${block.headings
      .filter(Boolean)
      .join(' > ')}"`;
    if (under(block, 'Legacy frontend system')) continue;
    const first = block.lines[0]?.trim() ?? '';
    if (block.lang === 'sh') {
      for (const line of block.lines.map(l => l.trim())) {
        if (!line || line.startsWith('#')) continue;
        if (!/^yarn\s/.test(line))
          throw new Error(`${where}: not a yarn command: ${line}`);
        steps.push({ kind: 'command', command: line, where });
      }
    } else if (
      /^tsx?$/.test(block.lang) &&
      first === '// packages/backend/src/index.ts'
    ) {
      const code = block.lines.slice(1).join('\n');
      const adds = code.match(/backend\.add\([\s\S]*?\)\);/g) ?? [];
      if (adds.length === 0)
        throw new Error(`${where}: no backend.add(...) in the block`);
      steps.push({ kind: 'backend-add', statements: adds, where });
    } else if (
      /^tsx?$/.test(block.lang) &&
      first === '// packages/app/src/App.tsx'
    ) {
      const code = block.lines.slice(1).join('\n');
      const imports = code.match(/^import [^;]+;$/gm) ?? [];
      const features = /features:\s*\[([^\]]*)\]/.exec(code);
      if (!features)
        throw new Error(`${where}: no features: [...] in the block`);
      const entries = features[1]
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
      steps.push({ kind: 'app-features', imports, entries, where });
    } else {
      throw new Error(
        `${where}: the adoption test does not know how to apply this ${
          block.lang || 'untyped'
        } block (first line: ${first})`,
      );
    }
  }
  return steps;
}

/** The first `yaml` block under a heading (e.g. the back end's minimum config). */
export function yamlUnder(readmePath, heading) {
  const block = codeBlocks(readFileSync(readmePath, 'utf8')).find(
    b => b.lang === 'yaml' && under(b, heading),
  );
  if (!block)
    throw new Error(`${readmePath}: no yaml block under "${heading}"`);
  return block.text;
}

/** Action ids documented as `### \`obs:...\`` headings (several per heading allowed). */
export function documentedActions(readmePath) {
  const ids = new Set();
  for (const line of readFileSync(readmePath, 'utf8').split('\n')) {
    if (!line.startsWith('### ')) continue;
    for (const m of line.matchAll(/`(obs:[a-z:-]+)`/g)) ids.add(m[1]);
  }
  if (ids.size === 0)
    throw new Error(`${readmePath}: no "### \`obs:...\`" headings`);
  return [...ids].sort();
}

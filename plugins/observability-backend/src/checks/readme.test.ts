import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCatalogue } from './catalogue';

// The check tables of the READMEs list every check of the registry, in its order,
// with its seed section (the descriptor's `seed`), and nothing else.

const tableOf = (path: string) => {
  // Test-only: reads the READMEs of the source tree.
  // eslint-disable-next-line no-restricted-syntax
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/^\| `([a-z0-9-]+)` *\| [^|]+ \| (.+?) *\|$/gm)].map(
    // Markdown escapes (prettier writes `\*`) are not part of the text.
    m => [m[1], m[2].replace(/\\([*_<>])/g, '$1')],
  );
};

describe('README check tables', () => {
  const expected = checkCatalogue().map(c => [c.id, c.seed]);
  it.each([
    ['plugin README', join(__dirname, '../../README.md')],
    ['root README', join(__dirname, '../../../../README.md')],
  ])('the %s lists every check with its seed section', (_, path) => {
    expect(tableOf(path)).toEqual(expected);
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

async function sourcesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('the embedded store stays out of Lambda', () => {
  it('no Lambda source imports node:sqlite or anything from local/', async () => {
    const offending: string[] = [];
    for (const file of await sourcesUnder('lambdas')) {
      const text = await readFile(join(ROOT, file), 'utf8');
      if (/from '(node:sqlite|(\.\.\/)+local\/[^']*)'|import\('(node:sqlite|(\.\.\/)+local\/)/.test(text)) offending.push(file);
    }

    expect(offending).toEqual([]);
  });
});

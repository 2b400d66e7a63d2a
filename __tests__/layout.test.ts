import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// The library folders ship without __tests__ (a clean install of the tool, or a bench run from
// a checkout that prunes tests): none of them may import from the tests.
const root = join(__dirname, '..');
const LIBRARY_FOLDERS = [
  'bench',
  'cli',
  'config',
  'deployment-check',
  'guard',
  'policies',
  'review',
  's3',
  'scripts',
  'stacks',
  'terraform',
];

const libraryFiles = LIBRARY_FOLDERS.flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name)),
);

describe('library code', () => {
  it('scans the library folders, the benches among them', () => {
    expect(libraryFiles.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining(['bench/backfill-bench.ts', 'bench/fault-proxy.ts']),
    );
  });

  it('imports nothing from __tests__', () => {
    const offenders = libraryFiles.flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g,
        ),
      ]
        .map((m) => m[1])
        .filter((i) => /(^|\/)__tests__(\/|$)/.test(i))
        .map((i) => `${relative(root, file)} imports ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});

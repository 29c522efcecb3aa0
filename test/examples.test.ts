import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

// The examples of the README run against the packed package: `npm pack`, unpacked into a temporary
// folder as `node_modules/latchkey`, so that what is tested is what would be published (its `files`,
// `exports` and types), not the source tree. The example's other dependencies are linked from this
// checkout's node_modules rather than installed again.

const root = resolve('.');
let folder: string;

before(() => {
  folder = mkdtempSync(join(tmpdir(), 'latchkey-examples-'));
  const tarball = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--silent', '--pack-destination', folder],
    {
      encoding: 'utf8',
    },
  ).trim();
  const modules = join(folder, 'node_modules');
  mkdirSync(join(modules, 'latchkey'), { recursive: true });
  execFileSync('tar', [
    '-xzf',
    join(folder, tarball),
    '-C',
    join(modules, 'latchkey'),
    '--strip-components=1',
  ]);
  linkDependencies(join(root, 'node_modules'), modules);
  cpSync(join(root, 'examples'), join(folder, 'examples'), { recursive: true });
});
after(() => rmSync(folder, { recursive: true, force: true }));

function linkDependencies(from: string, to: string): void {
  for (const entry of readdirSync(from)) {
    if (entry.startsWith('.') || entry === 'latchkey') continue;
    if (entry.startsWith('@')) {
      mkdirSync(join(to, entry), { recursive: true });
      for (const scoped of readdirSync(join(from, entry)))
        symlinkSync(join(from, entry, scoped), join(to, entry, scoped));
    } else {
      symlinkSync(join(from, entry), join(to, entry));
    }
  }
}

async function run(args: string[]): Promise<{ code: number; output: string }> {
  // NODE_TEST_CONTEXT would make the inner `node --test` think it runs inside this test and skip its files.
  // CI=true makes Vitest colour its output whatever the terminal; NO_COLOR keeps it plain to read.
  const { NODE_TEST_CONTEXT: _outer, FORCE_COLOR: _force, ...env } = process.env;
  const child = spawn(process.execPath, args, {
    cwd: folder,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number];
  return { code, output };
}

describe('the README examples, against the packed package', () => {
  it('the package ships its build and nothing of the source tree', () => {
    const packed = readdirSync(join(folder, 'node_modules', 'latchkey')).sort();
    assert.deepEqual(packed, ['LICENSE', 'README.md', 'bin', 'dist', 'package.json']);
  });

  it('@slack/oauth and Bolt examples pass under node:test', async () => {
    const result = await run([
      '--test',
      'examples/slack-oauth/install.test.mjs',
      'examples/bolt/install.test.mjs',
    ]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /^# pass 6$/m);
    assert.match(result.output, /^# fail 0$/m);
  });

  it('the Vitest example passes', async () => {
    const result = await run(['node_modules/vitest/vitest.mjs', 'run', '--root', 'examples/vitest']);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Tests {2}2 passed \(2\)/);
  });
});

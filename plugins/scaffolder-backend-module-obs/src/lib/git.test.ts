import { createMockDirectory } from '@backstage/backend-test-utils';
import { git, gitBuffer } from './git';

describe('git', () => {
  const dir = createMockDirectory();

  it('stops a git command that runs past its timeout, naming the config key', async () => {
    // `hash-object --stdin` waits for stdin, which is never closed here.
    await expect(
      git(['hash-object', '--stdin'], { cwd: dir.path, timeoutMs: 100 }),
    ).rejects.toThrow(
      'git hash-object timed out after 100 ms and was stopped (observability.scaffolder.gitTimeout)',
    );
  });

  it('runs git within its timeout as before', async () => {
    await expect(
      git(['hash-object', '--stdin'], {
        cwd: dir.path,
        input: 'hello\n',
        timeoutMs: 10_000,
      }),
    ).resolves.toBe('ce013625030ba8dba906f756967f9e9ca394464a\n');
    await expect(
      gitBuffer(['version'], dir.path, { timeoutMs: 10_000 }),
    ).resolves.toEqual(expect.any(Buffer));
    await expect(
      gitBuffer(['no-such-command'], dir.path, { timeoutMs: 10_000 }),
    ).rejects.toThrow(/^git no-such-command failed: /);
  });
});

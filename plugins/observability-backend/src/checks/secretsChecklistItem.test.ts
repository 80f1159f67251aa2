import { GitopsValuesSource } from '../retention/GitopsValuesSource';
import { sealedSecretsItem } from './secretsChecklistItem';

const source = (exists: GitopsValuesSource['exists']): GitopsValuesSource => ({
  describe: c => c,
  read: async () => undefined,
  exists,
});

describe('sealedSecretsItem', () => {
  it('is pending until the sealed credentials are on the base branch, naming the next step', async () => {
    const asked: string[] = [];
    const item = await sealedSecretsItem(
      'dev-02',
      source(async path => {
        asked.push(path);
        return { exists: false, url: `https://git.example/blob/main/${path}` };
      }),
    );
    expect(asked).toEqual([
      'clusters/dev-02/secrets/thanos-objstore.sealedsecret.yaml',
    ]);
    expect(item).toMatchObject({ id: 'sealed-secrets', status: 'warn' });
    expect(item.detail).toBe(
      'Secrets pending: https://git.example/blob/main/clusters/dev-02/secrets/thanos-objstore.sealedsecret.yaml is not merged yet. Once the cluster\'s Sealed Secrets controller answers, run the template "Seal cluster secrets" for dev-02.',
    );
  });

  it('is ok once they are merged', async () => {
    const item = await sealedSecretsItem(
      'dev-02',
      source(async path => ({ exists: true, url: `u/${path}` })),
    );
    expect(item).toMatchObject({
      status: 'ok',
      detail:
        'Sealed: u/clusters/dev-02/secrets/thanos-objstore.sealedsecret.yaml',
    });
  });

  it('is unknown, saying why, without a repository or when it cannot be read', async () => {
    expect(await sealedSecretsItem('dev-02', undefined)).toMatchObject({
      status: 'unknown',
      detail: expect.stringContaining('observability.gitops.repoUrl'),
    });
    expect(
      await sealedSecretsItem(
        'dev-02',
        source(async () => {
          throw new Error('401 Bad credentials');
        }),
      ),
    ).toMatchObject({
      status: 'unknown',
      detail:
        'Not evaluated: the GitOps repository could not be read (401 Bad credentials).',
    });
  });
});

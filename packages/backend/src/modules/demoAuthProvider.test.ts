import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { authProvidersExtensionPoint } from '@backstage/plugin-auth-node';
import {
  authModuleDemoProvider,
  demoAuthenticator,
  demoSignInAllowed,
  DEMO_USER_HEADER,
} from './demoAuthProvider';

type Request = Parameters<typeof demoAuthenticator.authenticate>[0]['req'];

function request(headers: Record<string, string>): Request {
  return {
    header: (name: string) => headers[name.toLocaleLowerCase()],
  } as unknown as Request;
}

describe('demoAuthenticator', () => {
  const ctx = demoAuthenticator.initialize({ config: new ConfigReader({}) });

  it.each(['alice', 'bob'])('accepts the demo user %s', async name => {
    await expect(
      demoAuthenticator.authenticate(
        { req: request({ [DEMO_USER_HEADER]: name }) },
        ctx,
      ),
    ).resolves.toEqual({ result: { userName: name } });
  });

  it.each([undefined, '', 'mallory', 'Alice', 'alice,bob', 'guest'])(
    'refuses %p',
    async name => {
      const headers: Record<string, string> =
        name === undefined ? {} : { [DEMO_USER_HEADER]: name };
      await expect(
        demoAuthenticator.authenticate({ req: request(headers) }, ctx),
      ).rejects.toThrow(/x-fleetobs-demo-user/);
    },
  );

  it('refuses everyone when disabled', async () => {
    const disabled = demoAuthenticator.initialize({
      config: new ConfigReader({ disabled: true }),
    });
    await expect(
      demoAuthenticator.authenticate(
        { req: request({ [DEMO_USER_HEADER]: 'alice' }) },
        disabled,
      ),
    ).rejects.toThrow(/disabled/);
  });
});

describe('authModuleDemoProvider', () => {
  async function registered(data: object) {
    const registerProvider = jest.fn();
    await startTestBackend({
      extensionPoints: [[authProvidersExtensionPoint, { registerProvider }]],
      features: [
        authModuleDemoProvider,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    return registerProvider.mock.calls.map(([options]) => options.providerId);
  }

  it('registers the demo provider only when auth.providers.demo is configured', async () => {
    const development = { environment: 'development' };
    expect(
      await registered({ auth: { ...development, providers: { demo: {} } } }),
    ).toEqual(['demo']);
    expect(
      await registered({ auth: { ...development, providers: { guest: {} } } }),
    ).toEqual([]);
    expect(await registered({ auth: development })).toEqual([]);
    expect(await registered({})).toEqual([]);
  });

  // An allow-list: only `development`, spelled exactly; unset is refused too.
  it.each([
    ['development', ['demo']],
    ['production', []],
    ['staging', []],
    ['prod', []],
    ['dev', []],
    ['Development', []],
    [' development', []],
    [undefined, []],
  ])('with auth.environment %p registers %p', async (environment, expected) => {
    expect(
      await registered({
        auth: {
          ...(environment === undefined ? {} : { environment }),
          providers: { demo: {} },
        },
      }),
    ).toEqual(expected);
  });

  it('never registers it where NODE_ENV is production', async () => {
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(
        await registered({
          auth: { environment: 'development', providers: { demo: {} } },
        }),
      ).toEqual([]);
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });
});

describe('demoSignInAllowed', () => {
  it.each([
    ['development', 'test', true],
    ['development', 'development', true],
    ['development', undefined, true],
    ['development', 'production', false],
    ['production', 'development', false],
    ['staging', 'development', false],
    ['prod', 'development', false],
    [undefined, 'development', false],
  ])(
    'auth.environment %p, NODE_ENV %p: %p',
    (environment, nodeEnv, allowed) => {
      const config = new ConfigReader(
        environment === undefined ? {} : { auth: { environment } },
      );
      expect(demoSignInAllowed(config, nodeEnv).allowed).toBe(allowed);
    },
  );
});

import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { authProvidersExtensionPoint } from '@backstage/plugin-auth-node';
import {
  authModuleDemoProvider,
  demoAuthenticator,
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
    expect(await registered({ auth: { providers: { demo: {} } } })).toEqual([
      'demo',
    ]);
    expect(await registered({ auth: { providers: { guest: {} } } })).toEqual(
      [],
    );
    expect(await registered({})).toEqual([]);
  });

  it('never registers it in production', async () => {
    expect(
      await registered({
        auth: { environment: 'production', providers: { demo: {} } },
      }),
    ).toEqual([]);
  });
});

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The request header that names the demo user to sign in as. */
export const DEMO_USER_HEADER = 'x-fleetobs-demo-user';

/** The demo catalog users (examples/catalog/org.yaml) one may sign in as. */
export const DEMO_USERS = ['alice', 'bob'] as const;

export type DemoUserResult = { userName: string };

/**
 * LOCAL DEMO ONLY: "signs in" whoever names a demo user in the
 * `x-fleetobs-demo-user` header, with no password. It exists so that the demo
 * can show flows between two people (file a request as alice, approve it as
 * bob). Refused where `auth.environment` is `production`.
 */
export const demoAuthenticator = createProxyAuthenticator<
  { disabled: boolean },
  DemoUserResult,
  undefined
>({
  // The display name of the catalog user, e.g. "Alice (platform engineer)".
  defaultProfileTransform: async (result, ctx) => {
    const { entity } = await ctx.findCatalogUser({
      entityRef: `user:default/${result.userName}`,
    });
    const profile = (entity.spec?.profile ?? {}) as { displayName?: string };
    return {
      profile: { displayName: profile.displayName ?? result.userName },
    };
  },
  initialize({ config }) {
    return {
      disabled: config.getOptionalBoolean('disabled') === true,
    };
  },
  async authenticate({ req }, ctx) {
    if (ctx.disabled) {
      throw new NotAllowedError('The demo sign-in is disabled');
    }
    const userName = req.header(DEMO_USER_HEADER)?.trim();
    if (!userName || !(DEMO_USERS as readonly string[]).includes(userName)) {
      throw new InputError(
        `Demo sign-in needs the ${DEMO_USER_HEADER} header set to one of: ${DEMO_USERS.join(
          ', ',
        )}`,
      );
    }
    return { result: { userName } };
  },
});

/**
 * Auth provider `demo`, registered only when `auth.providers.demo` is
 * configured (app-config.demo.yaml) and never when `auth.environment` is
 * `production`.
 */
export const authModuleDemoProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ providers, config, logger }) {
        if (!config.has('auth.providers.demo')) {
          return;
        }
        if (config.getOptionalString('auth.environment') === 'production') {
          logger.warn(
            'auth.providers.demo is ignored where auth.environment is production',
          );
          return;
        }
        logger.warn(
          `Demo sign-in enabled: anyone can sign in as ${DEMO_USERS.join(
            ' or ',
          )} (local demo only)`,
        );
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoAuthenticator,
            async signInResolver({ result }, ctx) {
              return ctx.signInWithCatalogUser({
                entityRef: `user:default/${result.userName}`,
              });
            },
          }),
        });
      },
    });
  },
});

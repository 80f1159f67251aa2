import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
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
 * bob). Only where `auth.environment` is `development` (see
 * {@link demoSignInAllowed}).
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
 * Whether the demo sign-in may exist: an allow-list, not a deny-list. It needs
 * `auth.environment` set to exactly `development` (app-config.demo.yaml sets it);
 * any other value (`production`, `staging`, `prod`, `Development`, ...) and an
 * unset `auth.environment` refuse it. (Unset is not taken as `development`: the
 * auth back end has no default for it, and the front end's OAuth clients default
 * to `development` only to pick a provider's config block.) It is refused too
 * when the process runs with `NODE_ENV=production` (the portal's image sets it),
 * whatever the config says.
 */
export function demoSignInAllowed(
  config: Config,
  nodeEnv: string | undefined = process.env.NODE_ENV,
): { allowed: boolean; reason: string } {
  const environment = config.getOptionalString('auth.environment');
  if (environment !== 'development') {
    return {
      allowed: false,
      reason: `auth.environment is ${
        environment === undefined ? 'not set' : `'${environment}'`
      }, not 'development'`,
    };
  }
  if (nodeEnv === 'production') {
    return { allowed: false, reason: 'NODE_ENV is production' };
  }
  return { allowed: true, reason: "auth.environment is 'development'" };
}

/**
 * Auth provider `demo`, registered only when `auth.providers.demo` is
 * configured (app-config.demo.yaml) and {@link demoSignInAllowed} says so.
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
        const { allowed, reason } = demoSignInAllowed(config);
        if (!allowed) {
          logger.warn(`auth.providers.demo is ignored: ${reason}`);
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

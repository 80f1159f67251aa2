import { SignInPage } from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  SignInPageProps,
} from '@backstage/plugin-app-react';

const github = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in using GitHub',
  apiRef: githubAuthApiRef,
};

// Guest sign-in for the local demo; GitHub where the back end runs with
// `auth.environment: production` (app-config.production.yaml).
function FleetSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const production =
    configApi.getOptionalString('auth.environment') === 'production';
  return (
    <SignInPage
      {...props}
      title="Fleet Observability"
      align="center"
      providers={production ? [github] : ['guest']}
    />
  );
}

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => FleetSignInPage },
    }),
  ],
});

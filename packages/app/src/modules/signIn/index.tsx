import { useState } from 'react';
import {
  InfoCard,
  ProxiedSignInPage,
  SignInPage,
} from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  IdentityApi,
  useApi,
} from '@backstage/core-plugin-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  SignInPageProps,
} from '@backstage/plugin-app-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';

const github = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in using GitHub',
  apiRef: githubAuthApiRef,
};

/** The request header that the back end's `demo` auth provider reads. */
export const DEMO_USER_HEADER = 'x-fleetobs-demo-user';
/** Remembers the chosen demo user across reloads, until sign-out. */
export const DEMO_USER_STORAGE_KEY = 'fleetobs:demoUser';

function storedDemoUser(demoUsers: string[]): string | undefined {
  try {
    const stored = window.localStorage.getItem(DEMO_USER_STORAGE_KEY);
    return stored && demoUsers.includes(stored) ? stored : undefined;
  } catch {
    return undefined;
  }
}

function forgetDemoUser() {
  try {
    window.localStorage.removeItem(DEMO_USER_STORAGE_KEY);
  } catch {
    // nothing remembered
  }
}

// Signing out forgets the chosen demo user, so the sign-in page shows again.
function forgettingDemoUser(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      forgetDemoUser();
      await identity.signOut();
    },
  };
}

function DemoUsersChoice(props: {
  demoUsers: string[];
  onChoose: (name: string) => void;
}) {
  return (
    <Box marginBottom={2} display="flex" justifyContent="center">
      <InfoCard title="Demo users" variant="fullHeight">
        <Typography variant="body2" gutterBottom>
          Local demo only: sign in as a user of the demo catalog.
        </Typography>
        <Box display="flex" justifyContent="center" style={{ gap: 8 }}>
          {props.demoUsers.map(name => (
            <Button
              key={name}
              color="primary"
              variant="outlined"
              onClick={() => props.onChoose(name)}
            >
              Sign in as {name}
            </Button>
          ))}
        </Box>
      </InfoCard>
    </Box>
  );
}

// Guest sign-in for the local demo, plus the demo users of `app.demoUsers`
// (app-config.demo.yaml) through the back end's `demo` proxy provider, which exists
// only where `auth.environment` is `development` (the same allow-list as the back
// end's); GitHub where the back end runs with `auth.environment: production`
// (app-config.production.yaml).
function FleetSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const environment = configApi.getOptionalString('auth.environment');
  const production = environment === 'production';
  const demoUsers =
    environment === 'development'
      ? configApi.getOptionalStringArray('app.demoUsers') ?? []
      : [];
  const [demoUser, setDemoUser] = useState(() => storedDemoUser(demoUsers));

  if (demoUser) {
    return (
      <ProxiedSignInPage
        {...props}
        provider="demo"
        headers={{ [DEMO_USER_HEADER]: demoUser }}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgettingDemoUser(identity))
        }
        ErrorComponent={({ error }) => (
          <Box padding={4}>
            <Typography variant="h6" gutterBottom>
              Could not sign in as {demoUser}
            </Typography>
            <Typography variant="body2" gutterBottom>
              {error?.message}
            </Typography>
            <Button
              variant="outlined"
              onClick={() => {
                forgetDemoUser();
                setDemoUser(undefined);
              }}
            >
              Back to sign-in
            </Button>
          </Box>
        )}
      />
    );
  }

  return (
    <SignInPage
      {...props}
      title="Fleet Observability"
      align="center"
      titleComponent={
        demoUsers.length > 0 ? (
          <Box>
            <Typography variant="h4" component="h2" align="center" gutterBottom>
              Fleet Observability
            </Typography>
            <DemoUsersChoice
              demoUsers={demoUsers}
              onChoose={name => {
                try {
                  window.localStorage.setItem(DEMO_USER_STORAGE_KEY, name);
                } catch {
                  // not remembered across reloads
                }
                setDemoUser(name);
              }}
            />
          </Box>
        ) : undefined
      }
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

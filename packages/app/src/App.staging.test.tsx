import { render, screen } from '@testing-library/react';
import App from './App';

// The demo users sign in through the back end's `demo` provider, which exists only
// where `auth.environment` is `development`: anywhere else the page does not offer them,
// even when `app.demoUsers` is configured. (A file of its own: the app reads its config
// once per module instance.)
describe('App outside development', () => {
  it('does not offer the demo users when auth.environment is staging', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Fleet Observability', demoUsers: ['alice', 'bob'] },
            backend: { baseUrl: 'http://localhost:7007' },
            auth: { environment: 'staging' },
          },
          context: 'test',
        },
      ] as any,
    };
    render(App.createRoot());
    expect(await screen.findByRole('button', { name: 'Enter' })).toBeVisible();
    expect(
      screen.queryByRole('button', { name: 'Sign in as alice' }),
    ).toBeNull();
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import App from './App';

// The local demo's sign-in (app-config.demo.yaml): guest plus one choice per demo
// user, which signs in through the back end's `demo` provider. The app reads its
// config once per module instance, hence a file of its own.
describe('App in the local demo', () => {
  afterEach(() => {
    window.localStorage.clear();
    jest.restoreAllMocks();
  });

  it('offers guest and each demo user, and signs in as the chosen one', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Fleet Observability', demoUsers: ['alice', 'bob'] },
            backend: { baseUrl: 'http://localhost:7007' },
            auth: { environment: 'development' },
          },
          context: 'test',
        },
      ] as any,
    };
    const fetchMock = jest.fn(
      async (_url: RequestInfo | URL, _init?: RequestInit) =>
        new Response(JSON.stringify({ error: { message: 'not in a test' } }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        }),
    );
    global.fetch = fetchMock as typeof fetch;

    render(App.createRoot());
    expect(await screen.findByRole('button', { name: 'Enter' })).toBeVisible();
    expect(
      screen.getByRole('button', { name: 'Sign in as alice' }),
    ).toBeVisible();
    expect(
      screen.getByRole('button', { name: 'Sign in as bob' }),
    ).toBeVisible();
    expect(screen.queryByText('Sign in using GitHub')).toBeNull();

    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in as bob' }),
    );
    expect(await screen.findByText('Could not sign in as bob')).toBeVisible();
    const refresh = fetchMock.mock.calls.find(([url]) =>
      String(url).includes('/api/auth/demo/refresh'),
    );
    expect(refresh).toBeDefined();
    expect(new Headers(refresh![1]?.headers).get('x-fleetobs-demo-user')).toBe(
      'bob',
    );
    expect(window.localStorage.getItem('fleetobs:demoUser')).toBe('bob');

    await userEvent.click(
      screen.getByRole('button', { name: 'Back to sign-in' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Sign in as alice' }),
    ).toBeVisible();
    expect(window.localStorage.getItem('fleetobs:demoUser')).toBeNull();
  });
});

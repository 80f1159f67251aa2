import { render, screen } from '@testing-library/react';
import App from './App';

// The app reads its config once per module instance; the production sign-in is in
// App.production.test.tsx.
describe('App', () => {
  it('offers guest sign-in locally', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Fleet Observability' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    render(App.createRoot());
    expect(await screen.findByRole('button', { name: 'Enter' })).toBeVisible();
    expect(screen.queryByText('Sign in using GitHub')).toBeNull();
  });
});

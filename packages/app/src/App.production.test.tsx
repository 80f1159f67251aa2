import { render, screen } from '@testing-library/react';
import App from './App';

describe('App in production', () => {
  it('offers GitHub, not guest, when auth.environment is production', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Fleet Observability' },
            backend: { baseUrl: 'http://localhost:7007' },
            auth: { environment: 'production' },
          },
          context: 'test',
        },
      ] as any,
    };
    render(App.createRoot());
    expect(await screen.findByText('Sign in using GitHub')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });
});

// The staff API's configuration: rate limits, OIDC and webhook variables, validated at start-up.
import { ConfigError, loadConfig } from '../../api/config';

describe('Staff API configuration', () => {
  test('When nothing is set, then generous rate limits apply and neither OIDC nor the webhook is on', () => {
    const config = loadConfig({});

    expect(config.staffApi).toEqual({ rateLimit: { perIpPerMinute: 1200, perKeyPerMinute: 600 }, exportsPerStaff: 2, oidc: undefined, webhook: undefined });
  });

  test('When OIDC and the webhook are configured, then they are parsed', () => {
    const config = loadConfig({
      OIDC_ISSUER: 'https://auth.example.gouv.fr/api/v2',
      OIDC_AUDIENCE: 'client-id',
      WEBHOOK_URL: 'https://hooks.example.fr/ti',
      WEBHOOK_SECRET: 'sixteen-chars-min!',
      WEBHOOK_MAX_ATTEMPTS: '3',
    });

    expect(config.staffApi.oidc).toEqual({ issuer: 'https://auth.example.gouv.fr/api/v2', audience: 'client-id', jwksUri: undefined, emailClaim: 'email' });
    expect(config.staffApi.webhook).toEqual({ url: 'https://hooks.example.fr/ti', secret: 'sixteen-chars-min!', maxAttempts: 3 });
  });

  test.each([
    [{ WEBHOOK_URL: 'https://hooks.example.fr/ti' }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URL: 'ftp://hooks.example.fr', WEBHOOK_SECRET: 'sixteen-chars-min!' }, 'WEBHOOK_URL'],
    [{ WEBHOOK_URL: 'https://hooks.example.fr', WEBHOOK_SECRET: 'court' }, 'WEBHOOK_SECRET'],
    [{ OIDC_ISSUER: 'https://auth.example.gouv.fr' }, 'OIDC_AUDIENCE'],
    [{ OIDC_AUDIENCE: 'client-id' }, 'OIDC_ISSUER'],
    [{ STAFF_RATE_LIMIT_PER_KEY: '0' }, 'STAFF_RATE_LIMIT_PER_KEY'],
  ])('When the environment is %j, then start-up stops naming %s, without echoing the secret', (environment, variable) => {
    let error: unknown;
    try {
      loadConfig(environment);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.some((problem) => problem.startsWith(`${variable}:`))).toBe(true);
    expect((error as ConfigError).message).not.toContain('court');
  });
});

// Issue 15, F17: the public JSON routes answer with nosniff and a CSP that renders nothing, and the FAQ has a rate limit.
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ faqRateLimitPerMinute: 5 });
});

afterAll(async () => {
  await app.close();
});

const ask = (question: unknown) => fetch(`${app.url}/api/faq`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });

describe('Public routes', () => {
  test.each([
    ['GET /healthz', () => fetch(`${app.url}/healthz`)],
    ['POST /api/faq', () => ask('Qui signe un CTAI ?')],
    ['POST /v3/directline/tokens/generate without a token', () => fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST' })],
    ['GET /v3/directline/conversations/x/activities without a token', () => fetch(`${app.url}/v3/directline/conversations/x/activities`)],
    ['a route that does not exist', () => fetch(`${app.url}/api/inexistant`)],
    ['a path that does not exist under /v3/directline', () => fetch(`${app.url}/v3/directline/rien`)],
  ])('When %s is answered, then it carries nosniff and a default-src none CSP', async (_label, request) => {
    const response = await request();
    await response.text();

    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });

  test('When the widget page is served, then it keeps its own policy', async () => {
    const response = await fetch(`${app.url}/`);
    await response.text();

    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  test('When one address asks more FAQ questions than its limit in a minute, then the next get a 429 in French', async () => {
    const statuses: number[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 8; i += 1) {
      const response = await ask('');
      statuses.push(response.status);
      last = (await response.json()) as Record<string, unknown>;
    }

    // 5 allowed in all (the one of the headers test included), then refused.
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
    expect(statuses.at(-1)).toBe(429);
    expect(last).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: 'Trop de requêtes : réessayez dans un instant.' } });
  });
});

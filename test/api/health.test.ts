import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('GET /healthz and unknown routes', () => {
  test('When the database answers, then health is 200 ok and names the database', async () => {
    const response = await fetch(`${app.url}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: app.testDatabase.embedded ? 'embedded' : 'mongodb' });
  });

  test('When a route does not exist, then the answer is a JSON 404 with a French message', async () => {
    const response = await fetch(`${app.url}/nulle-part?x=1`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: expect.stringContaining('n’existe pas'), details: { method: 'GET', path: '/nulle-part' } },
    });
  });

  test('When the database is down, then health is 503, and 200 again once it is back', async () => {
    if (!app.testDatabase.embedded) return expect(app.testDatabase.embedded).toBe(false);
    await app.testDatabase.stop();

    const down = await fetch(`${app.url}/healthz`);
    await app.testDatabase.start();
    const up = await waitForHealth(app.url);

    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable' });
    expect(up).toBe(200);
  });
});

async function waitForHealth(url: string): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 40 && status !== 200; attempt += 1) {
    status = (await fetch(`${url}/healthz`)).status;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return status;
}

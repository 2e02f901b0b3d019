import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

async function ask(body: unknown, contentType = 'application/json') {
  const response = await fetch(`${app.url}/api/faq`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/faq', () => {
  test('When the question is in the base, then the answer is cited from it', async () => {
    const { status, body } = await ask({ question: 'Qui signe un CTAI ?' });

    expect(status).toBe(200);
    expect(body.answered).toBe(true);
    expect(String(body.answer)).toMatch(/préfets?/i);
    expect(body.sources).toEqual(expect.arrayContaining([expect.objectContaining({ id: expect.any(String), title: expect.any(String), excerpt: expect.any(String) })]));
  });

  test('When the base cannot answer, then answered is false with a pointer to the prefecture', async () => {
    const { status, body } = await ask({ question: 'Quelle est la date limite de dépôt des dossiers ?' });

    expect(status).toBe(200);
    expect(body.answered).toBe(false);
    expect(String(body.answer)).toMatch(/préfecture/i);
  });

  test('When an eligibility question is asked over HTTP, then the answer opens on its verdict and cites the seed', async () => {
    const { status, body } = await ask({ question: 'Une communauté de communes peut-elle signer un CTAI ?' });

    expect(status).toBe(200);
    expect(body.answered).toBe(true);
    expect(String(body.answer)).toMatch(/^Non\b/);
    expect(String(body.answer)).toContain('PTAI');
    expect(body.sources).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'texte-de-reference#ctai-signataires' })]));
  });

  test('When an off-topic question is asked over HTTP, then it is declined without a pointer to the prefecture', async () => {
    const { body } = await ask({ question: 'Comment faire une pâte à crêpes ?' });

    expect(body.answered).toBe(false);
    expect(String(body.answer)).not.toMatch(/préfecture/);
  });

  test.each([
    ['an empty question', { question: '' }, 'vide'],
    ['a blank question', { question: '   ' }, 'vide'],
    ['a question of 1,001 characters', { question: 'x'.repeat(1001) }, 'trop longue'],
    ['a number', { question: 42 }, 'texte'],
    ['a MongoDB operator', { question: { $gt: '' } }, 'texte'],
    ['no question', {}, 'question'],
    ['an unknown field', { question: 'Qui signe ?', extra: true }, 'extra'],
    ['an array', [1, 2], ''],
  ])('When the body holds %s, then the answer is 400 with a reason', async (_label, payload, reason) => {
    const { status, body } = await ask(payload);

    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('VALIDATION_FAILED');
    expect(JSON.stringify(body)).toContain(reason);
  });

  test('When the body is not JSON, then the answer is 400', async () => {
    const { status, body } = await ask('{question:', 'application/json');

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
  });
});

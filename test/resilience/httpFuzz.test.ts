// Every HTTP route against random and malformed input: never a 500, MongoDB operators never reach a
// query, and bodies over each route's cap get 413.
import fc from 'fast-check';
import { call as staffCall, staffKey, submittedDossier } from '../api/staffApiSupport';
import { buildActivity, postExpectingReplies } from '../support/activities';
import { startTestApp, type TestApp } from '../support/testApp';
import { WidgetUser } from './resilienceSupport';

const SEED = 20_260_802;
const RUNS = 60;

let app: TestApp;
let key: string;
let reference: string;
/** Several widget users, so the fuzzing stays under each user's rate limit. */
let widgets: WidgetUser[];

beforeAll(async () => {
  app = await startTestApp();
  key = await staffKey(app.staffAccounts, 'admin');
  reference = (await submittedDossier(app.repository)).reference;
  widgets = await Promise.all(Array.from({ length: 4 }, async () => {
    const widget = await WidgetUser.arrive(app.url);
    await widget.start();
    return widget;
  }));
});

afterAll(async () => {
  await app.close();
});

interface Sent {
  status: number;
  contentType: string;
  text: string;
}

async function send(method: string, path: string, options: { body?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Sent> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${app.url}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** An answer a client can act on: no server error, and errors explained in JSON. */
function expectHandled(sent: Sent): void {
  expect(sent.status).toBeLessThan(500);
  if (sent.status >= 400) expect(sent.contentType).toMatch(/application\/json/);
}

const body = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
  { weight: 2, arbitrary: fc.constantFrom('{', '{"type":', '[]', 'null', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '{"a":1}{"a":2}') },
  {
    weight: 3,
    arbitrary: fc
      .record({ type: fc.oneof(fc.constantFrom('message', 'event', 'typing', 'conversationUpdate', 'invoke'), fc.jsonValue()), text: fc.oneof(fc.string(), fc.jsonValue()), value: fc.jsonValue(), from: fc.jsonValue(), conversation: fc.jsonValue(), locale: fc.jsonValue(), channelData: fc.jsonValue() }, { requiredKeys: [] })
      .map((value) => JSON.stringify(value)),
  },
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin-9');
const pathSegment = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', 'TI-2026-00001', '$gt', '%7B%22%24gt%22%3A%22%22%7D')).map((text) => encodeURIComponent(text).replace(/%25/g, '%'));
const query = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('status', 'q', 'page', 'limit', 'sort', 'status[$ne]', 'q[$regex]', 'departement', 'watermark')), fc.string({ maxLength: 30 })).map((entries) => new URLSearchParams(entries).toString());

describe('Random input on every route', () => {
  test('When /api/messages and /api/faq get random bodies, then the answer is never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        expectHandled(await send('POST', '/api/messages', { body: payload, contentType: type }));
        expectHandled(await send('POST', '/api/faq', { body: payload, contentType: type }));
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  test('When the Direct Line routes get random bodies, paths and watermarks, then the answer is never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, pathSegment, fc.string({ maxLength: 20 }), fc.nat(3), async (payload, type, segment, watermark, index) => {
        const widget = widgets[index] ?? widgets[0]!;
        const auth = { authorization: `Bearer ${widget.token}` };
        const conversation = `/v3/directline/conversations/${widget.conversationId}`;
        expectHandled(await send('POST', `${conversation}/activities`, { body: payload, contentType: type, headers: auth }));
        expectHandled(await send('GET', `${conversation}/activities?watermark=${encodeURIComponent(watermark)}`, { headers: auth }));
        expectHandled(await send('GET', `/v3/directline/conversations/${segment}/activities`, { headers: auth }));
        expectHandled(await send('POST', `/v3/directline/conversations/${segment}/activities`, { body: payload, contentType: type, headers: auth }));
        expectHandled(await send('POST', '/v3/directline/tokens/generate', { body: payload, contentType: type, headers: auth }));
        expectHandled(await send('POST', '/v3/directline/conversations', { body: payload, contentType: type, headers: auth }));
        expectHandled(await send('POST', '/v3/directline/tokens/refresh', { body: payload, contentType: type, headers: { authorization: `Bearer ${segment}` } }));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('When the staff API gets random queries, references, bodies and If-Match headers with a valid key, then the answer is never a 500', async () => {
    const auth = { authorization: `Bearer ${key}` };
    await fc.assert(
      fc.asyncProperty(body, contentType, pathSegment, query, fc.string({ maxLength: 12 }), async (payload, type, segment, search, ifMatch) => {
        expectHandled(await send('GET', `/api/dossiers?${search}`, { headers: auth }));
        expectHandled(await send('GET', `/api/dossiers/export.csv?${search}`, { headers: auth }));
        expectHandled(await send('GET', `/api/dossiers/${segment}`, { headers: auth }));
        expectHandled(await send('GET', `/api/dossiers/${segment}.pdf`, { headers: auth }));
        expectHandled(await send('POST', `/api/dossiers/${reference}/transitions`, { body: payload, contentType: type, headers: { ...auth, 'if-match': ifMatch.replace(/[^\x20-\x7e]/g, '') } }));
        expectHandled(await send('POST', `/api/dossiers/${reference}/notes`, { body: payload, contentType: type, headers: auth }));
        expectHandled(await send('POST', `/api/dossiers/${segment}/transitions`, { body: payload, contentType: type, headers: { ...auth, 'if-match': '"1"' } }));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('Malformed addresses', () => {
  test('When a path parameter cannot be decoded, then the answer is a 400 in French, not a 500', async () => {
    const widget = widgets[2]!;

    const answers = await Promise.all([
      send('GET', '/v3/directline/conversations/%/activities', { headers: { authorization: `Bearer ${widget.token}` } }),
      send('GET', '/api/dossiers/%E0%A4%A', { headers: { authorization: `Bearer ${key}` } }),
    ]);

    expect(answers.map((answer) => answer.status)).toEqual([400, 400]);
    for (const answer of answers) expect(JSON.parse(answer.text)).toEqual({ error: { code: 'MALFORMED_URL', message: expect.stringContaining('mal formée') } });
  });
});

describe('MongoDB operators in input', () => {
  test('When an activity on /api/messages names its user, conversation or channel with an operator, then it is refused with 400 and no other user’s draft is read', async () => {
    const victim = { id: 'victim-of-operators' };
    const draft = await app.repository.createDraft({ channel: 'test', userId: victim.id });
    const attacks = [
      buildActivity({ text: 'reprendre', from: { id: { $gt: '' } } }),
      buildActivity({ text: 'reprendre', from: { id: 'attacker', aadObjectId: { $ne: null } } }),
      buildActivity({ text: 'reprendre', conversation: { id: { $regex: '.*' } } }),
      buildActivity({ text: 'reprendre', channelId: { $in: ['test'] } }),
      buildActivity({ text: { $where: 'sleep(1000)' } }),
    ];

    const answers = await Promise.all(attacks.map((activity) => send('POST', '/api/messages', { body: JSON.stringify(activity) })));

    expect(answers.map((answer) => answer.status)).toEqual(attacks.map(() => 400));
    for (const answer of answers) expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'La requête est invalide.' } });
    expect(answers.map((answer) => answer.text).join('')).not.toContain(draft.reference);
  });

  test('When operators come as text or values, then they are plain data: echoed as typed and never matched against anything', async () => {
    const victim = await app.repository.createDraft({ channel: 'test', userId: 'another-victim' });
    const widget = widgets[0]!;
    const typed = '{"$gt": ""}';

    const replies = await postExpectingReplies(app.url, buildActivity({ text: typed, value: { $gt: '' }, from: { id: 'someone-else' } }));
    const post = await widget.post(typed);
    const feed = await widget.poll();
    const faq = await staffCall(app.url, '/api/faq', { body: { question: { $gt: '' } } });
    const list = await staffCall(app.url, '/api/dossiers?q[$regex]=.*', { key });

    expect(replies.length).toBeGreaterThan(0);
    expect(JSON.stringify(replies)).not.toContain(victim.reference);
    expect(post.status).toBe(200);
    expect(feed.find((activity) => activity.from.role === 'user')?.text).toBe(typed);
    expect(faq.status).toBe(400);
    expect(list.status).toBe(400);
  });
});

describe('Bodies over the cap', () => {
  test('When a body is over its route’s cap, then every route answers 413 in the catalogue’s format', async () => {
    const widget = widgets[1]!;
    const auth = { authorization: `Bearer ${widget.token}` };
    const staff = { authorization: `Bearer ${key}` };
    const oversized = (kilobytes: number) => JSON.stringify({ type: 'message', text: 'x', channelData: { padding: 'x'.repeat(kilobytes * 1024) } });
    const routes: Array<[string, string, number, Record<string, string>]> = [
      ['POST', '/api/messages', 300, {}],
      ['POST', '/api/faq', 20, {}],
      ['POST', '/v3/directline/tokens/generate', 70, auth],
      ['POST', '/v3/directline/conversations', 70, auth],
      ['POST', `/v3/directline/conversations/${widget.conversationId}/activities`, 70, auth],
      ['POST', `/api/dossiers/${reference}/transitions`, 70, { ...staff, 'if-match': '"1"' }],
      ['POST', `/api/dossiers/${reference}/notes`, 70, staff],
    ];

    const answers = await Promise.all(routes.map(([method, path, kilobytes, headers]) => send(method, path, { body: oversized(kilobytes), headers })));

    expect(answers.map((answer) => answer.status)).toEqual(routes.map(() => 413));
    for (const answer of answers) expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('volumineux') } });
  });
});

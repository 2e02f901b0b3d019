// The status-change webhook, delivered to a real local receiver: signature, retries with back-off, never blocking.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { StatusChangeEvent } from '../../api/dossiers/dossierService';
import { createStatusWebhook, type StatusWebhook } from '../../api/webhooks/statusWebhook';
import { buildDossier } from '../dossiers/buildDossier';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, staffKey, submittedDossier } from './staffApiSupport';

const SECRET = 'un-secret-de-test-assez-long';
const silent = pino({ level: 'silent' });

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A webhook receiver on 127.0.0.1 that answers each delivery with the next planned status (200 once the plan is used up). */
class Receiver {
  readonly deliveries: Delivery[] = [];
  plan: number[] = [];
  /** When set, answers wait for it. */
  hold: Promise<void> | undefined;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        this.deliveries.push({ headers: req.headers, raw });
        const status = this.plan.shift() ?? 200;
        void (this.hold ?? Promise.resolve()).then(() => res.writeHead(status).end());
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/hooks/dossiers`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

let receiver: Receiver;
let delays: number[];

function webhookTo(url: string, maxAttempts = 4): StatusWebhook {
  return createStatusWebhook({
    config: { url, secret: SECRET, maxAttempts },
    logger: silent,
    baseDelayMs: 1000,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

beforeEach(async () => {
  receiver = new Receiver();
  await receiver.start();
  delays = [];
});

afterEach(async () => {
  await receiver.stop();
});

describe('Status-change webhook through the API', () => {
  let app: TestApp;
  let webhook: StatusWebhook;
  let key: string;

  beforeEach(async () => {
    webhook = webhookTo(receiver.url);
    app = await startTestApp({ statusListeners: [webhook.listener] });
    key = await staffKey(app.staffAccounts, 'instructeur', ['69']);
  });

  afterEach(async () => {
    await app.close();
  });

  test('When staff change a status, then the receiver gets the change as JSON signed with an HMAC of the raw body', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key, body: { to: 'under_review', comment: 'Pris en charge.' }, headers: { 'if-match': String(dossier.version) } });
    await webhook.idle();

    expect(response.status).toBe(200);
    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    const expected = `sha256=${createHmac('sha256', SECRET).update(delivery?.raw ?? '').digest('hex')}`;
    expect(delivery?.headers['x-signature']).toBe(expected);
    expect(delivery?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(delivery?.raw ?? '{}')).toEqual({
      id: delivery?.headers['x-webhook-id'],
      event: 'dossier.status_changed',
      reference: dossier.reference,
      from: 'submitted',
      to: 'under_review',
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      departement: '69',
      scheme: 'CTAI',
      comment: 'Pris en charge.',
    });
  });

  test('When the receiver is slow, then the staff member gets the answer without waiting for it', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    let release: () => void = () => undefined;
    receiver.hold = new Promise<void>((resolve) => (release = resolve));

    const response = await call(app.url, `/api/dossiers/${dossier.reference}/transitions`, { key, body: { to: 'under_review' }, headers: { 'if-match': String(dossier.version) } });

    expect(response.status).toBe(200);
    release();
    await webhook.idle();
    expect(receiver.deliveries).toHaveLength(1);
  });
});

describe('Status-change webhook deliveries', () => {
  const event: StatusChangeEvent = {
    dossier: buildDossier({ status: 'accepted' }),
    from: 'under_review',
    to: 'accepted',
    at: new Date('2026-03-05T10:00:00Z'),
    by: { kind: 'staff', id: 'abc' },
  };

  test('When the receiver fails twice, then the same delivery is retried with doubling delays until it succeeds', async () => {
    receiver.plan = [500, 503, 200];
    const webhook = webhookTo(receiver.url);

    webhook.listener(event);
    await webhook.idle();

    expect(receiver.deliveries).toHaveLength(3);
    expect(new Set(receiver.deliveries.map((delivery) => delivery.headers['x-webhook-id'])).size).toBe(1);
    expect(new Set(receiver.deliveries.map((delivery) => delivery.raw)).size).toBe(1);
    expect(delays).toEqual([1000, 2000]);
  });

  test('When the receiver keeps failing, then the delivery stops after the configured number of attempts', async () => {
    receiver.plan = [500, 500, 500, 500, 500, 500];
    const webhook = webhookTo(receiver.url, 4);

    webhook.listener(event);
    await webhook.idle();

    expect(receiver.deliveries).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  test('When the receiver refuses the request with a 4xx, then it is not sent again', async () => {
    receiver.plan = [400];
    const webhook = webhookTo(receiver.url);

    webhook.listener(event);
    await webhook.idle();

    expect(receiver.deliveries).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  test('When the receiver is unreachable, then the delivery is retried and then abandoned without throwing', async () => {
    const url = receiver.url;
    await receiver.stop();
    const webhook = webhookTo(url, 3);

    webhook.listener(event);
    await webhook.idle();

    expect(delays).toEqual([1000, 2000]);
    receiver = new Receiver();
    await receiver.start();
  });
});

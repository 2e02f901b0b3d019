// Review finding F9: the webhook tells every status change, the applicant's included, and a delivery
// waiting for a retry survives a restart (it waits in MongoDB, not in memory).
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createStatusWebhook, type StatusWebhook } from '../../api/webhooks/statusWebhook';
import { submittedDossier, valueOf } from '../api/staffApiSupport';
import { startTestApp, type TestApp } from '../support/testApp';
import { waitFor } from './resilienceSupport';

const SECRET = 'un-secret-de-test-assez-long';
const silent = pino({ level: 'silent' });

interface Received {
  id: string;
  body: { reference: string; from: string; to: string };
}

/** A receiver on 127.0.0.1 answering each delivery with `status()`. */
async function startReceiver(): Promise<{ url: string; received: Received[]; status: { value: number }; close(): Promise<void> }> {
  const received: Received[] = [];
  const status = { value: 200 };
  const app = express();
  app.use(express.json());
  app.post('/hooks', (req, res) => {
    received.push({ id: String(req.headers['x-webhook-id']), body: req.body as Received['body'] });
    res.status(status.value).end();
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    status,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let app: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let webhook: StatusWebhook;
/** A retry that never comes during the test: only a restart can deliver it. */
const never = () => new Promise<void>(() => undefined);

beforeAll(async () => {
  receiver = await startReceiver();
  app = await startTestApp();
  webhook = createStatusWebhook({ config: { url: receiver.url, secret: SECRET, maxAttempts: 3 }, logger: silent, connection: app.database.connection, sleep: never });
  app.repository.onTransition((dossier, entry) => webhook.listener({ dossier, from: entry.from, to: entry.to, at: entry.at, by: entry.by }));
});

afterAll(async () => {
  await Promise.all([app.close(), receiver.close()]);
});

describe('Webhook outbox', () => {
  test('When the applicant submits a draft, and resubmits after corrections, then the receiver is told both changes', async () => {
    const applicant = await startTestApp({ testDatabase: app.testDatabase, transitionListeners: [webhook.listener] });
    try {
      const dossier = await submittedDossier(applicant.repository);
      const staff = { role: 'instructeur' as const, id: 'staff', name: 'Agent' };
      const reviewed = valueOf(await applicant.repository.transition(dossier.reference, dossier.version, { to: 'under_review', by: staff }));
      const asked = valueOf(
        await applicant.repository.transition(reviewed.reference, reviewed.version, { to: 'changes_requested', by: staff, sections: ['contact'], reason: 'Contact' }),
      );
      await applicant.repository.transition(asked.reference, asked.version, { to: 'submitted', by: { role: 'applicant', id: 'x' } });
      const mine = () => receiver.received.filter((delivery) => delivery.body.reference === dossier.reference);
      await waitFor(() => mine().length >= 4, 'four deliveries');

      expect(mine().map((delivery) => `${delivery.body.from}→${delivery.body.to}`)).toEqual([
        'draft→submitted',
        'submitted→under_review',
        'under_review→changes_requested',
        'changes_requested→submitted',
      ]);
    } finally {
      await applicant.close();
    }
  });

  test('When a delivery waits for a retry and the server restarts, then the next run delivers it with the same idempotency key', async () => {
    receiver.status.value = 503;
    const dossier = await submittedDossier(app.repository);
    await waitFor(() => receiver.received.some((delivery) => delivery.body.reference === dossier.reference), 'the first attempt');
    const firstId = receiver.received.find((delivery) => delivery.body.reference === dossier.reference)?.id;
    const pending = await app.database.connection.collection('webhook_outbox').countDocuments({ 'payload.reference': dossier.reference });

    receiver.status.value = 200;
    const restarted = createStatusWebhook({ config: { url: receiver.url, secret: SECRET, maxAttempts: 3 }, logger: silent, connection: app.database.connection, sleep: never });
    const resumed = await restarted.resume();
    await restarted.idle();

    expect(pending).toBe(1);
    expect(resumed).toBeGreaterThanOrEqual(1);
    const attempts = receiver.received.filter((delivery) => delivery.body.reference === dossier.reference);
    expect(attempts.map((delivery) => delivery.id)).toEqual([firstId, firstId]);
    expect(await app.database.connection.collection('webhook_outbox').countDocuments({ 'payload.reference': dossier.reference })).toBe(0);
  });
});

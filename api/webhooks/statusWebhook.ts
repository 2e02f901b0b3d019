// The status-change webhook: each change is POSTed to WEBHOOK_URL, signed with an HMAC of the raw body,
// retried with exponential back-off a bounded number of times, in the background. With a database,
// each delivery waits in an outbox collection until it is delivered or abandoned, so a restart
// resumes it (at least once; the receiver de-duplicates on x-webhook-id, the same on every attempt).
import { createHmac, randomUUID } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';
import type { Config } from '../config';
import type { StatusChangeWebhook } from '../dossiers/dossierApiSchemas';
import type { StatusChangeEvent, StatusChangeListener } from '../dossiers/dossierService';
import type { Logger } from '../logger';

export interface StatusWebhookOptions {
  config: NonNullable<Config['staffApi']['webhook']>;
  logger: Logger;
  fetch?: typeof fetch;
  /** Waits between attempts; tests pass a fast or recorded one. */
  sleep?: (ms: number) => Promise<void>;
  /** Delay before the second attempt; doubles each time, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest wait for one answer of the receiver. */
  attemptTimeoutMs?: number;
  /** Where pending deliveries are kept across restarts (the `webhook_outbox` collection); in memory only without it. */
  connection?: Connection;
  now?: () => Date;
}

interface OutboxEntry {
  _id: string;
  payload: StatusChangeWebhook;
  attempts: number;
  createdAt: Date;
}

export interface StatusWebhook {
  readonly listener: StatusChangeListener;
  /** Delivers what a previous run left in the outbox (at start-up); resolves to how many were resumed. */
  resume(): Promise<number>;
  /** Resolves once every delivery in flight has succeeded or given up (tests, graceful stop). */
  idle(): Promise<void>;
}

function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const unrefSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    // A pending retry must not keep the process alive at shutdown.
    setTimeout(resolve, ms).unref();
  });

export function createStatusWebhook(options: StatusWebhookOptions): StatusWebhook {
  const { config, logger } = options;
  const fetchImpl = options.fetch ?? fetch;
  const sleep = options.sleep ?? unrefSleep;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  const inFlight = new Set<Promise<void>>();
  const target = new URL(config.url);
  const destination = `${target.origin}${target.pathname}`;

  const outbox: Collection<OutboxEntry> | undefined = options.connection?.collection<OutboxEntry>('webhook_outbox');
  const now = options.now ?? (() => new Date());

  function payloadOf(event: StatusChangeEvent): StatusChangeWebhook {
    return {
      id: randomUUID(),
      event: 'dossier.status_changed',
      reference: event.dossier.reference,
      from: event.from,
      to: event.to,
      at: event.at.toISOString(),
      departement: event.dossier.collectivity.departement ?? null,
      scheme: event.dossier.scheme ?? null,
      ...(event.comment !== undefined ? { comment: event.comment } : {}),
      ...(event.sections ? { sections: event.sections } : {}),
    };
  }

  async function deliver(payload: StatusChangeWebhook, attemptsBefore = 0): Promise<void> {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'territoires-integration-webhook/1',
      'x-webhook-id': payload.id,
      'x-signature': signatureOf(body, config.secret),
    };
    const context = { webhookId: payload.id, reference: payload.reference, to: payload.to, destination };
    const settle = async () => {
      await outbox?.deleteOne({ _id: payload.id });
    };
    for (let attempt = attemptsBefore + 1; attempt <= config.maxAttempts; attempt += 1) {
      await outbox?.updateOne({ _id: payload.id }, { $set: { attempts: attempt } });
      let retryable = true;
      let outcome: string;
      try {
        const response = await fetchImpl(config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(attemptTimeoutMs), redirect: 'error' });
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) {
          logger.info({ ...context, attempt, status: response.status }, 'Webhook delivered');
          await settle();
          return;
        }
        // The receiver refused this very request: sending it again would not change its mind.
        retryable = response.status === 408 || response.status === 429 || response.status >= 500;
        outcome = `HTTP ${response.status}`;
      } catch (error) {
        outcome = error instanceof Error ? error.name : 'error';
      }
      if (!retryable || attempt === config.maxAttempts) {
        logger.error({ ...context, attempt, outcome }, 'Webhook delivery abandoned');
        await settle();
        return;
      }
      const delayMs = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
      logger.warn({ ...context, attempt, outcome, retryInMs: delayMs }, 'Webhook delivery failed, will retry');
      await sleep(delayMs);
    }
    await settle();
  }

  function track(delivery: Promise<void>): void {
    const tracked = delivery.catch((error: unknown) => logger.error({ err: error }, 'Webhook delivery crashed'));
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  }

  return {
    listener: (event) => {
      const payload = payloadOf(event);
      // Written to the outbox before the first attempt: a restart from here on resumes it.
      track((outbox ? outbox.insertOne({ _id: payload.id, payload, attempts: 0, createdAt: now() }) : Promise.resolve()).then(() => deliver(payload)));
    },
    async resume() {
      if (!outbox) return 0;
      const pending = await outbox.find({}).sort({ createdAt: 1 }).limit(10_000).toArray();
      for (const entry of pending) track(deliver(entry.payload, entry.attempts));
      if (pending.length > 0) logger.info({ count: pending.length }, 'Webhook deliveries resumed from the outbox');
      return pending.length;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

// The status-change webhook: each change is POSTed to WEBHOOK_URL, signed with an HMAC of the raw body,
// retried with exponential back-off a bounded number of times, in the background.
import { createHmac, randomUUID } from 'node:crypto';
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
}

export interface StatusWebhook {
  readonly listener: StatusChangeListener;
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

  async function deliver(event: StatusChangeEvent): Promise<void> {
    const payload: StatusChangeWebhook = {
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
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'territoires-integration-webhook/1',
      'x-webhook-id': payload.id,
      'x-signature': signatureOf(body, config.secret),
    };
    const context = { webhookId: payload.id, reference: payload.reference, to: payload.to, destination };
    for (let attempt = 1; attempt <= config.maxAttempts; attempt += 1) {
      let retryable = true;
      let outcome: string;
      try {
        const response = await fetchImpl(config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(attemptTimeoutMs), redirect: 'error' });
        await response.body?.cancel().catch(() => undefined);
        if (response.ok) {
          logger.info({ ...context, attempt, status: response.status }, 'Webhook delivered');
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
        return;
      }
      const delayMs = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
      logger.warn({ ...context, attempt, outcome, retryInMs: delayMs }, 'Webhook delivery failed, will retry');
      await sleep(delayMs);
    }
  }

  return {
    listener: (event) => {
      const delivery = deliver(event).catch((error: unknown) => logger.error({ err: error }, 'Webhook delivery crashed'));
      inFlight.add(delivery);
      void delivery.finally(() => inFlight.delete(delivery));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

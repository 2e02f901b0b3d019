// The scheduled retention task: warns applicants whose draft is about to be deleted, then deletes the
// drafts past their retention. The server runs it on a timer; tests call `run` with their own clock.
import type { ConversationFeed } from '../bot/directline/conversationFeed';
import type { ConversationQuota } from '../bot/directline/conversationQuota';
import type { OwnerNotifier } from '../bot/notifications';
import { retentionWarningText } from '../bot/notifications';
import type { DraftRetention, RetentionPolicy } from '../dossiers/draftRetention';
import type { Logger } from './logger';

export interface RetentionReport {
  warned: number;
  /** Warnings that could not be delivered (no conversation, or the channel refused): those drafts go at their due date. */
  unreachable: number;
  purged: number;
}

export interface RetentionTask {
  run(now: Date): Promise<RetentionReport>;
}

export function createRetentionTask(deps: {
  retention: DraftRetention;
  notifyOwner: OwnerNotifier;
  policy: RetentionPolicy;
  logger: Logger;
  /** Deletes the stored documents of the purged drafts, and any left by an interrupted deletion. */
  deleteDossierFiles?: (references: string[]) => Promise<unknown>;
}): RetentionTask {
  const { retention, policy, logger } = deps;
  return {
    async run(now) {
      let warned = 0;
      let unreachable = 0;
      for (const draft of await retention.dueForWarning(now, policy)) {
        if (!(await retention.claimWarning(draft, now))) continue;
        const delivered = await deps.notifyOwner(draft.owner, retentionWarningText(draft), { reference: draft.reference, reason: 'retention-warning' });
        await retention.recordDelivery(draft, delivered);
        if (delivered) warned += 1;
        else unreachable += 1;
      }
      const purged = await retention.purge(now, policy);
      await deps.deleteDossierFiles?.(purged);
      const report = { warned, unreachable, purged: purged.length };
      if (warned + unreachable + purged.length > 0) logger.info({ ...report, retentionDays: policy.retentionDays }, 'Draft retention: warnings sent and expired drafts deleted');
      return report;
    },
  };
}

export interface ConversationPurgePolicy {
  /** Conversations where the user never wrote go after this long without use. */
  emptyHours: number;
  /** Every other conversation goes after this long without use. */
  abandonedDays: number;
  /** A revocation is kept as long as a token it refuses could still be valid. */
  tokenTtlSeconds: number;
}

interface ConversationPurgeReport {
  conversations: number;
  revocations: number;
  counters: number;
}

export interface ConversationPurgeTask {
  run(now: Date): Promise<ConversationPurgeReport>;
}

/**
 * The web widget's housekeeping: deletes the idle Direct Line conversations (their activities and
 * dialog state too), the revocations no token can need any more, and the past days' quota counters.
 */
export function createConversationPurgeTask(deps: {
  feed: ConversationFeed;
  quota: ConversationQuota;
  /** Deletes the bot's dialog state of the purged conversations. */
  deleteConversationStates: (conversationIds: string[]) => Promise<unknown>;
  policy: ConversationPurgePolicy;
  logger: Logger;
}): ConversationPurgeTask {
  const { feed, quota, policy, logger } = deps;
  return {
    async run(now) {
      const purged = await feed.purgeIdle({
        emptyBefore: new Date(now.getTime() - policy.emptyHours * 3600 * 1000),
        abandonedBefore: new Date(now.getTime() - policy.abandonedDays * 24 * 3600 * 1000),
      });
      if (purged.length > 0) await deps.deleteConversationStates(purged);
      const revocations = await feed.purgeRevocations(new Date(now.getTime() - policy.tokenTtlSeconds * 1000));
      const counters = await quota.purgePastDays(now);
      const report = { conversations: purged.length, revocations, counters };
      if (purged.length + revocations > 0) logger.info({ ...report }, 'Direct Line purge: idle conversations deleted');
      return report;
    },
  };
}

export interface ScheduledTask {
  /** Stops the timer and waits for a run in progress, so the database can close after it. */
  stop(): Promise<void>;
}

/** Runs the task every `intervalMs` (first after `firstRunDelayMs`), one run at a time; the timer never keeps the process alive. */
export function scheduleRetention(
  task: { run(now: Date): Promise<unknown> },
  options: { intervalMs: number; firstRunDelayMs: number; clock?: () => Date; logger: Logger; name?: string },
): ScheduledTask {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<void> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout;
  const tick = (): void => {
    if (stopped || running) return;
    running = task
      .run(clock())
      .then(
        () => undefined,
        (error: unknown) => options.logger.warn({ err: error }, `${options.name ?? 'Draft retention'} run failed: it will be tried again at the next run`),
      )
      .finally(() => {
        running = undefined;
      });
  };
  timer = setTimeout(() => {
    tick();
    timer = setInterval(tick, options.intervalMs);
    timer.unref();
  }, options.firstRunDelayMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(timer);
      await running;
    },
  };
}

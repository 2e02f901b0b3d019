// The server's timer that scans again the documents held « en attente d'analyse » (clamd was
// unreachable when they arrived), so that they become readable, or flagged infected, once it is back.
import type { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import type { Logger } from '../logger';
import type { ScheduledTask } from '../retention';

/** Runs `rescanPending` every `intervalMs`, one run at a time; the timer never keeps the process alive. */
export function scheduleRescan(attachments: Pick<DossierAttachments, 'rescanPending'>, options: { intervalMs: number; logger: Logger }): ScheduledTask {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = (): void => {
    if (stopped || running) return;
    running = attachments
      .rescanPending()
      .then(
        (counts) => {
          if (counts.clean + counts.infected > 0) options.logger.info(counts, 'Documents held for analysis scanned again');
        },
        (error: unknown) => options.logger.warn({ err: error }, 'Scanning the documents held for analysis failed: tried again at the next run'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

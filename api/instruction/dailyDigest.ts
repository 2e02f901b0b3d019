// The optional daily digest e-mailed to each instructeur: what arrived in their départements in the last 24 hours.
import type { Connection } from 'mongoose';
import { MAX_LIST_LIMIT, type DossierRepository } from '../../dossiers/dossierRepository';
import type { Dossier } from '../../dossiers/dossierSchema';
import type { Logger } from '../logger';
import type { StaffAccount } from '../staff/staffSchema';
import type { StaffAccountRepository } from '../staff/staffRepository';
import type { SendMail } from './mailer';

const DAY_MS = 24 * 3600 * 1000;
/** Dossiers read per agent at most: a digest lists, it does not export. */
const MAX_PAGES = 10;
const LISTED = 20;

interface DigestContent {
  waiting: number;
  submitted: Dossier[];
  corrected: Dossier[];
  replied: Dossier[];
}

/** How long an instance holds the day's run while it sends. */
const LEASE_MS = 15 * 60_000;
/** When some e-mails failed, how long before they are tried again (the same day only). */
const RETRY_DELAY_MS = 30 * 60_000;

/** The day's run (its _id is the Paris day): who was served, whether it is over, who holds it until when. */
interface DigestRun {
  _id: string;
  at: Date;
  sentTo: string[];
  done?: boolean;
  leaseUntil?: Date;
}

const parisDay = (date: Date): string => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(date);
const parisHour = (date: Date): number =>
  Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: 'numeric', hourCycle: 'h23' }).formatToParts(date).find((part) => part.type === 'hour')?.value);

export class DailyDigest {
  private readonly runs;

  constructor(
    private readonly deps: {
      dossiers: DossierRepository;
      accounts: StaffAccountRepository;
      send: SendMail;
      connection: Connection;
      /** The hour (Europe/Paris, 0–23) from which the day's digest goes out. */
      hour: number;
      publicBaseUrl: string | undefined;
      logger: Logger;
    },
  ) {
    this.runs = deps.connection.collection<DigestRun>('instruction_digest_runs');
  }

  /**
   * Sends the day's digest once the hour is reached, once a day whatever the number of instances; the
   * number of e-mails sent. The day's run is claimed with a lease; the agents already served are kept in
   * it, and when some e-mails could not go out (SMTP down at that hour), the run stays open and is tried
   * again for them only, RETRY_DELAY later, until the end of the day.
   */
  async runIfDue(now: Date): Promise<number> {
    if (parisHour(now) < this.deps.hour) return 0;
    const day = parisDay(now);
    let run: DigestRun | null;
    try {
      // A run done, or leased by another instance (or waiting for its retry), is not matched: the upsert then
      // collides on the day's _id. Runs written before retries existed have no `done` and count as done.
      run = await this.runs.findOneAndUpdate(
        { _id: day, done: false, leaseUntil: { $lt: now } },
        { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS) }, $setOnInsert: { at: now, sentTo: [] } },
        { upsert: true, returnDocument: 'after' },
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return 0;
      throw error;
    }
    const { sent, failed } = await this.sendAll(now, new Set(run?.sentTo ?? []), async (staffId) => {
      await this.runs.updateOne({ _id: day }, { $addToSet: { sentTo: staffId } });
    });
    if (failed === 0) await this.runs.updateOne({ _id: day }, { $set: { done: true }, $unset: { leaseUntil: 1 } });
    else {
      await this.runs.updateOne({ _id: day }, { $set: { leaseUntil: new Date(now.getTime() + RETRY_DELAY_MS) } });
      this.deps.logger.warn({ failed, sent }, 'Daily digest: some e-mails could not be sent, tried again later today');
    }
    return sent;
  }

  /** One e-mail per active instructeur with an address and something to read, except those already served. */
  async sendAll(now: Date, served: ReadonlySet<string> = new Set(), onSent: (staffId: string) => Promise<void> = async () => undefined): Promise<{ sent: number; failed: number }> {
    const since = new Date(now.getTime() - DAY_MS);
    const agents = (await this.deps.accounts.list()).filter(
      (account) => !account.revokedAt && account.role === 'instructeur' && account.email && account.departements.length > 0 && !served.has(account.id),
    );
    let sent = 0;
    let failed = 0;
    for (const agent of agents) {
      const content = await this.contentFor(agent, since);
      if (content.waiting + content.submitted.length + content.corrected.length + content.replied.length === 0) continue;
      try {
        await this.deps.send({ to: [agent.email ?? ''], subject: subjectOf(content, now), text: this.textOf(agent, content) });
        sent += 1;
        await onSent(agent.id);
      } catch (error) {
        failed += 1;
        this.deps.logger.error({ err: error, staffId: agent.id }, 'Daily digest: could not send an e-mail');
      }
    }
    this.deps.logger.info({ sent, failed, agents: agents.length }, 'Daily digest sent');
    return { sent, failed };
  }

  private async contentFor(agent: StaffAccount, since: Date): Promise<DigestContent> {
    const content: DigestContent = { waiting: 0, submitted: [], corrected: [], replied: [] };
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const { items } = await this.deps.dossiers.list({ departements: agent.departements, status: ['submitted', 'under_review', 'changes_requested', 'accepted', 'rejected'], sort: 'reference', page, limit: MAX_LIST_LIMIT });
      for (const dossier of items) {
        if (dossier.status === 'submitted') content.waiting += 1;
        const submissions = dossier.history.filter((entry) => entry.to === 'submitted' && entry.at >= since);
        if (submissions.some((entry) => entry.from === 'changes_requested')) content.corrected.push(dossier);
        else if (submissions.length > 0) content.submitted.push(dossier);
        if ((dossier.messages ?? []).some((message) => message.by.kind === 'applicant' && message.at >= since)) content.replied.push(dossier);
      }
      if (items.length < MAX_LIST_LIMIT) break;
    }
    return content;
  }

  private textOf(agent: StaffAccount, content: DigestContent): string {
    const link = (dossier: Dossier): string =>
      this.deps.publicBaseUrl ? ` : ${new URL(`/instruction/dossiers/${dossier.reference}`, this.deps.publicBaseUrl).toString()}` : '';
    const lines = (title: string, dossiers: Dossier[]): string[] =>
      dossiers.length === 0
        ? []
        : [
            `${title} (${dossiers.length}) :`,
            ...dossiers.slice(0, LISTED).map((dossier) => `- ${dossier.reference}, ${dossier.collectivity.name ?? 'collectivité sans nom'}${link(dossier)}`),
            ...(dossiers.length > LISTED ? [`- et ${dossiers.length - LISTED} autres`] : []),
            '',
          ];
    const list = this.deps.publicBaseUrl ? `\nLa liste des dossiers : ${new URL('/instruction/', this.deps.publicBaseUrl).toString()}\n` : '';
    return [
      `Bonjour ${agent.name},`,
      '',
      `Voici les dernières 24 heures dans vos départements (${agent.departements.join(', ')}).`,
      '',
      ...lines('Nouveaux dossiers déposés', content.submitted),
      ...lines('Dossiers corrigés et déposés à nouveau', content.corrected),
      ...lines('Nouveaux messages des demandeurs', content.replied),
      `Dossiers à examiner en tout : ${content.waiting}.`,
      list,
      '— Instruction des dossiers Territoires d’intégration (message automatique, une fois par jour)',
    ].join('\n');
  }
}

function subjectOf(content: DigestContent, now: Date): string {
  const day = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long' }).format(now);
  const news = content.submitted.length + content.corrected.length;
  return `Résumé du ${day} : ${news} dossier${news > 1 ? 's' : ''} déposé${news > 1 ? 's' : ''}, ${content.replied.length} message${content.replied.length > 1 ? 's' : ''}, ${content.waiting} à examiner`;
}

/** Checks every few minutes whether the day's digest is due; stopped with the server. */
export function scheduleDigest(digest: DailyDigest, options: { intervalMs: number; logger: Logger; clock?: () => Date }): { stop(): Promise<void> } {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<unknown> | undefined;
  const tick = (): void => {
    if (running) return;
    running = digest
      .runIfDue(clock())
      .catch((error: unknown) => options.logger.warn({ err: error }, 'Daily digest failed: it will be tried again at the next check'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

// E-mail to prefecture agents over SMTP (nodemailer): a new dossier, a corrected one, a message from the applicant.
import nodemailer from 'nodemailer';
import { neutralizeBidi } from '../bidi';
import type { DossierMessage, Dossier, HistoryEntry } from '../../dossiers/dossierSchema';
import type { Logger } from '../logger';
import type { StaffAccountRepository } from '../staff/staffRepository';

export interface MailSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** The hour (Europe/Paris, 0–23) of the daily digest to each instructeur; no digest when absent. */
  digestHour?: number;
}

interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export type SendMail = (mail: Mail) => Promise<void>;

export function createSmtpSender(settings: MailSettings): SendMail {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return async (mail) => {
    await transport.sendMail({ from: settings.from, to: mail.to, subject: neutralizeBidi(mail.subject), text: neutralizeBidi(mail.text) });
  };
}

/** Whom to tell and what: the active agents of the dossier's département (and the admins) who have an e-mail. */
export class AgentNotifications {
  constructor(
    private readonly deps: { accounts: StaffAccountRepository; send: SendMail; publicBaseUrl: string | undefined; logger: Logger },
  ) {}

  /** On a submission: a new dossier, or a dossier corrected after a request. */
  async dossierSubmitted(dossier: Dossier, entry: HistoryEntry): Promise<void> {
    if (entry.to !== 'submitted') return;
    const corrected = entry.from === 'changes_requested';
    const name = dossier.collectivity.name ?? 'une collectivité';
    await this.tell(dossier, {
      subject: corrected ? `Dossier corrigé : ${dossier.reference} (${name})` : `Nouveau dossier : ${dossier.reference} (${name})`,
      text: [
        corrected
          ? `${name} a corrigé et déposé à nouveau son dossier ${dossier.reference} (${dossier.scheme ?? 'dispositif non précisé'}).`
          : `${name} a déposé le dossier ${dossier.reference} (${dossier.scheme ?? 'dispositif non précisé'}), département ${dossier.collectivity.departement ?? 'non précisé'}.`,
        corrected ? 'La page du dossier montre ce qui a changé depuis le dépôt précédent.' : 'Il est dans l’onglet « À examiner ».',
      ].join('\n\n'),
    });
  }

  async applicantMessage(dossier: Dossier, message: DossierMessage): Promise<void> {
    const excerpt = message.text.length > 500 ? `${message.text.slice(0, 500)}…` : message.text;
    await this.tell(dossier, {
      subject: `Nouveau message du demandeur : ${dossier.reference}`,
      text: `Le demandeur du dossier ${dossier.reference} (${dossier.collectivity.name ?? 'collectivité sans nom'}) a écrit :\n\n${excerpt}`,
    });
  }

  private async tell(dossier: Dossier, mail: { subject: string; text: string }): Promise<void> {
    const agents = await this.deps.accounts.activeFor(dossier.collectivity.departement);
    const followers = new Set(dossier.followers ?? []);
    // The instructeurs of the département; admins only when they follow the dossier, or none of the rest would hear of it.
    const instructeurs = agents.filter((agent) => agent.role === 'instructeur' || followers.has(agent.id));
    const to = [...new Set((instructeurs.length > 0 ? instructeurs : agents).flatMap((agent) => (agent.email ? [agent.email] : [])))];
    if (to.length === 0) return;
    const link = this.deps.publicBaseUrl ? `\n\nOuvrir le dossier : ${new URL(`/instruction/dossiers/${dossier.reference}`, this.deps.publicBaseUrl).toString()}` : '';
    await this.deps.send({ to, subject: mail.subject, text: `Bonjour,\n\n${mail.text}${link}\n\n— Instruction des dossiers Territoires d’intégration (message automatique)` });
    this.deps.logger.info({ reference: dossier.reference, recipients: to.length }, 'Agents told by e-mail');
  }
}

// Telling applicants, in the channel they used, that their dossier changed status (proactive messages).
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { Collection, Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { DossierRepository } from '../dossiers/dossierRepository';
import type { Dossier, DossierMessage, Owner } from '../dossiers/dossierSchema';
import { SECTION_LABELS, type SectionId } from '../knowledge/completeness';
import type { DossierStatus } from '../knowledge/schemes';
import { escapeMarkdown } from '../dialogs/questionCards';
import { TEAMS_CHANNEL_ID, teamsIdentityOf } from '../dossiers/ownerIdentity';
import { APPLICANT_ACTOR } from '../dossiers/statusMachine';

export interface StatusChangeEvent {
  dossier: Dossier;
  from: DossierStatus;
  to: DossierStatus;
  comment?: string;
  sections?: SectionId[];
  /** A decision's motivation. */
  reason?: string;
}

function motivation(event: StatusChangeEvent): string {
  return event.reason ? `\n\nMotivation de la préfecture : ${escapeMarkdown(event.reason)}` : '';
}

/** How the applicant replies to the prefecture from the chat: « répondre à la préfecture : … ». */
const REPLY_PATTERN = /^\s*r[ée]pon(?:dre|ds|se)\s+(?:à|a)\s+la\s+pr[ée]fecture\b\s*[:,-]?\s*([\s\S]*)$/i;

/** What the applicant reads when an agent writes to them from the back-office. */
export function prefectureMessageText(reference: string, agentName: string, text: string): string {
  return (
    `Message de la préfecture (${escapeMarkdown(agentName)}) au sujet de votre dossier ${reference} :\n\n${escapeMarkdown(text)}\n\n` +
    'Pour lui répondre, écrivez « répondre à la préfecture : » suivi de votre message.'
  );
}

/** The applicant's replies in the chat, stored in the dossier's thread; the bot asks it first on every message. */
export class PrefectureReplies {
  constructor(
    private readonly deps: {
      repository: DossierRepository;
      /** Told after a reply is stored (e-mail to the agents); never awaited. */
      onReply?: (dossier: Dossier, message: DossierMessage) => Promise<void>;
      logger: Logger;
    },
  ) {}

  /** The answer to send when the message is a reply to the prefecture; undefined for any other message. */
  async handle(owner: Owner, text: string | undefined): Promise<string | undefined> {
    const match = REPLY_PATTERN.exec(text ?? '');
    if (!match) return undefined;
    const body = (match[1] ?? '').trim();
    const dossier = await this.deps.repository.findLatestSubmittedForOwner(owner);
    if (!dossier) return 'Vous n’avez pas encore de dossier déposé auprès de la préfecture : votre message n’a pas été transmis. Écrivez « reprendre » pour continuer votre brouillon.';
    if (!body) return `Écrivez votre message juste après, par exemple : « répondre à la préfecture : le budget est corrigé ». Il sera joint au dossier ${dossier.reference}.`;
    return this.store(dossier, body);
  }

  /** The dossier whose prefecture message is still unanswered (the thread's last message is the prefecture's); a message then is the reply. */
  async pendingFor(owner: Owner): Promise<Dossier | undefined> {
    const dossier = await this.deps.repository.findLatestSubmittedForOwner(owner);
    const last = dossier?.messages?.at(-1);
    return dossier && last?.by.kind === 'staff' ? dossier : undefined;
  }

  /** Joins the applicant's text to the dossier's thread, tells the agents, and says so to the applicant. */
  async store(dossier: Dossier, text: string): Promise<string> {
    // Stored as « le demandeur »: the applicant's chat id never leaves the bot layer (issue #15 F3).
    const stored = await this.deps.repository.addMessage(dossier.reference, { by: APPLICANT_ACTOR, text: text.trim() });
    if (!stored.ok && stored.error.code === 'dossier_full') return `Le fil du dossier ${dossier.reference} a atteint le nombre maximal de messages : contactez la préfecture par courriel ou par téléphone.`;
    if (!stored.ok) return 'Ce message n’a pas pu être transmis (il est peut-être trop long : 4000 caractères au plus). Raccourcissez-le et renvoyez-le.';
    if (this.deps.onReply) {
      void this.deps.onReply(stored.value.dossier, stored.value.message).catch((error: unknown) => this.deps.logger.error({ err: error, reference: dossier.reference }, 'Reply subscriber failed'));
    }
    return `Votre message est transmis à la préfecture, joint au dossier ${dossier.reference}. Sa réponse vous parviendra ici.`;
  }
}

/** What the applicant reads; undefined for changes they made themselves (submission, withdrawal). */
function statusChangeText(event: StatusChangeEvent): string | undefined {
  const { reference } = event.dossier;
  const comment = event.comment ? `\n\nMessage de la préfecture : ${escapeMarkdown(event.comment)}` : '';
  switch (event.to) {
    case 'under_review':
      return `Votre dossier ${reference} est en cours d’instruction à la préfecture. Je vous préviendrai de la suite ici.`;
    case 'changes_requested': {
      const request = event.dossier.changesRequested;
      const sections = (request?.sections ?? event.sections ?? []).map((section) => SECTION_LABELS[section].toLowerCase()).join(', ');
      const explanation = request?.comment ? `\n\n${escapeMarkdown(request.comment)}` : '';
      const reason = request?.reason ? `\n\nMotif : ${escapeMarkdown(request.reason)}${explanation}` : comment;
      return `La préfecture demande des corrections sur votre dossier ${reference}${sections ? ` (${sections})` : ''}.${reason}\n\nÉcrivez « reprendre » pour les faire : seules ces sections vous seront redemandées.`;
    }
    case 'accepted':
      return `Bonne nouvelle : votre dossier ${reference} a été accepté par la préfecture.${motivation(event) || comment}`;
    case 'rejected':
      return `Votre dossier ${reference} n’a pas été retenu par la préfecture.${motivation(event) || comment}\n\nPour en savoir plus, vous pouvez contacter la préfecture de votre département.`;
    default:
      return undefined;
  }
}

interface ReferenceDocument {
  _id: string;
  channel: string;
  userId: string;
  aadObjectId?: string;
  tenantId?: string;
  reference: Partial<ConversationReference>;
  /** Every conversation the user had with the bot on this channel, so « supprimer mes données » can find their states. */
  conversationIds?: string[];
  updatedAt: Date;
}

/** A user's conversations on one channel, as remembered. */
export interface KnownConversations {
  channel: string;
  userId: string;
  conversationIds: string[];
}

/** The last conversation of each user, per channel, so the bot can write to them later. */
export class ConversationReferences {
  private readonly collection: Collection<ReferenceDocument>;

  constructor(connection: Connection) {
    this.collection = connection.collection<ReferenceDocument>('conversation_references');
  }

  async remember(activity: Partial<Activity>, now: Date): Promise<void> {
    const channel = activity.channelId;
    const userId = activity.from?.id;
    if (!channel || !userId) return;
    const reference = TurnContext.getConversationReference(activity);
    const conversationId = activity.conversation?.id;
    await this.collection.updateOne(
      { _id: `${channel}|${userId}` },
      {
        $set: { channel, userId, reference, updatedAt: now, ...teamsIdentityOf({ channel, aadObjectId: activity.from?.aadObjectId, tenantId: tenantOf(activity) }) },
        ...(conversationId ? { $addToSet: { conversationIds: conversationId } } : {}),
      },
      { upsert: true },
    );
  }

  /** The conversations of this user: on the owner's channel, and for Teams on every channel of the same Entra ID identity. */
  async conversationsOf(owner: Owner): Promise<KnownConversations[]> {
    const documents = await this.collection.find({ $or: referenceMatch(owner) }).toArray();
    return documents.map((document) => ({ channel: document.channel, userId: document.userId, conversationIds: document.conversationIds ?? [] }));
  }

  /** Forgets where to reach this user (« supprimer mes données »). */
  async forget(owner: Owner): Promise<void> {
    await this.collection.deleteMany({ $or: referenceMatch(owner) });
  }

  /** The applicant's conversation on the channel of the dossier, or their latest Teams one by Entra ID. */
  async find(owner: Owner): Promise<Partial<ConversationReference> | undefined> {
    const exact = await this.collection.findOne({ _id: `${owner.channel}|${owner.userId}` });
    if (exact) return exact.reference;
    const teams = teamsIdentityOf(owner);
    if (!teams) return undefined;
    const [latest] = await this.collection.find({ channel: TEAMS_CHANNEL_ID, ...teams }).sort({ updatedAt: -1 }).limit(1).toArray();
    return latest?.reference;
  }
}

function referenceMatch(owner: Owner): Array<Record<string, string>> {
  const teams = teamsIdentityOf(owner);
  return [{ _id: `${owner.channel}|${owner.userId}` }, ...(teams ? [{ channel: TEAMS_CHANNEL_ID, ...teams }] : [])];
}

function tenantOf(activity: Partial<Activity>): string | undefined {
  return activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

export interface NotifierDependencies {
  references: ConversationReferences;
  /** Sends a message into an existing conversation through the Bot Framework connector (Teams…). */
  sendThroughConnector(reference: Partial<ConversationReference>, text: string): Promise<void>;
  /** Our own widget has no connector: the message is appended to its Direct Line feed. */
  appendToWidgetFeed(conversationId: string, text: string): Promise<void>;
  isWidgetReference(reference: Partial<ConversationReference>): boolean;
  logger: Logger;
}

/** Writes to an applicant in their last conversation; resolves to whether the message went out, never throws. */
export type OwnerNotifier = (owner: Owner, text: string, about: { reference: string; reason: string }) => Promise<boolean>;

export function createOwnerNotifier(deps: NotifierDependencies): OwnerNotifier {
  return async (owner, text, about) => {
    try {
      const reference = await deps.references.find(owner);
      if (!reference?.conversation?.id) {
        deps.logger.warn(about, 'No conversation to notify the applicant in');
        return false;
      }
      if (deps.isWidgetReference(reference)) await deps.appendToWidgetFeed(reference.conversation.id, text);
      else await deps.sendThroughConnector(reference, text);
      deps.logger.info({ ...about, channel: reference.channelId }, 'Applicant notified');
      return true;
    } catch (error) {
      deps.logger.error({ err: error, ...about }, 'Could not notify the applicant');
      return false;
    }
  };
}

/** A status-change subscriber that never throws: a failed notification is logged, never fails the staff action. */
export function createStatusNotifier(notifyOwner: OwnerNotifier): (event: StatusChangeEvent) => Promise<void> {
  return async (event) => {
    const text = statusChangeText(event);
    if (!text) return;
    await notifyOwner(event.dossier.owner, text, { reference: event.dossier.reference, reason: `status:${event.to}` });
  };
}

const FRENCH_DATE = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });

/** The notice sent before an untouched draft is deleted under the retention rule. */
export function retentionWarningText(draft: { reference: string; collectivityName?: string; updatedAt: Date; deleteOn: Date }): string {
  const name = draft.collectivityName ? ` (${escapeMarkdown(draft.collectivityName)})` : '';
  return (
    `Votre brouillon ${draft.reference}${name} n’a pas été modifié depuis le ${FRENCH_DATE.format(draft.updatedAt)}. ` +
    `Sans activité de votre part, il sera supprimé le ${FRENCH_DATE.format(draft.deleteOn)}, selon nos règles de conservation des données. ` +
    'Pour le garder, écrivez « reprendre » et continuez-le : chaque réponse repousse cette échéance.'
  );
}

// « Supprimer mes données »: erases what the assistant keeps about a user (unsubmitted dossiers,
// conversation and user state, where to reach them, the web widget's history) and keeps only the
// dossiers the prefecture has received.
import type { Storage } from 'botbuilder';
import type { ApplicantDossiers } from '../dossiers/applicantData';
import type { Owner } from '../dossiers/dossierSchema';
import type { ConversationReferences } from './notifications';

export interface ErasureReport {
  /** The dossiers deleted: drafts and drafts set aside, never submitted. */
  erased: string[];
  /** The dossiers kept because the prefecture has received them. */
  kept: string[];
}

/** The web widget's history (our Direct Line feed), which only that channel has. */
export interface WidgetHistory {
  readonly channelId: string;
  conversationIdsOf(userId: string): Promise<string[]>;
  deleteUserHistory(userId: string, options: { keep?: string }): Promise<number>;
  /** Refuses every token issued so far to the user (on `keep`, they may still read the confirmation and write). */
  revokeTokens(userId: string, options: { keep?: string }): Promise<void>;
}

export interface PersonalDataDependencies {
  dossiers: ApplicantDossiers;
  storage: Storage;
  references: ConversationReferences;
  widget?: WidgetHistory;
  /** Deletes the stored documents of the erased drafts (dossiers/attachments/). */
  deleteDossierFiles?: (references: string[]) => Promise<unknown>;
}

export class PersonalData {
  constructor(private readonly deps: PersonalDataDependencies) {}

  /** What an erasure would delete and keep, for the confirmation question. */
  async preview(owner: Owner): Promise<ErasureReport> {
    const [erased, kept] = await Promise.all([this.deps.dossiers.unsubmittedReferences(owner), this.deps.dossiers.submittedReferences(owner)]);
    return { erased, kept };
  }

  /**
   * Erases the user's data. `currentConversationId` is the conversation asking: its state goes
   * like the others', but on the widget its (emptied) feed stays open for the confirmation.
   */
  async erase(owner: Owner, currentConversationId: string | undefined): Promise<ErasureReport> {
    const erased = await this.deps.dossiers.eraseUnsubmitted(owner);
    await this.deps.deleteDossierFiles?.(erased);
    const kept = await this.deps.dossiers.submittedReferences(owner);

    const keys = new Set<string>([stateKey(owner.channel, 'users', owner.userId)]);
    if (currentConversationId) keys.add(stateKey(owner.channel, 'conversations', currentConversationId));
    for (const known of await this.deps.references.conversationsOf(owner)) {
      keys.add(stateKey(known.channel, 'users', known.userId));
      for (const conversationId of known.conversationIds) keys.add(stateKey(known.channel, 'conversations', conversationId));
    }
    const widget = this.deps.widget;
    if (widget && owner.channel === widget.channelId) {
      for (const conversationId of await widget.conversationIdsOf(owner.userId)) keys.add(stateKey(widget.channelId, 'conversations', conversationId));
    }
    await this.deps.storage.delete([...keys]);
    await this.deps.references.forget(owner);
    if (widget && owner.channel === widget.channelId) {
      // Revoked first: a token copied before (another tab, another device) reaches nothing from now on, nor resumes the user.
      await widget.revokeTokens(owner.userId, { keep: currentConversationId });
      await widget.deleteUserHistory(owner.userId, { keep: currentConversationId });
    }
    return { erased, kept };
  }
}

/** The storage keys of botbuilder's ConversationState and UserState. */
function stateKey(channel: string, kind: 'conversations' | 'users', id: string): string {
  return `${channel}/${kind}/${id}/`;
}

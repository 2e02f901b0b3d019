// Documents in the chat: files sent through the widget's paperclip or in a Teams personal chat are
// checked and filed in the official's draft, with a confirmation; « mes documents », « supprimer le
// document … »; in Teams, « envoyer le document … » sends it back through the file consent card.
import { MessageFactory, type Activity, type Attachment, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import { guessAttachmentKind } from '../../dossiers/attachments/attachmentKinds';
import type { AttachmentKind, AttachmentRef } from '../../dossiers/attachments/attachmentSchema';
import { DossierAttachments, formatBytes, kindLabel } from '../../dossiers/attachments/dossierAttachments';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import type { Dossier, Owner } from '../../dossiers/dossierSchema';
import { STATUS_LABELS } from '../../knowledge/schemes';
import { escapeMarkdown } from '../../dialogs/questionCards';
import { DIAGNOSTIC_FILE_QUESTION } from '../../dialogs/schemeDialog';
import { findDocument, recognizeDocumentCommand } from './documentCommands';

/** Files the widget's upload route holds for the turn it starts (api/attachments/directLineUpload.ts). */
interface UploadSource {
  take(contentUrl: string, conversationId: string): { name: string; bytes?: Buffer; size: number } | undefined;
}

export interface AttachmentTurnsDependencies {
  attachments: DossierAttachments;
  repository: DossierRepository;
  uploads?: UploadSource;
  /**
   * Files sent in Teams are downloaded from the address in the activity: only when the activity was
   * authenticated (a Bot Framework app id is set), and over https unless `allowHttp` (tests).
   */
  teamsFiles: { enabled: boolean; allowHttp?: boolean; timeoutMs?: number };
  logger: Logger;
}

const TEAMS_FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
const TEAMS_FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const TEAMS_FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

interface ReceivedFile {
  name: string;
  bytes?: Buffer;
  /** Why there are no bytes, in French. */
  problem?: string;
}

interface ConsentContext {
  reference: string;
  attachmentId: string;
}

/**
 * How a handled turn leaves the pending question: asked again (`reprompt`), or answered by the file
 * it asked for (`continue`: the dialog moves on). False when the turn is not about documents.
 */
type AttachmentTurnOutcome = false | 'reprompt' | 'continue';

/** The questions that ask for a document, and where a file sent while they are on screen is filed. */
const DOCUMENT_QUESTIONS: ReadonlyArray<{ questionId: string; kind: AttachmentKind }> = [{ questionId: DIAGNOSTIC_FILE_QUESTION, kind: 'diagnostic' }];

export class AttachmentTurns {
  constructor(private readonly deps: AttachmentTurnsDependencies) {}

  /** Handles this message if it carries files or is a document command. */
  async handle(dc: DialogContext, owner: Owner): Promise<AttachmentTurnOutcome> {
    const { context } = dc;
    const files = this.filesOf(context.activity);
    if (files.length > 0) {
      const filed = await this.receive(dc, owner, files);
      return filed && documentQuestionOf(activeDialogId(dc)) ? 'continue' : 'reprompt';
    }
    const command = recognizeDocumentCommand(context.activity.text);
    if (!command) return false;
    const draft = await this.deps.repository.findDraftForOwner(owner);
    if (command.kind === 'list') {
      await context.sendActivity(draft ? listText(draft) : 'Vous n’avez pas de dossier en cours, donc aucun document joint.');
      return 'reprompt';
    }
    if (!draft || draft.attachments.length === 0) {
      await context.sendActivity(draft ? `Le dossier ${draft.reference} n’a aucun document joint.` : 'Vous n’avez pas de dossier en cours, donc aucun document joint.');
      return 'reprompt';
    }
    const found = findDocument(draft.attachments, command.target);
    if (found === 'ambiguous' || found === undefined) {
      await context.sendActivity(`${found === 'ambiguous' ? 'Plusieurs documents correspondent' : 'Je ne trouve pas ce document'}. ${listText(draft)}\n\nPrécisez son numéro, par exemple « ${command.kind === 'remove' ? 'supprimer' : 'envoyer'} le document 1 ».`);
      return 'reprompt';
    }
    if (command.kind === 'remove') {
      const removed = await this.deps.attachments.remove(draft.reference, found.id);
      await context.sendActivity(
        removed
          ? `C’est fait : « ${escapeMarkdown(removed.name)} » est retiré du dossier ${draft.reference} et supprimé.`
          : `Je n’ai pas pu retirer « ${escapeMarkdown(found.name)} » : le dossier ${draft.reference} ne peut plus être modifié.`,
      );
      return 'reprompt';
    }
    await this.offer(context, draft, found);
    return 'reprompt';
  }

  /** Teams' answer to a file consent card; undefined for any other invoke. */
  async onInvoke(context: TurnContext, owner: Owner): Promise<InvokeResponse | undefined> {
    if (context.activity.name !== 'fileConsent/invoke') return undefined;
    const value = context.activity.value as { action?: string; context?: Partial<ConsentContext>; uploadInfo?: { uploadUrl?: string; contentUrl?: string; name?: string; uniqueId?: string; fileType?: string } } | undefined;
    const consent = value?.context;
    if (value?.action !== 'accept') {
      await context.sendActivity('D’accord, je ne vous envoie pas ce fichier.');
      return { status: 200 };
    }
    const dossier = typeof consent?.reference === 'string' ? await this.deps.repository.findByReference(consent.reference) : null;
    const upload = value.uploadInfo;
    if (!dossier || !ownedBy(dossier, owner) || typeof consent?.attachmentId !== 'string' || !upload?.uploadUrl || !this.allowedUrl(upload.uploadUrl)) {
      await context.sendActivity('Je ne peux pas envoyer ce fichier : il n’existe plus ou ne vous appartient pas.');
      return { status: 200 };
    }
    const read = await this.deps.attachments.read(dossier.reference, consent.attachmentId);
    if (read.status !== 'ok') {
      await context.sendActivity(
        read.status === 'pending'
          ? 'Ce document est encore en attente d’analyse antivirus : je pourrai vous l’envoyer après.'
          : read.status === 'infected'
            ? 'L’antivirus a trouvé un virus dans ce document : je ne peux pas vous l’envoyer.'
            : 'Ce document n’existe plus.',
      );
      return { status: 200 };
    }
    const size = read.bytes.length;
    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Length': String(size), 'Content-Range': `bytes 0-${size - 1}/${size}` },
      body: read.bytes,
      signal: AbortSignal.timeout(this.deps.teamsFiles.timeoutMs ?? 30_000),
    }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, 'Teams file upload failed');
      return undefined;
    });
    if (!put?.ok) {
      await context.sendActivity('L’envoi du fichier vers votre OneDrive a échoué : réessayez dans un instant.');
      return { status: 200 };
    }
    const info: Attachment = {
      contentType: TEAMS_FILE_INFO,
      contentUrl: upload.contentUrl,
      name: upload.name ?? read.attachment.name,
      content: { uniqueId: upload.uniqueId, fileType: upload.fileType },
    };
    await context.sendActivity(MessageFactory.attachment(info, `Voici « ${escapeMarkdown(read.attachment.name)} », enregistré dans votre OneDrive.`));
    return { status: 200 };
  }

  private async offer(context: TurnContext, dossier: Dossier, attachment: AttachmentRef): Promise<void> {
    if (context.activity.channelId !== 'msteams') {
      await context.sendActivity(`« ${escapeMarkdown(attachment.name)} » est bien joint au dossier ${dossier.reference} ; je ne peux renvoyer un fichier que dans Teams.`);
      return;
    }
    const acceptContext: ConsentContext = { reference: dossier.reference, attachmentId: attachment.id };
    const card: Attachment = {
      contentType: TEAMS_FILE_CONSENT,
      name: attachment.name,
      content: { description: `${kindLabel(attachment.kind)} du dossier ${dossier.reference}`, sizeInBytes: attachment.size, acceptContext, declineContext: acceptContext },
    };
    await context.sendActivity(MessageFactory.attachment(card, `Acceptez l’envoi pour recevoir « ${escapeMarkdown(attachment.name)} » dans votre OneDrive.`));
  }

  /** Files what it can; true when at least one file was filed. */
  private async receive(dc: DialogContext, owner: Owner, files: Array<Promise<ReceivedFile>>): Promise<boolean> {
    const { context } = dc;
    const draft = await this.deps.repository.findDraftForOwner(owner);
    const received = await Promise.all(files);
    if (!draft) {
      const latest = await this.deps.repository.findLatestForOwner(owner);
      await context.sendActivity(latest ? frozenDossierText(latest, received.length > 1) : `Pour joindre ${received.length > 1 ? 'des documents' : 'un document'}, il faut un dossier en cours : écrivez « préparer une candidature », puis renvoyez ${received.length > 1 ? 'les fichiers' : 'le fichier'}. Rien n’a été enregistré.`);
      return false;
    }
    const pendingQuestion = activeDialogId(dc);
    // The question on screen asked for this document: its kind wins over the file's name.
    const askedKind = documentQuestionOf(pendingQuestion)?.kind;
    let filed = false;
    const lines: string[] = [];
    for (const file of received) {
      if (!file.bytes) {
        lines.push(file.problem ?? `Je n’ai pas pu lire « ${escapeMarkdown(file.name)} » : rien n’a été enregistré.`);
        continue;
      }
      const kind = askedKind ?? guessAttachmentKind([context.activity.text ?? '', file.name], pendingQuestion);
      const outcome = await this.deps.attachments.attach(draft.reference, { bytes: file.bytes, name: file.name, kind });
      if (!outcome.ok) {
        lines.push(outcome.message);
        continue;
      }
      const { attachment } = outcome;
      filed = true;
      lines.push(
        `J’ai bien reçu « ${escapeMarkdown(attachment.name)} » (${formatBytes(attachment.size)}) : il est classé comme ${kindLabel(attachment.kind)} dans le dossier ${draft.reference}.` +
          (attachment.scan === 'pending'
            ? ' Il est en attente d’analyse antivirus : la préfecture ne pourra l’ouvrir qu’une fois l’analyse faite.'
            : '') +
          ` Pour le retirer : « supprimer le document ${escapeMarkdown(attachment.name)} ».`,
      );
    }
    await context.sendActivity(lines.join('\n\n'));
    return filed;
  }

  /** The files of a message: widget uploads (held by the upload route) and Teams files (to download). */
  private filesOf(activity: Partial<Activity>): Array<Promise<ReceivedFile>> {
    const files: Array<Promise<ReceivedFile>> = [];
    for (const attachment of activity.attachments ?? []) {
      const name = typeof attachment.name === 'string' && attachment.name ? attachment.name : 'document';
      if (activity.channelId === 'msteams' && attachment.contentType === TEAMS_FILE_DOWNLOAD_INFO) {
        const downloadUrl = (attachment.content as { downloadUrl?: unknown } | undefined)?.downloadUrl;
        files.push(this.download(name, typeof downloadUrl === 'string' ? downloadUrl : ''));
      } else if (activity.channelId === 'msteams' && attachment.contentType?.startsWith('image/')) {
        files.push(Promise.resolve({ name, problem: 'Je ne peux pas lire une image collée dans le message : envoyez-la comme fichier, avec le trombone.' }));
      } else if (typeof attachment.contentUrl === 'string' && this.deps.uploads && activity.conversation?.id) {
        const upload = this.deps.uploads.take(attachment.contentUrl, activity.conversation.id);
        if (!upload) continue;
        files.push(
          Promise.resolve(
            upload.bytes
              ? { name: upload.name, bytes: upload.bytes }
              : { name: upload.name, problem: `Le fichier « ${escapeMarkdown(upload.name)} » dépasse la limite de ${formatBytes(this.deps.attachments.limits.maxFileBytes)} par fichier : rien n’a été enregistré.` },
          ),
        );
      }
    }
    return files;
  }

  private allowedUrl(url: string): boolean {
    if (!this.deps.teamsFiles.enabled) return false;
    try {
      const { protocol } = new URL(url);
      return protocol === 'https:' || (protocol === 'http:' && this.deps.teamsFiles.allowHttp === true);
    } catch {
      return false;
    }
  }

  /** Downloads a Teams file, refusing more than the per-file limit without reading it all. */
  private async download(name: string, url: string): Promise<ReceivedFile> {
    if (!this.allowedUrl(url)) return { name, problem: `Je ne peux pas récupérer « ${escapeMarkdown(name)} » depuis Teams : rien n’a été enregistré.` };
    const limit = this.deps.attachments.limits.maxFileBytes;
    const tooLarge = { name, problem: `Le fichier « ${escapeMarkdown(name)} » dépasse la limite de ${formatBytes(limit)} par fichier : rien n’a été enregistré.` };
    try {
      const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(this.deps.teamsFiles.timeoutMs ?? 30_000) });
      if (!response.ok || !response.body) throw new Error(`download answered ${response.status}`);
      if (Number(response.headers.get('content-length') ?? 0) > limit) {
        await response.body.cancel();
        return tooLarge;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += chunk.length;
        if (size > limit) return tooLarge;
        chunks.push(Buffer.from(chunk));
      }
      return { name, bytes: Buffer.concat(chunks) };
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'Teams file download failed');
      return { name, problem: `Je n’ai pas pu récupérer « ${escapeMarkdown(name)} » depuis Teams : renvoyez-le dans un instant. Rien n’a été enregistré.` };
    }
  }
}

/** The id of the innermost active dialog (a question's prompt id names its question). */
function activeDialogId(dc: DialogContext): string | undefined {
  let inner: DialogContext = dc;
  while (inner.child) inner = inner.child;
  return inner.activeDialog?.id;
}

/** The document question whose prompt is on screen (a question's prompt id ends with its question id). */
function documentQuestionOf(promptId: string | undefined): { questionId: string; kind: AttachmentKind } | undefined {
  return promptId ? DOCUMENT_QUESTIONS.find((question) => promptId.endsWith(`.${question.questionId}`)) : undefined;
}

function ownedBy(dossier: Dossier, owner: Owner): boolean {
  return (dossier.owner.userId === owner.userId && dossier.owner.channel === owner.channel) || (owner.aadObjectId !== undefined && dossier.owner.aadObjectId === owner.aadObjectId);
}

function listText(dossier: Dossier): string {
  if (dossier.attachments.length === 0) return `Le dossier ${dossier.reference} n’a encore aucun document joint. Vous pouvez en envoyer un à tout moment avec le trombone.`;
  const lines = dossier.attachments.map(
    (attachment, index) =>
      `${index + 1}. « ${escapeMarkdown(attachment.name)} » (${formatBytes(attachment.size)}), ${kindLabel(attachment.kind)}${attachment.scan === 'pending' ? ', en attente d’analyse' : attachment.scan === 'infected' ? ', infecté : la préfecture ne peut pas l’ouvrir' : ''}`,
  );
  return `Documents du dossier ${dossier.reference} :\n\n${lines.join('\n')}`;
}

/** What the applicant reads when a document held « en attente d'analyse » turns out to carry a virus. */
export function infectedDocumentText(dossier: Dossier, attachment: AttachmentRef, signature: string): string {
  const name = escapeMarkdown(attachment.name);
  const next =
    dossier.status === 'draft' || dossier.status === 'changes_requested'
      ? `Écrivez « supprimer le document ${name} », faites analyser votre poste par votre service informatique, puis envoyez une version saine avec le trombone.`
      : 'Faites analyser votre poste par votre service informatique, puis écrivez « répondre à la préfecture : » pour convenir avec elle de l’envoi d’une version saine.';
  return (
    `L’antivirus a trouvé un virus (${escapeMarkdown(signature)}) dans « ${name} » (${kindLabel(attachment.kind)}), joint au dossier ${dossier.reference} quand l’analyse n’était pas disponible. ` +
    `Le fichier est bloqué : la préfecture ne pourra pas l’ouvrir.\n\n${next}`
  );
}

/**
 * A document sent once the dossier is submitted: documents are added in a draft or under correction only
 * (dossiers/attachments), so the way to send one the prefecture asks for is its request for corrections.
 */
function frozenDossierText(dossier: Dossier, several: boolean): string {
  const files = several ? 'les fichiers' : 'le fichier';
  const status = `Votre dossier ${dossier.reference} a le statut « ${STATUS_LABELS[dossier.status]} » : je ne peux plus y joindre de document. Rien n’a été enregistré.`;
  if (dossier.status === 'accepted' || dossier.status === 'rejected') return status;
  return (
    `${status}\n\nSi la préfecture vous demande un document, elle vous renvoie le dossier pour corrections : écrivez alors « reprendre », puis envoyez ${files} avec le trombone. ` +
    'En attendant, vous pouvez lui écrire : « répondre à la préfecture : … ».'
  );
}

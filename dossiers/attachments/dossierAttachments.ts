// The documents of a dossier: checked (size, real type, antivirus), stored in GridFS (so they live
// in the same database as the dossier, embedded or real), and listed on the dossier itself.
import { createHash } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { DossierStatus } from '../../knowledge/schemes';
import { dossierModel } from '../dossierModel';
import { DOSSIER_CAPS } from '../dossierRepository';
import type { ActorRef, HistoryEntry } from '../dossierSchema';
import { APPLICANT_ACTOR } from '../statusMachine';
import { ATTACHMENT_KIND_LABELS, AttachmentRefSchema, MAX_ATTACHMENTS_PER_DOSSIER, type AttachmentKind, type AttachmentRef, type DocumentEvent, type ScanStatus } from './attachmentSchema';
import type { VirusScanner } from './clamdScanner';
import { ACCEPTED_FORMATS_TEXT, detectContentType, displayName, sanitizeFileName } from './contentType';

export interface AttachmentLimits {
  maxFileBytes: number;
  maxDossierBytes: number;
}

export interface IncomingFile {
  bytes: Buffer;
  /** The name the official's computer gave it: only a hint, sanitised before use. */
  name: string;
  kind: AttachmentKind;
}

/** A document held « en attente d'analyse » that a later scan found infected: flagged, kept, never served. */
export interface InfectedDocument {
  reference: string;
  attachment: AttachmentRef;
  signature: string;
}

/** The history's actor when a later scan flags a document. */
const ANTIVIRUS_ACTOR: ActorRef = { kind: 'system', id: 'antivirus', name: 'Antivirus' };

type AttachFailureCode = 'empty' | 'too_large' | 'dossier_full' | 'too_many' | 'type_refused' | 'infected' | 'dossier_not_found' | 'not_editable';

export type AttachOutcome =
  | { ok: true; attachment: AttachmentRef; reference: string }
  /** `message` is French, for the official; nothing was stored. */
  | { ok: false; code: AttachFailureCode; message: string; signature?: string };

/** GridFS metadata of each stored file: enough to find its dossier again without the dossier. */
interface FileMetadata {
  dossier: string;
  kind: AttachmentKind;
  contentType: string;
  sha256: string;
  scan: ScanStatus;
}

const ATTACHMENTS_BUCKET = 'attachments';
/** Statuses in which the applicant may add or remove documents, as for the rest of the content. */
const EDITABLE: readonly DossierStatus[] = ['draft', 'changes_requested'];
const MAX_LINK_ATTEMPTS = 5;
const RESCAN_BATCH = 20;

export class DossierAttachments {
  private readonly bucket: mongoose.mongo.GridFSBucket;
  private readonly files: mongoose.mongo.Collection;
  private readonly dossiers: mongoose.mongo.Collection;
  private readonly clock: () => Date;
  private readonly infectedListeners: Array<(found: InfectedDocument) => Promise<void>> = [];
  private indexes: Promise<unknown> | undefined;

  constructor(
    connection: Connection,
    private readonly options: { limits: AttachmentLimits; scanner?: VirusScanner; logger?: Logger; clock?: () => Date },
  ) {
    const db = connection.db;
    if (!db) throw new Error('The database connection is not open');
    this.bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: ATTACHMENTS_BUCKET });
    this.files = db.collection(`${ATTACHMENTS_BUCKET}.files`);
    // Written directly (not through the Dossier model): adding a document leaves the version alone,
    // like a staff note, so that it never makes the chat's pending answer stale.
    this.dossiers = db.collection(dossierModel(connection).collection.collectionName);
    this.clock = options.clock ?? (() => new Date());
  }

  get limits(): AttachmentLimits {
    return this.options.limits;
  }

  /** Subscribes to documents found infected by a later scan (to tell the applicant); a listener's failure is logged, never thrown. */
  onInfected(listener: (found: InfectedDocument) => Promise<void>): void {
    this.infectedListeners.push(listener);
  }

  /** Whether an antivirus checks every file. */
  get scanning(): boolean {
    return this.options.scanner !== undefined;
  }

  /** Checks a file and, if it passes, stores it and lists it on the dossier. Nothing is stored on a refusal. */
  async attach(reference: string, file: IncomingFile, by: ActorRef = APPLICANT_ACTOR): Promise<AttachOutcome> {
    const shownName = displayName(file.name);
    const { maxFileBytes } = this.options.limits;
    if (file.bytes.length === 0) return refuse('empty', `Le fichier « ${shownName} » est vide : rien n’a été enregistré.`);
    if (file.bytes.length > maxFileBytes) {
      return refuse('too_large', `Le fichier « ${shownName} » pèse ${formatBytes(file.bytes.length)} : la limite est de ${formatBytes(maxFileBytes)} par fichier. Rien n’a été enregistré.`);
    }
    const dossier = await this.readDossier(reference);
    if (!dossier) return refuse('dossier_not_found', `Le dossier ${reference} n’existe plus : le document n’a pas été enregistré.`);
    const room = this.roomFor(dossier, file.bytes.length, shownName);
    if (room) return room;

    let scan: ScanStatus = 'not_scanned';
    if (this.options.scanner) {
      const verdict = await this.options.scanner.scan(file.bytes);
      if (verdict.status === 'infected') {
        this.options.logger?.warn({ reference, signature: verdict.signature, size: file.bytes.length }, 'Infected file refused');
        return {
          ok: false,
          code: 'infected',
          signature: verdict.signature,
          message:
            `Le fichier « ${shownName} » contient un virus (${verdict.signature}) : il a été refusé et n’a pas été enregistré. ` +
            'Faites analyser votre poste par votre service informatique avant de renvoyer ce document.',
        };
      }
      if (verdict.status === 'unavailable') this.options.logger?.warn({ reason: verdict.reason }, 'Antivirus unreachable: the file is held until it can be scanned');
      scan = verdict.status === 'clean' ? 'clean' : 'pending';
    }

    const type = detectContentType(file.bytes);
    if (!type) {
      return refuse(
        'type_refused',
        `Le fichier « ${shownName} » n’est pas dans un format accepté (${ACCEPTED_FORMATS_TEXT}) : j’ai vérifié son contenu, pas seulement son nom. Rien n’a été enregistré.`,
      );
    }

    const name = sanitizeFileName(file.name, type.extension);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    await this.ensureIndexes();
    const metadata: FileMetadata = { dossier: reference, kind: file.kind, contentType: type.contentType, sha256, scan };
    const id = await this.store(name, file.bytes, metadata);
    const attachment = AttachmentRefSchema.parse({ id: id.toHexString(), kind: file.kind, name, size: file.bytes.length, contentType: type.contentType, sha256, scan, uploadedAt: this.clock() });

    const linked = await this.link(reference, attachment, shownName, by);
    if (linked) {
      await this.bucket.delete(id).catch(() => undefined);
      return linked;
    }
    if (scan === 'clean') void this.rescanPending().catch(() => undefined);
    return { ok: true, attachment, reference };
  }

  /** The documents of a dossier, oldest first. */
  async list(reference: string): Promise<AttachmentRef[]> {
    const dossier = await this.readDossier(reference);
    return dossier ? dossier.attachments : [];
  }

  /** Removes a document from a draft (or a dossier under correction); undefined when there is no such document there. */
  async remove(reference: string, id: string, by: ActorRef = APPLICANT_ACTOR): Promise<AttachmentRef | undefined> {
    const dossier = await this.readDossier(reference);
    const attachment = dossier?.attachments.find((candidate) => candidate.id === id);
    if (!dossier || !attachment || !EDITABLE.includes(dossier.status)) return undefined;
    const now = this.clock();
    const result = await this.dossiers.updateOne(
      { reference, status: dossier.status, 'attachments.id': id },
      { $pull: { attachments: { id } }, $push: { history: documentEntry(now, by, dossier.status, 'removed', attachment) }, $set: { updatedAt: now } } as never,
    );
    if (result.modifiedCount !== 1) return undefined;
    await this.deleteFile(id);
    return attachment;
  }

  /**
   * The bytes of a document of this dossier, for staff. A document still « en attente d'analyse » is
   * scanned first: `pending` when the antivirus still cannot be reached, `infected` when it is (then,
   * and for a document already flagged, the bytes are never returned).
   */
  async read(reference: string, id: string): Promise<{ status: 'ok'; attachment: AttachmentRef; bytes: Buffer } | { status: 'not_found' | 'pending' | 'infected' }> {
    let attachment = (await this.list(reference)).find((candidate) => candidate.id === id);
    if (!attachment) return { status: 'not_found' };
    if (attachment.scan === 'infected') return { status: 'infected' };
    if (attachment.scan === 'pending') {
      const verdict = await this.rescan(reference, attachment);
      if (verdict === 'infected') return { status: 'infected' };
      if (verdict !== 'clean') return { status: 'pending' };
      attachment = { ...attachment, scan: 'clean' };
    }
    const bytes = await this.readFile(id);
    return bytes ? { status: 'ok', attachment, bytes } : { status: 'not_found' };
  }

  /** Scans again the documents held « en attente d'analyse »; stops at the first that still cannot be scanned. */
  async rescanPending(): Promise<{ clean: number; infected: number; stillPending: number }> {
    const counts = { clean: 0, infected: 0, stillPending: 0 };
    if (!this.options.scanner) return counts;
    const pending = await this.files.find({ 'metadata.scan': 'pending' }).sort({ uploadDate: 1 }).limit(RESCAN_BATCH).toArray();
    for (const file of pending) {
      const metadata = file.metadata as FileMetadata;
      const attachment = (await this.list(metadata.dossier)).find((candidate) => candidate.id === String(file._id));
      if (!attachment) continue;
      const verdict = await this.rescan(metadata.dossier, attachment);
      if (verdict === 'clean') counts.clean += 1;
      else if (verdict === 'infected') counts.infected += 1;
      else {
        counts.stillPending += pending.length - counts.clean - counts.infected;
        break;
      }
    }
    return counts;
  }

  /** Deletes the stored files of these dossiers (erasure, retention). Returns how many went. */
  async deleteFilesOf(references: readonly string[]): Promise<number> {
    if (references.length === 0) return 0;
    const files = await this.files.find({ 'metadata.dossier': { $in: [...references] } }, { projection: { _id: 1 } }).toArray();
    for (const file of files) await this.bucket.delete(file._id as mongoose.mongo.ObjectId).catch(() => undefined);
    return files.length;
  }

  /** Deletes files whose dossier no longer exists (a deletion interrupted between the dossier and its files). */
  async deleteOrphans(): Promise<number> {
    const referenced = await this.files.distinct('metadata.dossier');
    if (referenced.length === 0) return 0;
    const existing = new Set((await this.dossiers.find({ reference: { $in: referenced } }, { projection: { reference: 1 } }).toArray()).map((dossier) => String(dossier.reference)));
    return this.deleteFilesOf(referenced.filter((reference) => !existing.has(String(reference))).map(String));
  }

  private roomFor(dossier: { attachments: AttachmentRef[]; status: DossierStatus; reference: string }, size: number, shownName: string): AttachOutcome | undefined {
    if (!EDITABLE.includes(dossier.status)) {
      return refuse('not_editable', `Le dossier ${dossier.reference} a été déposé : on ne peut plus y ajouter de document. Le fichier « ${shownName} » n’a pas été enregistré.`);
    }
    if (dossier.attachments.length >= MAX_ATTACHMENTS_PER_DOSSIER) {
      return refuse('too_many', `Le dossier ${dossier.reference} compte déjà ${MAX_ATTACHMENTS_PER_DOSSIER} documents, le maximum : supprimez-en un avant d’en ajouter un autre.`);
    }
    const used = dossier.attachments.reduce((total, attachment) => total + attachment.size, 0);
    if (used + size > this.options.limits.maxDossierBytes) {
      return refuse(
        'dossier_full',
        `Avec « ${shownName} » (${formatBytes(size)}), les documents du dossier ${dossier.reference} dépasseraient ${formatBytes(this.options.limits.maxDossierBytes)} ` +
          `(déjà ${formatBytes(used)}). Supprimez un document ou envoyez une version plus légère. Rien n’a été enregistré.`,
      );
    }
    return undefined;
  }

  /** Lists the stored file on the dossier if the limits still hold at that moment; a refusal otherwise. */
  private async link(reference: string, attachment: AttachmentRef, shownName: string, by: ActorRef): Promise<AttachOutcome | undefined> {
    for (let attempt = 0; attempt < MAX_LINK_ATTEMPTS; attempt += 1) {
      const dossier = await this.readDossier(reference);
      if (!dossier) return refuse('dossier_not_found', `Le dossier ${reference} n’existe plus : le document n’a pas été enregistré.`);
      const room = this.roomFor(dossier, attachment.size, shownName);
      if (room) return room;
      if (await this.dossiers.findOne({ reference, [`history.${DOSSIER_CAPS.history - 1}`]: { $exists: true } }, { projection: { _id: 1 } })) {
        return refuse('dossier_full', `L’historique du dossier ${reference} est plein (${DOSSIER_CAPS.history} entrées) : « ${shownName} » n’a pas été enregistré. Contactez la préfecture.`);
      }
      const count = dossier.attachments.length;
      // Only if nobody added a document in between: otherwise read again and check the limits again.
      const sameList = count === 0 ? { $or: [{ attachments: { $size: 0 } }, { attachments: { $exists: false } }] } : { attachments: { $size: count } };
      // The history entry goes in the same write: a document is never listed without its « added ».
      const result = await this.dossiers.updateOne(
        { reference, status: dossier.status, ...sameList, [`history.${DOSSIER_CAPS.history - 1}`]: { $exists: false } },
        { $push: { attachments: attachment, history: documentEntry(attachment.uploadedAt, by, dossier.status, 'added', attachment) }, $set: { updatedAt: this.clock() } } as never,
      );
      if (result.modifiedCount === 1) return undefined;
    }
    return refuse('dossier_full', `Trop d’envois en même temps sur le dossier ${reference} : renvoyez « ${shownName} » dans un instant.`);
  }

  private async rescan(reference: string, attachment: AttachmentRef): Promise<'clean' | 'infected' | 'pending'> {
    if (!this.options.scanner) return 'pending';
    const bytes = await this.readFile(attachment.id);
    if (!bytes) return 'pending';
    const verdict = await this.options.scanner.scan(bytes);
    const id = new mongoose.mongo.ObjectId(attachment.id);
    if (verdict.status === 'clean') {
      await this.files.updateOne({ _id: id }, { $set: { 'metadata.scan': 'clean' } });
      await this.dossiers.updateOne({ reference, 'attachments.id': attachment.id }, { $set: { 'attachments.$.scan': 'clean' } });
      return 'clean';
    }
    if (verdict.status === 'infected') {
      // Kept and flagged, not deleted: staff see that the applicant's file was infected, and nobody can download it.
      this.options.logger?.warn({ reference, signature: verdict.signature }, 'A file held for analysis is infected: flagged, never served');
      const signature = verdict.signature.slice(0, 200);
      await this.files.updateOne({ _id: id }, { $set: { 'metadata.scan': 'infected' } });
      const current = await this.readDossier(reference);
      const flagged = await this.dossiers.updateOne(
        { reference, attachments: { $elemMatch: { id: attachment.id, scan: 'pending' } } },
        {
          // The whole element at once: one path, which the embedded database accepts as MongoDB does.
          $set: { 'attachments.$': AttachmentRefSchema.parse({ ...attachment, scan: 'infected', signature }) },
          ...(current ? { $push: { history: documentEntry(this.clock(), ANTIVIRUS_ACTOR, current.status, 'infected', attachment, signature) } } : {}),
        } as never,
      );
      // Told once, by whichever scan flagged it first.
      if (flagged.modifiedCount === 1) this.announceInfected({ reference, attachment: { ...attachment, scan: 'infected', signature }, signature });
      return 'infected';
    }
    return 'pending';
  }

  private announceInfected(found: InfectedDocument): void {
    for (const listener of this.infectedListeners) {
      void Promise.resolve()
        .then(() => listener(found))
        .catch((error: unknown) => this.options.logger?.error({ err: error, reference: found.reference }, 'Infected document subscriber failed'));
    }
  }

  private async readDossier(reference: string): Promise<{ reference: string; status: DossierStatus; attachments: AttachmentRef[] } | undefined> {
    const found = await this.dossiers.findOne({ reference }, { projection: { reference: 1, status: 1, attachments: 1 } });
    if (!found) return undefined;
    return { reference, status: found.status as DossierStatus, attachments: ((found.attachments as unknown[] | undefined) ?? []).map((item) => AttachmentRefSchema.parse(item)) };
  }

  private store(name: string, bytes: Buffer, metadata: FileMetadata): Promise<mongoose.mongo.ObjectId> {
    return new Promise((resolve, reject) => {
      const upload = this.bucket.openUploadStream(name, { metadata });
      upload.once('error', reject);
      upload.once('finish', () => resolve(upload.id));
      upload.end(bytes);
    });
  }

  private async readFile(id: string): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of this.bucket.openDownloadStream(new mongoose.mongo.ObjectId(id))) chunks.push(chunk as Buffer);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
    return Buffer.concat(chunks);
  }

  private async deleteFile(id: string): Promise<void> {
    await this.bucket.delete(new mongoose.mongo.ObjectId(id)).catch((error: unknown) => {
      this.options.logger?.warn({ err: error, id }, 'Could not delete a stored file: the orphan sweep will');
    });
  }

  private ensureIndexes(): Promise<unknown> {
    this.indexes ??= this.files.createIndex({ 'metadata.dossier': 1 }, { name: 'by_dossier' }).catch((error: unknown) => {
      this.indexes = undefined;
      throw error;
    });
    return this.indexes;
  }
}

function documentEntry(at: Date, by: ActorRef, status: DossierStatus, action: DocumentEvent['action'], attachment: AttachmentRef, signature?: string): HistoryEntry {
  return { at, by, from: status, to: status, document: { action, id: attachment.id, name: attachment.name, kind: attachment.kind, ...(signature ? { signature } : {}) } };
}

function refuse(code: AttachFailureCode, message: string): AttachOutcome {
  return { ok: false, code, message };
}

/** « 850 Ko », « 1,2 Mo »: sizes as a French reader writes them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? 's' : ''}`;
  const format = (value: number) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(value);
  if (bytes < 1024 * 1024) return `${format(bytes / 1024)} Ko`;
  return `${format(bytes / (1024 * 1024))} Mo`;
}

/** « classé comme délibération »: the phrase of the confirmations. */
export function kindLabel(kind: AttachmentKind): string {
  return ATTACHMENT_KIND_LABELS[kind];
}

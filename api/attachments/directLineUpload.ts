// Web Chat's paperclip: `POST /v3/directline/conversations/:id/upload` (multipart: one `activity`
// part, then one `file` part per document), as Direct Line 3.0 defines it. The bytes wait in memory,
// in this process, for the turn that the same request starts: nothing is stored before the bot has
// checked the file (type, size, antivirus) and filed it in a dossier.
import { randomUUID } from 'node:crypto';
import busboy from 'busboy';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';

/** A file received from the widget, waiting for its turn. `bytes` is absent when it was over the limit. */
export interface PendingUpload {
  conversationId: string;
  name: string;
  declaredType: string;
  bytes?: Buffer;
  /** The size received, or the limit it went over. */
  size: number;
}

/** The `contentUrl` our upload route gives each file of the activity it posts. */
const UPLOAD_URL_PREFIX = 'urn:territoires:upload:';
const HOLD_MS = 5 * 60_000;

/** Files between the upload request and the bot's turn, handed over once each. */
export class UploadInbox {
  private readonly held = new Map<string, PendingUpload & { expiresAt: number }>();

  put(upload: PendingUpload): string {
    const now = Date.now();
    for (const [id, entry] of this.held) if (entry.expiresAt < now) this.held.delete(id);
    const id = randomUUID();
    this.held.set(id, { ...upload, expiresAt: now + HOLD_MS });
    return `${UPLOAD_URL_PREFIX}${id}`;
  }

  /** The upload behind a `contentUrl`, if it belongs to this conversation; forgotten once taken. */
  take(contentUrl: string, conversationId: string): PendingUpload | undefined {
    if (!contentUrl.startsWith(UPLOAD_URL_PREFIX)) return undefined;
    const id = contentUrl.slice(UPLOAD_URL_PREFIX.length);
    const entry = this.held.get(id);
    if (!entry || entry.conversationId !== conversationId || entry.expiresAt < Date.now()) return undefined;
    this.held.delete(id);
    const { expiresAt: _expiresAt, ...upload } = entry;
    return upload;
  }
}

export interface DirectLineUploadSettings {
  inbox: UploadInbox;
  maxFileBytes: number;
}

/** What the Direct Line router lends the route: its checks and its way of posting a user's activity. */
export interface DirectLineUploadDependencies<Conversation extends { id: string }> extends DirectLineUploadSettings {
  authorise(req: Request, res: Response): Promise<Conversation>;
  /** The user's activity as the router states it (who, where), for this conversation. */
  envelope(conversation: Conversation): Record<string, unknown>;
  /** Echoes the activity to the feed and runs its turn; resolves to the echo's id. */
  post(conversation: Conversation, activity: Record<string, unknown>): Promise<string>;
}

const MAX_FILES = 5;
const MAX_ACTIVITY_BYTES = 64 * 1024;

/** The parts of the template activity we keep: the rest (ids, from, conversation) is the server's to say. */
const TemplateSchema = z.object({
  type: z.literal('message').optional(),
  text: z.string().max(10_000).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/).optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
});

export function directLineUpload<Conversation extends { id: string }>(deps: DirectLineUploadDependencies<Conversation>): RequestHandler {
  return async (req, res) => {
    const conversation = await deps.authorise(req, res);
    if (!req.is('multipart/form-data')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'L’envoi de fichiers attend un corps multipart/form-data.' });
    const { template, files } = await readMultipart(req, deps.maxFileBytes);
    if (files.length === 0) throw new AppError('VALIDATION_FAILED', { message: 'Aucun fichier n’a été reçu.' });
    const attachments = files.map((file) => ({
      contentType: file.declaredType,
      name: file.name,
      contentUrl: deps.inbox.put({ ...file, conversationId: conversation.id }),
    }));
    const activity = {
      ...deps.envelope(conversation),
      type: 'message',
      ...(template.text ? { text: template.text } : {}),
      ...(template.textFormat ? { textFormat: template.textFormat } : {}),
      ...(template.locale ? { locale: template.locale } : {}),
      ...(template.channelData ? { channelData: template.channelData } : {}),
      attachments,
    };
    res.json({ id: await deps.post(conversation, activity) });
  };
}

type ReceivedFile = Omit<PendingUpload, 'conversationId'>;

function readMultipart(req: Request, maxFileBytes: number): Promise<{ template: z.infer<typeof TemplateSchema>; files: ReceivedFile[] }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: MAX_FILES + 1, fields: 5, fieldSize: MAX_ACTIVITY_BYTES, fileSize: Math.max(maxFileBytes, MAX_ACTIVITY_BYTES) } });
    } catch (error) {
      reject(new AppError('BAD_REQUEST', { cause: error }));
      return;
    }
    let templateText = '';
    const files: Array<Promise<ReceivedFile | undefined>> = [];
    let failure: AppError | undefined;
    parser.on('field', (name, value) => {
      if (name === 'activity') templateText = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      let truncated = false;
      stream.on('limit', () => {
        truncated = true;
      });
      files.push(
        new Promise((done) => {
          stream.on('data', (chunk: Buffer) => {
            if (!truncated) chunks.push(chunk);
          });
          stream.on('close', () => {
            if (field === 'activity') {
              templateText = Buffer.concat(chunks).toString('utf8');
              done(undefined);
              return;
            }
            const bytes = Buffer.concat(chunks);
            const tooLarge = truncated || bytes.length > maxFileBytes;
            done({
              name: (info.filename || 'document').slice(0, 255),
              declaredType: /^[\w.+-]+\/[\w.+-]+$/.test(info.mimeType) ? info.mimeType : 'application/octet-stream',
              ...(tooLarge ? {} : { bytes }),
              size: tooLarge ? maxFileBytes + 1 : bytes.length,
            });
          });
        }),
      );
    });
    parser.on('filesLimit', () => {
      failure = new AppError('VALIDATION_FAILED', { message: `Envoyez au plus ${MAX_FILES} fichiers à la fois.` });
    });
    parser.on('error', (error) => reject(new AppError('BAD_REQUEST', { cause: error })));
    parser.on('close', () => {
      void Promise.all(files).then((received) => {
        if (failure) {
          reject(failure);
          return;
        }
        let template: unknown = {};
        try {
          template = templateText ? JSON.parse(templateText) : {};
        } catch (error) {
          reject(new AppError('MALFORMED_JSON', { cause: error }));
          return;
        }
        const parsed = TemplateSchema.safeParse(template);
        if (!parsed.success) {
          reject(new AppError('VALIDATION_FAILED', { details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) }));
          return;
        }
        resolve({ template: parsed.data, files: received.filter((file): file is ReceivedFile => file !== undefined) });
      });
    });
    req.pipe(parser);
  });
}

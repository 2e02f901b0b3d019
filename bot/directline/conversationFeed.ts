// Each web widget conversation and its activity feed, in MongoDB, so any instance serves it and a restart loses nothing.
import { EventEmitter } from 'node:events';
import type { Activity } from 'botbuilder';
import type { Collection, Connection } from 'mongoose';
import { AppError } from '../../api/errors';
import { newConversationId } from './directLineTokens';

/** The channel id the bot sees for the web widget, and the service URL of its conversation references. */
export const DIRECTLINE_CHANNEL_ID = 'webchat';
export const DIRECTLINE_SERVICE_URL = 'urn:directline:internal';
/** How the bot appears in the widget's feed. */
export const BOT_ACCOUNT = { id: 'territoires-bot', name: 'Assistant', role: 'bot' } as const;

/** An activity as clients read it from the feed: plain JSON, with a server id and timestamp. */
export interface FeedActivity {
  type: string;
  id: string;
  timestamp: string;
  [key: string]: unknown;
}

export interface ConversationRecord {
  id: string;
  userId: string;
  locale: string;
  createdAt: Date;
}

interface ConversationDocument {
  _id: string;
  userId: string;
  locale: string;
  createdAt: Date;
  updatedAt: Date;
  /** The highest sequence number known to be used: a starting hint for the next append, never trusted alone. */
  lastSeq: number;
  /** Set once the user has written: a conversation without it only holds the greeting. */
  hasUserActivity?: boolean;
}

/** A widget user whose tokens were revoked by « supprimer mes données ». */
interface RevocationDocument {
  _id: string;
  /** Every token of the user issued up to this instant is refused. */
  revokedAt: Date;
  /** The conversation kept open for the erasure's confirmation: its old token may still read and post there. */
  keep?: string;
}

export interface Revocation {
  revokedAt: Date;
  keep?: string;
}

/** How long an idle conversation is kept: `emptyBefore` for those where the user never wrote, `abandonedBefore` for the others. */
export interface PurgeCutoffs {
  emptyBefore: Date;
  abandonedBefore: Date;
}

interface ActivityDocument {
  /** The activity id, `<conversationId>|<seq on 7 digits>`, as Direct Line spells them. */
  _id: string;
  conversationId: string;
  seq: number;
  /** The activity as JSON text: cards carry keys such as `$schema`, which MongoDB field names refuse. */
  activity: string;
  createdAt: Date;
}

const DUPLICATE_KEY = 11000;
/** Enough for a crowd of writers on one conversation; beyond that something is wrong. */
const MAX_APPEND_ATTEMPTS = 50;
const DEFAULT_PAGE_SIZE = 100;

/**
 * Tells this process's Direct Line streams that a conversation's feed grew (`'appended'`, with its
 * id), whichever feed instance wrote it: a stream then reads and pushes the new activities at once.
 */
export const feedAppended = new EventEmitter();
feedAppended.setMaxListeners(0);

/**
 * Whether « supprimer mes données » revoked this token: issued up to the revocation, unless used on
 * the conversation kept for the confirmation (`keptConversationId`: the one in the path, where allowed).
 */
export function isRevoked(claims: { issuedAt: number; conversationId?: string }, revocation: Revocation, keptConversationId?: string): boolean {
  if (claims.issuedAt > Math.floor(revocation.revokedAt.getTime() / 1000)) return false;
  return keptConversationId === undefined || revocation.keep !== keptConversationId || claims.conversationId !== keptConversationId;
}

export class ConversationFeed {
  private readonly conversations: Collection<ConversationDocument>;
  private readonly activities: Collection<ActivityDocument>;
  private readonly revocations: Collection<RevocationDocument>;
  private indexes: Promise<unknown> | undefined;
  private lastTimestampMs = 0;

  constructor(
    connection: Connection,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.conversations = connection.collection<ConversationDocument>('directline_conversations');
    this.activities = connection.collection<ActivityDocument>('directline_activities');
    this.revocations = connection.collection<RevocationDocument>('directline_revocations');
  }

  async createConversation(userId: string, locale: string): Promise<ConversationRecord> {
    const at = this.now();
    const id = newConversationId();
    await this.conversations.insertOne({ _id: id, userId, locale, createdAt: at, updatedAt: at, lastSeq: 0 });
    return { id, userId, locale, createdAt: at };
  }

  async findConversation(conversationId: string): Promise<ConversationRecord | undefined> {
    const document = await this.conversations.findOne({ _id: conversationId });
    if (!document) return undefined;
    return { id: document._id, userId: document.userId, locale: document.locale, createdAt: document.createdAt };
  }

  /**
   * Appends activities to a conversation's feed, in order, and returns them as clients will read
   * them (server id, timestamp, conversation). Also the way to reach a widget user proactively.
   *
   * Each activity takes the next free sequence number by inserting it: the unique index is the
   * arbiter between instances, so numbers have no gaps and a poller that has seen `n` never misses
   * an activity that lands later with a number below `n` (which a counter allocated before the
   * insert would allow).
   */
  async appendActivities(conversationId: string, activities: ReadonlyArray<Partial<Activity>>): Promise<FeedActivity[]> {
    if (activities.length === 0) return [];
    await this.ensureIndexes();
    const conversation = await this.conversations.findOne({ _id: conversationId });
    if (!conversation) throw new AppError('DIRECTLINE_CONVERSATION_NOT_FOUND');

    const appended: FeedActivity[] = [];
    let seq = conversation.lastSeq + 1;
    for (const activity of activities) {
      const timestamp = this.nextTimestamp();
      for (let attempt = 1; ; attempt += 1) {
        const stored = toFeedActivity(activity, conversationId, seq, timestamp);
        try {
          await this.activities.insertOne({ _id: stored.id, conversationId, seq, activity: JSON.stringify(stored), createdAt: timestamp });
          appended.push(stored);
          break;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
          seq = (await this.highestSeq(conversationId)) + 1;
        }
      }
      seq += 1;
    }
    const byUser = activities.some((activity) => activity.from?.role === 'user');
    await this.conversations.updateOne({ _id: conversationId }, { $max: { lastSeq: seq - 1 }, $set: { updatedAt: this.now(), ...(byUser ? { hasUserActivity: true } : {}) } });
    feedAppended.emit('appended', conversationId);
    return appended;
  }

  /** The activities after the watermark (the last sequence number the client has seen), oldest first. */
  async readActivities(conversationId: string, watermark: number, limit = DEFAULT_PAGE_SIZE): Promise<{ activities: FeedActivity[]; watermark: number }> {
    const documents = await this.activities
      .find({ conversationId, seq: { $gt: watermark } })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
    return {
      activities: documents.map((document) => JSON.parse(document.activity) as FeedActivity),
      watermark: documents.at(-1)?.seq ?? watermark,
    };
  }

  /** Marks a conversation as in use (a token was issued for it), so the purge leaves it alone. */
  async touch(conversationId: string): Promise<void> {
    await this.conversations.updateOne({ _id: conversationId }, { $set: { updatedAt: this.now() } });
  }

  /**
   * Deletes the idle conversations and their activities: those where the user never wrote, idle
   * since `emptyBefore`, and all others idle since `abandonedBefore`. Returns the deleted ids.
   */
  async purgeIdle(cutoffs: PurgeCutoffs): Promise<string[]> {
    const idle = await this.conversations
      .find({ $or: [{ hasUserActivity: { $ne: true }, updatedAt: { $lt: cutoffs.emptyBefore } }, { updatedAt: { $lt: cutoffs.abandonedBefore } }] }, { projection: { _id: 1 } })
      .toArray();
    const ids = idle.map((conversation) => conversation._id);
    if (ids.length === 0) return [];
    await this.activities.deleteMany({ conversationId: { $in: ids } });
    await this.conversations.deleteMany({ _id: { $in: ids } });
    return ids;
  }

  /** Refuses from now on every token of the user issued so far (but on `keep`, see `Revocation`). */
  async revokeUser(userId: string, options: { keep?: string } = {}): Promise<void> {
    const revokedAt = this.now();
    await this.revocations.replaceOne({ _id: userId }, { revokedAt, ...(options.keep === undefined ? {} : { keep: options.keep }) }, { upsert: true });
  }

  async revocationOf(userId: string): Promise<Revocation | undefined> {
    const document = await this.revocations.findOne({ _id: userId });
    return document ? { revokedAt: document.revokedAt, ...(document.keep === undefined ? {} : { keep: document.keep }) } : undefined;
  }

  /** Forgets the revocations older than any token still valid (`before`: now minus the token lifetime). */
  async purgeRevocations(before: Date): Promise<number> {
    const { deletedCount } = await this.revocations.deleteMany({ revokedAt: { $lt: before } });
    return deletedCount;
  }

  /** The ids of every conversation of a widget user. */
  async conversationIdsOf(userId: string): Promise<string[]> {
    const conversations = await this.conversations.find({ userId }, { projection: { _id: 1 } }).toArray();
    return conversations.map((conversation) => conversation._id);
  }

  /**
   * Deletes every conversation of a widget user and their activities ("supprimer mes données"):
   * afterwards the widget's polling gets 404 and the page starts a fresh conversation. With
   * `keep`, that conversation stays open but emptied of its activities, so the reply to the
   * request that deleted it still reaches the user (its numbering goes on, so their watermark holds).
   */
  async deleteUserHistory(userId: string, options: { keep?: string } = {}): Promise<number> {
    const ids = await this.conversationIdsOf(userId);
    if (ids.length === 0) return 0;
    await this.activities.deleteMany({ conversationId: { $in: ids } });
    await this.conversations.deleteMany({ _id: { $in: ids.filter((id) => id !== options.keep) } });
    return ids.length;
  }

  private async highestSeq(conversationId: string): Promise<number> {
    const [last] = await this.activities.find({ conversationId }).sort({ seq: -1 }).limit(1).toArray();
    return last?.seq ?? 0;
  }

  private ensureIndexes(): Promise<unknown> {
    this.indexes ??= this.activities.createIndex({ conversationId: 1, seq: 1 }, { unique: true, name: 'conversation_seq' }).catch((error: unknown) => {
      this.indexes = undefined;
      throw error;
    });
    return this.indexes;
  }

  /** Strictly increasing, so Web Chat (which orders by timestamp) keeps the feed's order. */
  private nextTimestamp(): Date {
    const ms = Math.max(this.now().getTime(), this.lastTimestampMs + 1);
    this.lastTimestampMs = ms;
    return new Date(ms);
  }
}

function toFeedActivity(activity: Partial<Activity>, conversationId: string, seq: number, timestamp: Date): FeedActivity {
  // JSON round trip: plain data only (dates as ISO strings), as clients will read it.
  const plain = JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
  delete plain.serviceUrl;
  delete plain.deliveryMode;
  return {
    ...plain,
    type: typeof plain.type === 'string' ? plain.type : 'message',
    id: `${conversationId}|${String(seq).padStart(7, '0')}`,
    timestamp: timestamp.toISOString(),
    channelId: DIRECTLINE_CHANNEL_ID,
    conversation: { id: conversationId },
  };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

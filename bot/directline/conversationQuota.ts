// Caps on the Direct Line conversations started per address and per day, and in all per day: counters
// in MongoDB (one document per address and day, one per day in all), so every instance shares them.
import { createHmac } from 'node:crypto';
import type { Collection, Connection } from 'mongoose';

export interface ConversationLimits {
  /** Conversations one address (an IPv6 /56 counts as one) may start in a UTC day. */
  perAddressPerDay: number;
  /** Conversations all addresses together may start in a UTC day. */
  perDay: number;
}

export type QuotaCheck = { allowed: true } | { allowed: false; scope: 'address' | 'global'; retryAfterSeconds: number };

interface CounterDocument {
  /** `<day>|<address key>` or `<day>|*`. */
  _id: string;
  day: string;
  count: number;
}

const GLOBAL_KEY = '*';

export class ConversationQuota {
  private readonly counters: Collection<CounterDocument>;

  constructor(
    connection: Connection,
    private readonly limits: ConversationLimits,
    /** Keys the addresses: the counters never hold an IP address. */
    private readonly secret: string,
  ) {
    this.counters = connection.collection<CounterDocument>('directline_quota');
  }

  /** Counts one conversation for the address, or says which cap it would pass (nothing counted then). */
  async take(address: string, now: Date): Promise<QuotaCheck> {
    const day = now.toISOString().slice(0, 10);
    const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(`${day}T00:00:00.000Z`) + 86_400_000 - now.getTime()) / 1000));
    const addressKey = createHmac('sha256', this.secret).update('directline-quota.v1.').update(address).digest('base64url').slice(0, 22);
    if ((await this.increment(day, addressKey, 1)) > this.limits.perAddressPerDay) {
      await this.increment(day, addressKey, -1);
      return { allowed: false, scope: 'address', retryAfterSeconds };
    }
    if ((await this.increment(day, GLOBAL_KEY, 1)) > this.limits.perDay) {
      await Promise.all([this.increment(day, GLOBAL_KEY, -1), this.increment(day, addressKey, -1)]);
      return { allowed: false, scope: 'global', retryAfterSeconds };
    }
    return { allowed: true };
  }

  /** Deletes the counters of the days before `now`'s. */
  async purgePastDays(now: Date): Promise<number> {
    const { deletedCount } = await this.counters.deleteMany({ day: { $lt: now.toISOString().slice(0, 10) } });
    return deletedCount;
  }

  private async increment(day: string, key: string, by: number): Promise<number> {
    const counter = await this.counters.findOneAndUpdate({ _id: `${day}|${key}` }, { $inc: { count: by }, $setOnInsert: { day } }, { upsert: true, returnDocument: 'after' });
    return counter?.count ?? by;
  }
}

// A scripted official talking to the real bot through /api/messages (expectReplies), for table-driven tests.
import { randomUUID } from 'node:crypto';
import type { DossierRepository } from '../../dossiers/dossierRepository';
import { buildActivity, postExpectingReplies } from './activities';

export interface Reply {
  text: string;
  raw: Record<string, unknown>;
}

/** One line of a conversation table: what the official says, and what must appear in the replies. */
export type Exchange = [said: string | { value: Record<string, unknown>; text?: string }, expected: string | RegExp | Array<string | RegExp>];

export class TestConversation {
  readonly conversationId: string;

  constructor(
    private readonly baseUrl: string,
    readonly userId: string = `user-${randomUUID().slice(0, 8)}`,
    private readonly extra: Record<string, unknown> = {},
  ) {
    this.conversationId = `conv-${randomUUID().slice(0, 8)}`;
  }

  async join(): Promise<Reply[]> {
    return this.post({ type: 'conversationUpdate', membersAdded: [{ id: this.userId }], text: undefined });
  }

  async say(said: Exchange[0]): Promise<Reply[]> {
    return typeof said === 'string' ? this.post({ text: said }) : this.post({ text: said.text ?? '', value: said.value });
  }

  /** Plays a table and checks each expectation against the text of that turn's replies. */
  async play(exchanges: Exchange[]): Promise<void> {
    for (const [said, expected] of exchanges) {
      const replies = await this.say(said);
      const text = replies.map((reply) => reply.text).join('\n---\n');
      for (const expectation of Array.isArray(expected) ? expected : [expected]) {
        const found = typeof expectation === 'string' ? text.includes(expectation) : expectation.test(text);
        if (!found) throw new Error(`After « ${JSON.stringify(said)} », expected ${String(expectation)} in:\n${text}`);
      }
    }
  }

  private async post(overrides: Record<string, unknown>): Promise<Reply[]> {
    const activities = await postExpectingReplies(
      this.baseUrl,
      buildActivity({ conversation: { id: this.conversationId }, from: { id: this.userId, name: 'Agent' }, ...this.extra, ...overrides }),
    );
    return activities.map((raw) => ({ text: typeof raw.text === 'string' ? raw.text : '', raw }));
  }
}

/** What the bot answered to one message, its replies joined by « --- ». */
export async function replies(official: TestConversation, said: string): Promise<string> {
  return (await official.say(said)).map((reply) => reply.text).join('\n---\n');
}

/** The official's draft as saved, failing the test when there is none. */
export async function draftOf(app: { repository: DossierRepository }, official: TestConversation) {
  const draft = await app.repository.findDraftForOwner({ channel: 'test', userId: official.userId });
  if (!draft) throw new Error('No draft');
  return draft;
}

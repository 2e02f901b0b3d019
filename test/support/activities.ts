// Builders for Bot Framework activities as a channel would post them to /api/messages.
import { randomUUID } from 'node:crypto';

export interface ActivityOverrides {
  [key: string]: unknown;
}

export function buildActivity(overrides: ActivityOverrides = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'test',
    serviceUrl: 'http://127.0.0.1:9/',
    conversation: { id: 'conversation-1' },
    from: { id: 'user-1', name: 'Agent de la collectivité' },
    recipient: { id: 'bot', name: 'Assistant' },
    locale: 'fr-FR',
    deliveryMode: 'expectReplies',
    ...overrides,
  };
}

/** POSTs an activity with `expectReplies` and returns the replies the bot put in the HTTP response. */
export async function postExpectingReplies(baseUrl: string, activity: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  if (response.status !== 200) throw new Error(`POST /api/messages answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { activities?: Array<Record<string, unknown>> };
  return body.activities ?? [];
}

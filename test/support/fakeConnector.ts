// A simulated Bot Framework connector (what Teams' service is to the bot): it records the replies the
// bot POSTs to `{serviceUrl}/v3/conversations/:id/activities[/:replyToId]`.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ConnectorCall {
  conversationId: string;
  replyToId: string | undefined;
  activity: Record<string, unknown>;
}

export interface FakeConnector {
  serviceUrl: string;
  calls: ConnectorCall[];
  /** Calls recorded since the last `take`, then forgotten. */
  take(): ConnectorCall[];
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  let taken = 0;
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post(['/v3/conversations/:conversationId/activities', '/v3/conversations/:conversationId/activities/:replyToId'], (req, res) => {
    const params = req.params as { conversationId: string; replyToId?: string };
    calls.push({ conversationId: params.conversationId, replyToId: params.replyToId, activity: req.body as Record<string, unknown> });
    res.json({ id: `reply-${calls.length}` });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    calls,
    take() {
      const fresh = calls.slice(taken);
      taken = calls.length;
      return fresh;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

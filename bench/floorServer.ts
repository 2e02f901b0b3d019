// The floor of the turn benchmark: the product's express app, Direct Line bridge, Bot Framework adapter,
// MongoDB state storage and embedded database around a bot that only echoes. What a turn of ours costs
// above this is what our dialogs, dossiers and routing add. Run as a child process, like `npm start`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  UserState,
  type Activity,
  type BotState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import { createApp } from '../api/app';
import { loadConfig } from '../api/config';
import { connectDatabase } from '../api/database';
import { createLogger } from '../api/logger';
import { StaffAccountRepository } from '../api/staff/staffRepository';
import type { BotRuntime } from '../bot/botRuntime';
import { resolveDirectLineSecret } from '../bot/directline/directLineSecret';
import { MongoStorage } from '../bot/mongoStorage';
import { DossierRepository } from '../dossiers/dossierRepository';
import { createFaqService } from '../knowledge/faq/faqService';

interface EchoMemory {
  turns: number;
}

/** Reads and writes conversation and user state every turn, as our bot does, and answers with the text. */
class EchoBot extends ActivityHandler {
  private readonly memory: StatePropertyAccessor<EchoMemory>;
  private readonly profile: StatePropertyAccessor<EchoMemory>;

  constructor(
    private readonly conversationState: BotState,
    private readonly userState: BotState,
  ) {
    super();
    this.memory = conversationState.createProperty<EchoMemory>('memory');
    this.profile = userState.createProperty<EchoMemory>('profile');
    this.onMembersAdded(async (context, next) => {
      await context.sendActivity('Bonjour ! Je répète ce que vous écrivez.');
      await next();
    });
    this.onMessage(async (context, next) => {
      const memory = await this.memory.get(context, { turns: 0 });
      const profile = await this.profile.get(context, { turns: 0 });
      memory.turns += 1;
      profile.turns += 1;
      await context.sendActivity(`Vous avez écrit : ${context.activity.text ?? ''}`);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }
}

/** Runs activities of our own channel in-process and collects the replies, as the product's runtime does. */
class InternalAdapter extends CloudAdapter {
  async processInternal(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<Activity[]> {
    const response = await this.processActivity('', { ...activity, deliveryMode: 'expectReplies' } as Activity, logic);
    return (response?.body as { activities?: Activity[] } | undefined)?.activities ?? [];
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log);
  const database = await connectDatabase(config.database, logger);
  const { connection } = database;
  const storage = new MongoStorage(connection);
  const bot = new EchoBot(new ConversationState(storage), new UserState(storage));
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const internal = new InternalAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const runtime: BotRuntime = {
    handleMessages: (req, res) => adapter.process(req, res, (context) => bot.run(context)),
    processInternal: (activity) => internal.processInternal(activity, (context) => bot.run(context)),
    notifyStatusChange: async () => undefined,
  };
  const dossiers = new DossierRepository(connection);
  const staffAccounts = new StaffAccountRepository(connection);
  await Promise.all([dossiers.init(), staffAccounts.init()]);
  const app = createApp({
    logger,
    database,
    bot: runtime,
    faq: await createFaqService(),
    version: 'floor',
    directLine: { secret: await resolveDirectLineSecret(config.directLine.secret, connection), tokenTtlSeconds: config.directLine.tokenTtlSeconds },
    staffApi: { dossiers, staffAccounts, rateLimit: config.staffApi.rateLimit },
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(config.http.port, config.http.host, resolve));
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, 'Server listening');
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => {
      database.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

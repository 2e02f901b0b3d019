// The bot: greets officials in French and routes each turn; state is saved once, at the end of the turn.
import { ActivityHandler, ActivityTypes, MessageFactory, type BotState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';

export const WELCOME_TEXT =
  'Bonjour et bienvenue ! Je suis l’assistant « Territoires d’intégration ». ' +
  'Je réponds à vos questions sur les contrats territoriaux d’accueil et d’intégration (CTAI) et les projets territoriaux (PTAI), ' +
  'et je vous accompagne pas à pas pour préparer le dossier de candidature de votre collectivité.';

export const MENU_TEXT = 'Que souhaitez-vous faire ?';
export const MENU_CHOICES = ['Préparer une candidature', 'Poser une question', 'Aide'] as const;

interface UserProfile {
  firstSeenAt: string;
  lastSeenAt: string;
  turns: number;
}

export class AssistantBot extends ActivityHandler {
  private readonly profile: StatePropertyAccessor<UserProfile>;

  constructor(
    private readonly conversationState: BotState,
    private readonly userState: BotState,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
    this.profile = userState.createProperty<UserProfile>('profile');

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const humans = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      if (humans.length > 0) {
        await context.sendActivity(WELCOME_TEXT);
        await this.sendMenu(context);
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.touchProfile(context);
      await context.sendActivity(
        'Les fonctions de l’assistant arrivent très bientôt : la préparation guidée du dossier et les réponses aux questions sont en cours de construction.',
      );
      await this.sendMenu(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    // Only the bot layer saves state, once per turn (STYLE.md §6).
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }

  private async touchProfile(context: TurnContext): Promise<void> {
    const at = this.now().toISOString();
    const profile = await this.profile.get(context, { firstSeenAt: at, lastSeenAt: at, turns: 0 });
    profile.lastSeenAt = at;
    profile.turns += 1;
    this.logger.debug({ activityType: ActivityTypes.Message, turns: profile.turns }, 'Message turn');
  }

  private async sendMenu(context: TurnContext): Promise<void> {
    await context.sendActivity(MessageFactory.suggestedActions([...MENU_CHOICES], MENU_TEXT));
  }
}

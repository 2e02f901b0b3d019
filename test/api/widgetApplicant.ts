// An applicant in the web widget, over the server's real Direct Line: what they write reaches the real Bot Framework adapter.
import type { DossierRepository } from '../../dossiers/dossierRepository';
import type { Dossier } from '../../dossiers/dossierSchema';
import { buildDossier } from '../dossiers/buildDossier';

/** An applicant in the web widget: their own Direct Line conversation. */
export class WidgetApplicant {
  private watermark: string | undefined;
  readonly seen: string[] = [];

  private constructor(
    private readonly baseUrl: string,
    private readonly conversationId: string,
    private readonly token: string,
    readonly userId: string,
  ) {}

  static async start(baseUrl: string): Promise<WidgetApplicant> {
    const { token: userToken } = (await directLine(baseUrl, 'POST', '/tokens/generate')) as { token: string };
    const { conversationId, token } = (await directLine(baseUrl, 'POST', '/conversations', userToken, { locale: 'fr-FR' })) as { conversationId: string; token: string };
    await directLine(baseUrl, 'POST', `/conversations/${conversationId}/activities`, token, { type: 'message', text: 'Préparer une candidature', from: { id: 'ignored' } });
    const { activities } = (await directLine(baseUrl, 'GET', `/conversations/${conversationId}/activities`, token)) as { activities: Array<{ text?: string; from: { id: string } }> };
    const userId = activities.find((activity) => activity.text === 'Préparer une candidature')?.from.id ?? '';
    const applicant = new WidgetApplicant(baseUrl, conversationId, token, userId);
    await applicant.read();
    return applicant;
  }

  async say(text: string): Promise<void> {
    await directLine(this.baseUrl, 'POST', `/conversations/${this.conversationId}/activities`, this.token, { type: 'message', text, from: { id: 'ignored' } });
  }

  /** Waits (bounded) until a bot message containing `text` arrives in the feed. */
  async waitFor(text: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const found = this.seen.find((message) => message.includes(text));
      if (found) return found;
      await this.read();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The applicant never read « ${text} »; they read:\n${this.seen.join('\n---\n')}`);
  }

  /** Waits (bounded) for the bot's next message after those already read, whatever it says. */
  async nextMessage(): Promise<string> {
    const count = this.seen.length;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await this.read();
      const next = this.seen[count];
      if (next !== undefined) return next;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The applicant read nothing new; they read:\n${this.seen.join('\n---\n')}`);
  }

  private async read(): Promise<void> {
    const { activities, watermark } = (await directLine(this.baseUrl, 'GET', `/conversations/${this.conversationId}/activities${this.watermark ? `?watermark=${this.watermark}` : ''}`, this.token)) as {
      activities: Array<{ text?: string; from: { id: string } }>;
      watermark: string;
    };
    this.watermark = watermark;
    for (const activity of activities) if (activity.from.id === 'territoires-bot' && activity.text) this.seen.push(activity.text);
  }
}

async function directLine(baseUrl: string, method: string, route: string, token?: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/v3/directline${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The applicant's draft filled in (as the chat's dialogs fill it, answer after answer) and submitted by them. */
export async function fillAndSubmit(repository: DossierRepository, applicant: WidgetApplicant, name: string, departement?: string, otherFunders?: Dossier['budget']['otherFunders']): Promise<Dossier> {
  const draft = await repository.findDraftForOwner({ channel: 'webchat', userId: applicant.userId });
  if (!draft) throw new Error('The chat did not open a draft');
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, commitments, actions } = buildDossier();
  const filled = await repository.update(draft.reference, draft.version, {
    scheme,
    collectivity: { ...collectivity, name, ...(departement ? { departement } : {}) },
    contact,
    approach,
    diagnostic,
    housingCommitted,
    fields,
    commitments,
    actions,
    ...(otherFunders ? { budget: { otherFunders } } : {}),
  });
  if (!filled.ok) throw new Error(JSON.stringify(filled.error));
  const submitted = await repository.transition(draft.reference, filled.value.version, { to: 'submitted', by: { role: 'applicant', id: applicant.userId } });
  if (!submitted.ok) throw new Error(JSON.stringify(submitted.error));
  return submitted.value;
}

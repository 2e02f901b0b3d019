import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MENU_CHOICES, MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { DirectLineTokens } from '../../bot/directline/directLineTokens';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';
import { startDirectLineServer, type DirectLineTestServer } from './directLineTestServer';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const STORAGE_KEY = 'territoires-integration.webchat';
const ACTIVITY = '.webchat__basic-transcript__activity';
const SECRET = 'a-browser-test-secret-of-at-least-32-chars';

// A 30-turn journey takes ~40 s in real Chromium on 2 idle cores; the margin is for a loaded CI machine.
jest.setTimeout(180_000);

/**
 * The little of the DOM the functions run in the page use: the project compiles without the DOM
 * library, and those functions are serialised, so each one reads `globalThis` itself.
 */
interface PageElement {
  querySelector(selector: string): PageElement | null;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  scrollWidth: number;
}
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement>; documentElement: PageElement };
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

let testDatabase: TestDatabase;
let server: DirectLineTestServer;
let browser: Browser;

beforeAll(async () => {
  testDatabase = await startTestDatabase();
  server = await startDirectLineServer(testDatabase, { secret: SECRET });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await testDatabase?.close();
});

/** A page that records what a reviewer would object to: requests leaving our origin, script errors, CSP violations. */
async function openWidget(context: BrowserContext): Promise<{ page: Page; outside: string[]; problems: string[] }> {
  const page = await context.newPage();
  const origin = new URL(server.url).origin;
  const outside: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith(`blob:${origin}/`) && !url.startsWith('data:')) outside.push(url);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${server.url}/`);
  return { page, outside, problems };
}

async function waitForGreeting(page: Page): Promise<void> {
  await page.getByText(WELCOME_TEXT.slice(0, 40)).first().waitFor();
  await page.getByText(MENU_TEXT).first().waitFor();
}

/** Waits until the transcript's last activity comes from the bot and follows at least `after` activities. */
async function waitForBotReplyAfter(page: Page, after: number): Promise<void> {
  await page.waitForFunction(
    ({ selector, count }) => {
      const { document } = globalThis as unknown as PageGlobals;
      const activities = document.querySelectorAll(selector);
      const last = activities[activities.length - 1];
      return activities.length > count && last !== undefined && last.querySelector('.webchat__bubble--from-user') === null;
    },
    { selector: ACTIVITY, count: after },
  );
}

/** A button of the suggested actions under the transcript (the live region repeats them for screen readers). */
function suggestedAction(page: Page, title: string) {
  return page.getByRole('toolbar', { name: 'Actions suggérées' }).getByRole('button', { name: title, exact: true });
}

function userBubble(page: Page, text: string) {
  return page.locator('.webchat__bubble--from-user').getByText(text, { exact: true });
}

/** Lets Web Chat finish scrolling to the latest message and clear its transient "connecting" notice, for a faithful screenshot. */
async function settle(page: Page): Promise<void> {
  await page.locator('.webchat__connectivityStatus').getByText('Connexion en cours').waitFor({ state: 'hidden' });
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const scrollable = document.querySelector('.webchat__basic-transcript__scrollable');
    return scrollable !== null && scrollable.scrollTop >= scrollable.scrollHeight - scrollable.clientHeight - 2;
  });
}

function storedSession(page: Page): Promise<{ token?: string; conversationId?: string }> {
  return page.evaluate((key) => {
    const { localStorage } = globalThis as unknown as PageGlobals;
    return JSON.parse(localStorage.getItem(key) ?? '{}') as { token?: string; conversationId?: string };
  }, STORAGE_KEY);
}

function userIdOf(token: string | undefined): string {
  const payload = JSON.parse(Buffer.from((token ?? '').split('.')[0] ?? '', 'base64url').toString('utf8')) as { sub: string };
  return payload.sub;
}

/** Waits until an activity after the first `after` ones is from the bot and contains `text`; returns the new count. */
async function waitForBotText(page: Page, after: number, text: string): Promise<number> {
  await page
    .waitForFunction(
      ({ selector, count, expected }) => {
        const { document } = globalThis as unknown as PageGlobals;
        const activities = Array.from(document.querySelectorAll(selector) as ArrayLike<PageElement & { textContent: string | null }>).slice(count);
        return activities.some((activity) => activity.querySelector('.webchat__bubble--from-user') === null && (activity.textContent ?? '').includes(expected));
      },
      { selector: ACTIVITY, count: after, expected: text },
      { timeout: 15_000 },
    )
    .catch(async (error: unknown) => {
      const transcript = (await page.locator(ACTIVITY).allTextContents()).slice(after).join('\n---\n');
      throw new Error(`The bot never said « ${text} » after activity ${after}. It said:\n${transcript}\n(${String(error)})`);
    });
  return page.locator(ACTIVITY).count();
}

/** The latest card in the transcript (the question being asked), pinned: it stays that card when more come. */
async function latestCard(page: Page) {
  const cards = page.locator('.ac-adaptiveCard');
  return cards.nth((await cards.count()) - 1);
}

function cardButton(card: Awaited<ReturnType<typeof latestCard>>, title: string) {
  return card.getByRole('button', { name: title, exact: true });
}

describe('The web widget in Chromium', () => {
  test('When an official chats, clicks a suggested action and reloads, then every reply shows and the history comes back, with nothing fetched from elsewhere', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    try {
      const { page, outside, problems } = await openWidget(context);
      await waitForGreeting(page);

      const beforeClick = await page.locator(ACTIVITY).count();
      await suggestedAction(page, MENU_CHOICES[2]).click();
      await userBubble(page, MENU_CHOICES[2]).waitFor();
      await waitForBotReplyAfter(page, beforeClick + 1);

      const beforeTyping = await page.locator(ACTIVITY).count();
      const input = page.getByPlaceholder('Écrivez votre message…');
      await input.fill('Qui signe un CTAI ?');
      await input.press('Enter');
      await userBubble(page, 'Qui signe un CTAI ?').waitFor();
      await waitForBotReplyAfter(page, beforeTyping + 1);
      const shown = await page.locator(ACTIVITY).count();
      const session = await storedSession(page);

      await page.reload();
      await waitForGreeting(page);
      await userBubble(page, 'Qui signe un CTAI ?').waitFor();
      await page.waitForFunction(({ selector, count }) => (globalThis as unknown as PageGlobals).document.querySelectorAll(selector).length >= count, { selector: ACTIVITY, count: shown });
      await settle(page);
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget.png') });

      expect(await page.locator(ACTIVITY).count()).toBe(shown);
      expect((await storedSession(page)).conversationId).toBe(session.conversationId);
      expect(await userBubble(page, MENU_CHOICES[2]).count()).toBe(1);
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When an official goes through the application by clicking, then every kind of button sends its message and the bot moves on, and an old card cannot answer the current question', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'fr-FR',
    });
    try {
      const { page, problems } = await openWidget(context);
      const input = page.getByPlaceholder('Écrivez votre message…');
      const type = async (text: string, expected: string): Promise<void> => {
        const before = await page.locator(ACTIVITY).count();
        await input.fill(text);
        await input.press('Enter');
        await userBubble(page, text).last().waitFor();
        await waitForBotText(page, before, expected);
      };
      /** Clicks, checks the user's message shows (when it is one that shows), and waits for the bot's next words. */
      const click = async (button: ReturnType<Page['locator']>, expected: string, shown?: string): Promise<void> => {
        const before = await page.locator(ACTIVITY).count();
        await button.click();
        if (shown !== undefined) await userBubble(page, shown).last().waitFor();
        await waitForBotText(page, before, expected);
      };
      await waitForGreeting(page);

      // The menu's suggested actions.
      await click(suggestedAction(page, 'Préparer une candidature'), 'Quel est le nom', 'Préparer une candidature');
      await type('Saint-Flour', 'type de collectivité');
      // A single-choice card.
      await click(cardButton(await latestCard(page), 'Commune'), 'département', 'Commune');
      await type('15', 'SIREN');
      await type('passer', 'habitants');
      await type('6 500 habitants', 'personne à contacter');
      await type('Louis Durand', 'fonction');
      await type('Adjoint aux solidarités', 'adresse électronique');
      await type('l.durand@saint-flour.fr', 'téléphone');
      await type('passer', 'stratégie d’ensemble');
      const approachCard = await latestCard(page);
      await click(cardButton(approachCard, 'Des actions ciblées'), 'diagnostic', 'Des actions ciblées');
      await click(cardButton(await latestCard(page), 'Pas de diagnostic territorial'), 'Dans quels champs', 'Pas de diagnostic territorial');
      // The recommendation names the scheme once: « PTAI (projet territorial …) », no nested brackets.
      const transcript = (await page.locator(ACTIVITY).allTextContents()).join('\n');
      expect(transcript).toContain('Je vous recommande un PTAI (projet territorial d’accueil et d’intégration)');
      expect(transcript).not.toMatch(/\((CTAI|PTAI)\)\)/);
      // A multi-select card and « Valider ».
      const fieldsCard = await latestCard(page);
      await fieldsCard.getByRole('checkbox', { name: 'Mobilité' }).check();
      await click(cardButton(fieldsCard, 'Valider'), 'Quel engagement', 'Mobilité');

      // Old cards, clicked after the question moved on: recognised, and the current question asked again.
      await click(cardButton(fieldsCard, 'Valider'), 'question précédente');
      await waitForBotText(page, (await page.locator(ACTIVITY).count()) - 2, 'Quel engagement');
      await click(cardButton(approachCard, 'Des actions ciblées'), 'question précédente', 'Des actions ciblées');
      // The pending question was left untouched: its own card still answers it.
      await (await latestCard(page)).getByRole('checkbox', { name: 'Relais dans la communication' }).check();
      await click(cardButton(await latestCard(page), 'Valider'), 'relaierez-vous');
      await type('Un article dans le bulletin municipal', 'intitulé');
      await type('Aide au permis de conduire', 'champ');
      await type('Mobilité', 'Décrivez');
      await type('Prise en charge de leçons de conduite.', 'public');
      await type('les deux', 'Combien');
      await type('12', 'coût');
      await type('6 000 €', 'financement');
      await type('6 000 €', 'Qui porte');
      await type('La commune', 'ajouter une autre action');
      await click(cardButton(await latestCard(page), 'Non'), 'D’autres financeurs participent-ils', 'Non');
      // The funders question's own « Non » button: no other funder, and the review comes.
      await click(cardButton(await latestCard(page), 'Non'), 'Que souhaitez-vous faire', 'Non');

      // The review's card shows each action's description.
      await page.locator('.ac-adaptiveCard').getByText('Prise en charge de leçons de conduite.', { exact: true }).first().waitFor();
      // The review's buttons.
      await click(cardButton(await latestCard(page), 'Garder en brouillon'), 'brouillon', 'Garder en brouillon');
      // « reprendre » brings the review back (typing « déposer le dossier » would go straight to the confirmation).
      await type('reprendre', 'Que souhaitez-vous faire');
      await click(cardButton(await latestCard(page), 'Déposer le dossier'), 'Confirmez-vous', 'Déposer le dossier');
      await click(cardButton(await latestCard(page), 'Oui, déposer'), 'a été déposé', 'Oui, déposer');

      // 👍/👎 under an answer of the FAQ.
      await type('Qui signe un CTAI ?', 'Cette réponse vous a aidé');
      await click(cardButton(await latestCard(page), 'Utile'), 'Merci', 'Utile');
      await type('Qui peut candidater à un PTAI ?', 'Cette réponse vous a aidé');
      await click(cardButton(await latestCard(page), 'Pas utile'), 'Merci', 'Pas utile');

      const [dossier] = (await server.repository.list({ page: 1, limit: 10, q: 'Saint-Flour' })).items;
      expect(dossier).toMatchObject({
        status: 'submitted',
        scheme: 'PTAI',
        approach: 'targeted',
        fields: ['mobility'],
        collectivity: { kind: 'commune', departement: '15' },
      });
      expect(dossier?.commitments.map((commitment) => commitment.kind)).toEqual(['communication']);
      await page.screenshot({
        path: path.join(ARTIFACTS, 'widget-journey.png'),
        fullPage: true,
      });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When the official starts a new conversation, then the greeting comes again for the same user', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    try {
      const { page, problems } = await openWidget(context);
      await waitForGreeting(page);
      const first = await storedSession(page);
      await suggestedAction(page, MENU_CHOICES[2]).click();
      await userBubble(page, MENU_CHOICES[2]).waitFor();

      // Cancelled, the question wipes nothing; confirmed, the new conversation starts.
      const questions: string[] = [];
      page.once('dialog', (dialog) => {
        questions.push(dialog.message());
        void dialog.dismiss();
      });
      await page.getByRole('button', { name: 'Nouvelle conversation' }).click();
      await page.waitForTimeout(500);
      expect(questions).toEqual([expect.stringContaining('nouvelle conversation ? Votre brouillon est conservé')]);
      await userBubble(page, MENU_CHOICES[2]).waitFor();
      expect((await storedSession(page)).conversationId).toBe(first.conversationId);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Nouvelle conversation' }).click();
      await userBubble(page, MENU_CHOICES[2]).waitFor({ state: 'detached' });
      await waitForGreeting(page);
      await page.waitForFunction(
        ({ key, previous }) => {
          const { localStorage } = globalThis as unknown as PageGlobals;
          const conversationId = (JSON.parse(localStorage.getItem(key) ?? '{}') as { conversationId?: string }).conversationId;
          return conversationId !== undefined && conversationId !== previous;
        },
        { key: STORAGE_KEY, previous: first.conversationId },
      );
      const second = await storedSession(page);

      expect(second.conversationId).not.toBe(first.conversationId);
      expect(userIdOf(second.token)).toBe(userIdOf(first.token));
      expect(await userBubble(page, MENU_CHOICES[2]).count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When the official comes back the next day with an expired token, then the page starts cleanly as a new anonymous user (issue 15, F10: an expired token is never renewed)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    try {
      const { page, problems } = await openWidget(context);
      await waitForGreeting(page);
      const input = page.getByPlaceholder('Écrivez votre message…');
      await input.fill('Je reviendrai demain');
      await input.press('Enter');
      await userBubble(page, 'Je reviendrai demain').waitFor();
      const today = await storedSession(page);
      const yesterday = new DirectLineTokens(SECRET, 3600, () => new Date(Date.now() - 24 * 3600 * 1000));
      const expired = yesterday.issue({ userId: userIdOf(today.token), ...(today.conversationId ? { conversationId: today.conversationId } : {}) }).token;
      // Leave the widget first: on leaving, the page stores its current (valid) token, which would overwrite the expired one.
      await page.goto(`${server.url}/healthz`);
      await page.evaluate(
        ({ key, value }) => (globalThis as unknown as PageGlobals).localStorage.setItem(key, value),
        { key: STORAGE_KEY, value: JSON.stringify({ token: expired, conversationId: today.conversationId }) },
      );

      problems.length = 0;
      await page.goto(`${server.url}/`);
      await waitForGreeting(page);
      await page.waitForFunction((key) => Boolean(JSON.parse((globalThis as unknown as PageGlobals).localStorage.getItem(key) ?? '{}').conversationId), STORAGE_KEY);
      const tomorrow = await storedSession(page);

      expect(tomorrow.conversationId).not.toBe(today.conversationId);
      expect(userIdOf(tomorrow.token)).not.toBe(userIdOf(today.token));
      expect(await userBubble(page, 'Je reviendrai demain').count()).toBe(0);
      // The only complaint is the browser's own line for the refused token (403), which the page answers by starting anew.
      expect(problems.filter((problem) => !/status of 403/.test(problem))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When the page is opened on a phone, then the chat fills the screen below the header and the send box is within reach', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
    try {
      const { page, outside, problems } = await openWidget(context);
      await waitForGreeting(page);
      const input = page.getByPlaceholder('Écrivez votre message…');
      await input.fill('Bonjour');
      await input.press('Enter');
      await userBubble(page, 'Bonjour').waitFor();
      await waitForBotReplyAfter(page, 3);
      await settle(page);
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget-mobile.png') });

      const chat = await page.locator('#conversation').boundingBox();
      const sendBox = await input.boundingBox();
      const pageWidth = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth);
      expect(chat?.height).toBeGreaterThan(844 * 0.75);
      expect((chat?.y ?? 0) + (chat?.height ?? 0)).toBeLessThanOrEqual(844 + 1);
      expect((sendBox?.y ?? Infinity) + (sendBox?.height ?? 0)).toBeLessThanOrEqual(844);
      expect(pageWidth).toBeLessThanOrEqual(390);
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When the page is served, then it is in French with a policy that allows only our own origin', async () => {
    const response = await fetch(`${server.url}/`);
    const html = await response.text();
    const policy = response.headers.get('content-security-policy') ?? '';

    expect(response.status).toBe(200);
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Vos données');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    const assets = await Promise.all(['/assets/webchat.js', '/assets/widget.js', '/assets/widget.css', '/assets/dsfr/dsfr.min.css', '/assets/dsfr/fonts/Marianne-Regular.woff2'].map((asset) => fetch(`${server.url}${asset}`)));
    expect(assets.map((asset) => asset.status)).toEqual([200, 200, 200, 200, 200]);
  });
});

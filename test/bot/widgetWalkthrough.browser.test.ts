// What a stranger's walkthrough of the widget found, in real Chromium: 👍/👎 after an answer given in
// the middle of the application, cards on a 390 px phone, and French screen-reader timestamps.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';
import { startDirectLineServer, type DirectLineTestServer } from './directLineTestServer';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const ACTIVITY = '.webchat__basic-transcript__activity';
const MIN_TARGET_PX = 44;

jest.setTimeout(180_000);

/** The little of the DOM the functions run in the page use (the project compiles without the DOM library). */
interface PageElement {
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  closest(selector: string): PageElement | null;
  checkVisibility(): boolean;
  getBoundingClientRect(): { width: number; height: number };
  getAttribute(name: string): string | null;
}
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<PageElement> };
}

let testDatabase: TestDatabase;
let server: DirectLineTestServer;
let browser: Browser;

beforeAll(async () => {
  testDatabase = await startTestDatabase();
  server = await startDirectLineServer(testDatabase);
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await testDatabase?.close();
});

async function openWidget(context: BrowserContext): Promise<{ page: Page; problems: string[]; say: (text: string, expected: string) => Promise<void> }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${server.url}/`);
  await page.getByText(WELCOME_TEXT.slice(0, 40)).first().waitFor();
  await page.getByText(MENU_TEXT).first().waitFor();
  const input = page.getByPlaceholder('Écrivez votre message…');
  const say = async (text: string, expected: string): Promise<void> => {
    await input.fill(text);
    await input.press('Enter');
    await page.locator(ACTIVITY).last().locator('.webchat__bubble__content').getByText(expected, { exact: false }).first().waitFor({ timeout: 20_000 });
  };
  return { page, problems, say };
}

/** A visible 👍/👎 control, wherever the widget shows it (suggested actions or a card under the answer). */
function feedbackButton(page: Page, title: string) {
  return page.locator('.webchat__suggested-actions, .ac-adaptiveCard').getByRole('button', { name: title, exact: true }).last();
}

describe('The web widget, as a stranger walks through it', () => {
  test('When an official asks a question in the middle of the application, then 👍/👎 stay under the answer, and a click is recorded in faq_feedback', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    try {
      const { page, problems, say } = await openWidget(context);
      await say('Préparer une candidature', 'Quel est le nom');
      await say('Qui signe un CTAI ?', 'Quel est le nom');
      await page.getByText('Cette réponse vous a aidé ?', { exact: true }).first().waitFor();

      // Debian's headless Chromium has no colour emoji font: 👍/👎 drew as empty boxes. Only text the page's fonts draw.
      const labels = await page.locator('.ac-adaptiveCard').last().getByRole('button').allInnerTexts();
      expect(labels.map((label) => label.trim())).toEqual(['Utile', 'Pas utile']);
      await page.locator('.ac-adaptiveCard').last().screenshot({ path: path.join(ARTIFACTS, 'widget-feedback-buttons.png') });

      const before = await page.locator(ACTIVITY).count();
      await feedbackButton(page, 'Utile').click({ timeout: 10_000 });
      await page.locator('.webchat__bubble--from-user').getByText('Utile', { exact: true }).waitFor();
      await page.locator(ACTIVITY).nth(before + 1).getByText('Merci pour votre retour', { exact: false }).first().waitFor();
      // The pending question is asked again, and still answers as before.
      await page.locator(ACTIVITY).last().getByText('Quel est le nom', { exact: false }).first().waitFor();
      await say('Saint-Flour', 'type de collectivité');

      const feedback = await server.database.connection.db!.collection('faq_feedback').find({ question: 'Qui signe un CTAI ?' }).toArray();
      expect(feedback).toHaveLength(1);
      expect(feedback[0]).toMatchObject({ helpful: true, channel: 'webchat', answered: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When the page is on a 390 px wide phone, then card labels wrap uncut and every button and check box is at least 44 px', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
    try {
      const { page, problems, say } = await openWidget(context);
      /** Every visible button and check box of the conversation that is smaller than 44 × 44 px, and every cut label. */
      // Measured in one pass inside the page: the transcript changes while it is read (the live region is emptied).
      const smallTargets = (): Promise<string[]> =>
        page.evaluate((minimum) => {
          const { document } = globalThis as unknown as PageGlobals;
          const found: string[] = [];
          for (const target of Array.from(document.querySelectorAll('#conversation button, #conversation input[type="checkbox"], #conversation input[type="radio"]'))) {
            // Web Chat's live region repeats each new activity, visually hidden, for screen readers: not a target.
            if (target.closest('.webchat__live-region-transcript') !== null || !target.checkVisibility()) continue;
            const box = target.getBoundingClientRect();
            if (box.width < minimum || box.height < minimum) {
              const name = target.getAttribute('aria-label') ?? target.textContent ?? target.getAttribute('title') ?? '?';
              found.push(`${name.trim()} ${Math.round(box.width)}×${Math.round(box.height)}`);
            }
          }
          return found;
        }, MIN_TARGET_PX);
      const cutLabels = (): Promise<string[]> =>
        page.evaluate(() => {
          const { document } = globalThis as unknown as PageGlobals;
          const cut: string[] = [];
          for (const element of Array.from(document.querySelectorAll('.ac-adaptiveCard button, .ac-adaptiveCard button *, .ac-adaptiveCard label, .ac-adaptiveCard label *'))) {
            if (element.scrollWidth > element.clientWidth + 1) cut.push(element.textContent ?? '');
          }
          return cut;
        });

      await say('Préparer une candidature', 'Quel est le nom');
      await say('Saint-Flour', 'type de collectivité');
      const kinds = page.locator('.ac-adaptiveCard').last();
      await kinds.getByRole('button', { name: 'Communauté d’agglomération', exact: true }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget-mobile-choices.png') });
      expect(await cutLabels()).toEqual([]);
      expect(await smallTargets()).toEqual([]);

      await say('Commune', 'département');
      await say('15', 'SIREN');
      await say('passer', 'habitants');
      await say('6 500 habitants', 'personne à contacter');
      await say('Louis Durand', 'fonction');
      await say('Adjoint aux solidarités', 'adresse électronique');
      await say('l.durand@saint-flour.fr', 'téléphone');
      await say('passer', 'stratégie d’ensemble');
      await say('Des actions ciblées', 'diagnostic');
      await say('Pas de diagnostic territorial', 'Dans quels champs');
      await page.locator('.ac-adaptiveCard').last().getByRole('checkbox', { name: 'Mobilité' }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, 'widget-mobile-card.png') });
      expect(await cutLabels()).toEqual([]);
      expect(await smallTargets()).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When a screen reader reads when a message was sent, then it hears a French 24-hour time', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    try {
      const { page, problems, say } = await openWidget(context);
      await say('Aide', 'Préparer une candidature');
      const texts = await page.locator('.webchat__activity-status, [class*="screen-reader"], .webchat__basic-transcript__activity-indicator, [aria-roledescription]').allTextContents();
      const allText = (await page.locator('#webchat').textContent()) ?? '';
      const spoken = [...texts, allText].join('\n');
      expect(spoken).not.toMatch(/\b(AM|PM)\b/);
      expect(allText).toMatch(/Envoyé le \d{1,2} [a-zéû]+ à \d{2}:\d{2}/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

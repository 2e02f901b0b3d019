// What a stranger's walkthrough of the widget found, in real Chromium: 👍/👎 after an answer given in
// the middle of the application, cards on a 390 px phone, and French screen-reader timestamps.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { startTestDatabase, type TestDatabase } from '../support/testDatabase';
import { startDirectLineServer, type DirectLineTestServer } from './directLineTestServer';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ACTIVITY = '.webchat__basic-transcript__activity';

jest.setTimeout(180_000);


let testDatabase: TestDatabase;
let server: DirectLineTestServer;
let browser: Browser;

beforeAll(async () => {
  testDatabase = await startTestDatabase();
  server = await startDirectLineServer(testDatabase);
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

      const before = await page.locator(ACTIVITY).count();
      await feedbackButton(page, '👍 Utile').click({ timeout: 10_000 });
      await page.locator('.webchat__bubble--from-user').getByText('👍 Utile', { exact: true }).waitFor();
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
});

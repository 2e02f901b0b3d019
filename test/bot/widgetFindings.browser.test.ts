// What the walkthrough of 3 December 2026 found in the widget, in real Chromium: the attached file's
// name readable in the official's own bubble, prefecture notifications shown without a reload, the
// dossier reference unbroken on a phone, « Vos données » landing on its heading, no CSP error on a PNG.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { startTestApp, type TestApp } from '../support/testApp';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ACTIVITY = '.webchat__basic-transcript__activity';
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

jest.setTimeout(180_000);

/** The little of the DOM the functions run in the page use (the project compiles without the DOM library). */
interface PageElement {
  textContent: string | null;
  parentElement: PageElement | null;
  children: ArrayLike<PageElement>;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getClientRects(): ArrayLike<unknown>;
  getBoundingClientRect(): { top: number; height: number };
}
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<PageElement>; getElementById(id: string): PageElement | null };
  getComputedStyle(element: PageElement): { color: string; backgroundColor: string; display: string; visibility: string };
}

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openWidget(context: BrowserContext): Promise<{ page: Page; problems: string[]; say: (text: string, expected: string) => Promise<void> }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${app.url}/`);
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

/** Attaches a file with the paperclip (sent at once) and waits for the server's echo of it. */
async function attach(page: Page, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await page.locator('input[type="file"]').setInputFiles({ name, mimeType, buffer });
  await page.locator('.webchat__bubble--from-user').getByText(name, { exact: false }).first().waitFor({ timeout: 20_000 });
}

/** Each visible text of the user's attachments, with its contrast ratio against the colour behind it. */
function attachmentContrasts(page: Page): Promise<Array<{ text: string; color: string; background: string; ratio: number }>> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const parse = (css: string): number[] => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]): number => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const backgroundOf = (element: PageElement): string => {
      for (let at: PageElement | null = element; at; at = at.parentElement) {
        const background = getComputedStyle(at).backgroundColor;
        const [, , , alpha = 1] = parse(background);
        if (background !== 'transparent' && alpha > 0) return background;
      }
      return 'rgb(255, 255, 255)';
    };
    const found: Array<{ text: string; color: string; background: string; ratio: number }> = [];
    for (const bubble of Array.from(document.querySelectorAll('.webchat__bubble--from-user .webchat__fileContent'))) {
      const all = [bubble, ...Array.from(bubble.querySelectorAll('*'))];
      for (const element of all) {
        const ownText = Array.from(element.children).length === 0 ? (element.textContent ?? '').trim() : '';
        const style = getComputedStyle(element);
        if (!ownText || style.visibility === 'hidden' || element.getClientRects().length === 0) continue;
        const background = backgroundOf(element);
        const a = luminance(parse(style.color));
        const b = luminance(parse(background));
        found.push({ text: ownText, color: style.color, background, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
      }
    }
    return found;
  });
}

describe('The web widget, after the walkthrough of 3 December 2026', () => {
  test.each([
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ])('When an official attaches a file (%s), then its name and size read at 4.5:1 at least in their own bubble, and a PNG logs no CSP error', async (_label, viewport) => {
    const context = await browser.newContext({ viewport, locale: 'fr-FR', ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}) });
    try {
      const { page, problems } = await openWidget(context);
      await attach(page, 'diagnostic-territorial-2025.pdf', 'application/pdf', PDF);
      await attach(page, 'logo-collectivite.png', 'image/png', PNG_1PX);
      await page.waitForTimeout(1500);
      const contrasts = await attachmentContrasts(page);
      expect(contrasts.map((entry) => entry.text)).toEqual(expect.arrayContaining([expect.stringContaining('diagnostic-territorial-2025.pdf'), expect.stringContaining('logo-collectivite.png')]));
      const poor = contrasts.filter((entry) => entry.ratio < 4.5);
      expect(poor).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When the prefecture writes to an official whose widget is open, then each message appears without a reload (8 in a row)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    try {
      const { page, problems, say } = await openWidget(context);
      await say('Préparer une candidature', 'Quel est le nom');
      const stored = await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('territoires-integration.webchat') ?? '{}');
      // The token's payload names the user the server chose (`sub`).
      const token = (JSON.parse(stored) as { token?: string }).token ?? '';
      const userId = (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { sub: string }).sub;
      const draft = await app.repository.findDraftForOwner({ channel: 'webchat', userId });
      expect(draft).not.toBeNull();
      const missed: string[] = [];
      for (let round = 1; round <= 8; round += 1) {
        // Idle a varying while, as an official reading the page does, then the prefecture writes.
        await page.waitForTimeout(round % 2 === 0 ? 2500 : 400);
        const text = `Message de la préfecture numéro ${round} pour ${draft!.reference}`;
        expect(await app.bot.notifyOwner(draft!.owner, text, { reference: draft!.reference, reason: 'test' })).toBe(true);
        const shown = await page
          .locator(ACTIVITY)
          .getByText(text, { exact: true })
          .first()
          .waitFor({ timeout: 5000 })
          .then(() => true, () => false);
        if (!shown) missed.push(text);
      }
      expect(missed).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

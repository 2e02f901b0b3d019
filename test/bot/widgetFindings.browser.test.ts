// What the walkthrough of 3 December 2026 found in the widget, in real Chromium: the attached file's
// name readable in the official's own bubble, prefecture notifications shown without a reload, the
// dossier reference unbroken on a phone, « Vos données » landing on its heading, no CSP error on a PNG.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { formatEuros } from '../../knowledge/formatting';
import { startTestApp, type TestApp } from '../support/testApp';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ACTIVITY = '.webchat__basic-transcript__activity';
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

jest.setTimeout(180_000);

/** The little of the DOM the functions run in the page use (the project compiles without the DOM library). */
interface PageElement {
  textContent: string | null;
  firstChild: PageElement | null;
  nextSibling: PageElement | null;
  nodeType: number;
  parentElement: PageElement | null;
  children: ArrayLike<PageElement>;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getClientRects(): ArrayLike<unknown>;
  getBoundingClientRect(): { top: number; height: number; right: number };
}
interface PageRange {
  setStart(node: PageElement, offset: number): void;
  setEnd(node: PageElement, offset: number): void;
  getClientRects(): ArrayLike<{ top: number; width: number }>;
}
interface PageGlobals {
  document: {
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    getElementById(id: string): PageElement | null;
    createRange(): PageRange;
    documentElement: { scrollWidth: number };
  };
  innerWidth: number;
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

function storedToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    const stored = (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('territoires-integration.webchat') ?? '{}';
    return (JSON.parse(stored) as { token?: string }).token ?? '';
  });
}

/** The user the server chose, as the token's payload names it (`sub`). */
function userIdOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { sub: string }).sub;
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

const VIEWPORTS: Array<[string, { width: number; height: number }]> = [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
];

function contextFor(viewport: { width: number; height: number }): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'fr-FR', ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}) });
}

/**
 * Each occurrence of `words` in the last bot bubble that was drawn on more than one line, and how far
 * the bubbles and the page reach to the right.
 */
function cutWords(page: Page, words: string[]): Promise<{ occurrences: number; cut: string[]; rightmost: number; pageWidth: number; viewport: number }> {
  return page.evaluate((wanted) => {
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    const bubbles = Array.from(document.querySelectorAll('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content'));
    const bubble = bubbles[bubbles.length - 1];
    const texts: PageElement[] = [];
    const walk = (node: PageElement | null): void => {
      for (let child = node?.firstChild ?? null; child; child = child.nextSibling) {
        if (child.nodeType === 3) texts.push(child);
        else walk(child);
      }
    };
    walk(bubble ?? null);
    let occurrences = 0;
    const cut: string[] = [];
    for (const text of texts) {
      const content = text.textContent ?? '';
      for (const word of wanted) {
        for (let at = content.indexOf(word); at >= 0; at = content.indexOf(word, at + 1)) {
          occurrences += 1;
          const range = document.createRange();
          range.setStart(text, at);
          range.setEnd(text, at + word.length);
          const lines = new Set(Array.from(range.getClientRects()).filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
          if (lines.size > 1) cut.push(word);
        }
      }
    }
    const rightmost = Math.max(...Array.from(document.querySelectorAll('.webchat__bubble')).map((element) => element.getBoundingClientRect().right));
    return { occurrences, cut, rightmost, pageWidth: document.documentElement.scrollWidth, viewport: innerWidth };
  }, words);
}

describe('The web widget, after the walkthrough of 3 December 2026', () => {
  test('When a bot message on a phone gives a dossier reference, an e-mail and an amount, then none is cut across two lines and nothing overflows the screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
    try {
      const { page, problems, say } = await openWidget(context);
      await say('Préparer une candidature', 'Quel est le nom');
      const userId = userIdOf(await storedToken(page));
      const draft = await app.repository.findDraftForOwner({ channel: 'webchat', userId });
      expect(draft).not.toBeNull();
      const reference = 'TI-2026-00001';
      const email = 'bpi@cher.gouv.fr';
      const amount = formatEuros(125000);
      // Fillers of every length, so that each word meets the end of a line somewhere in the bubble.
      const sentences = Array.from({ length: 14 }, (_unused, index) => `${'x'.repeat(index + 1)} ${[reference, email, amount][index % 3]}`);
      const text = `Dossier ${reference} : ${sentences.join(' ; ')}.`;
      expect(await app.bot.notifyOwner(draft!.owner, text, { reference: draft!.reference, reason: 'test' })).toBe(true);
      await page.locator(ACTIVITY).last().getByText(email, { exact: false }).first().waitFor({ timeout: 10_000 });
      const measured = await cutWords(page, [reference, email, amount]);
      expect(measured.occurrences).toBe(15);
      expect(measured.cut).toEqual([]);
      expect(measured.rightmost).toBeLessThanOrEqual(measured.viewport);
      expect(measured.pageWidth).toBeLessThanOrEqual(390);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test.each(VIEWPORTS)('When the official follows « Vos données » (%s), then the page lands on the « Vos données » heading', async (_label, viewport) => {
    const context = await contextFor(viewport);
    try {
      const { page, problems } = await openWidget(context);
      // Web Chat's transient « Connexion en cours » notice changes the page's height when it goes: the link is followed after it.
      await page.locator('.webchat__connectivityStatus').getByText('Connexion en cours').waitFor({ state: 'hidden' });
      await page.locator('.ti-chat__actions').getByRole('link', { name: 'Vos données', exact: true }).click();
      const heading = page.getByRole('heading', { name: 'Vos données', exact: true });
      await page.waitForFunction(() => {
        const { document } = globalThis as unknown as PageGlobals;
        return document.querySelectorAll(':target').length === 1;
      });
      const target = await page.evaluate(() => {
        const { document } = globalThis as unknown as PageGlobals;
        return document.querySelectorAll(':target')[0]?.textContent ?? '';
      });
      expect(target).toBe('Vos données');
      // Where the heading comes to rest (a smooth scroll may still be moving it): bounded, 40 × 50 ms.
      let box = await heading.boundingBox();
      for (let i = 0; i < 40; i += 1) {
        await page.waitForTimeout(50);
        const next = await heading.boundingBox();
        if (next !== null && box !== null && next.y === box.y) break;
        box = next;
      }
      expect(box).not.toBeNull();
      // At the top of the screen, not somewhere below the section's first heading.
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeLessThan(viewport.height / 3);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test.each(VIEWPORTS)('When an official attaches a file (%s), then its name and size read at 4.5:1 at least in their own bubble, and a PNG logs no CSP error', async (_label, viewport) => {
    const context = await contextFor(viewport);
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
      const userId = userIdOf(await storedToken(page));
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

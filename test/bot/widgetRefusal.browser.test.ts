// The widget refused with a 429 (the per-minute limit on new users, the daily cap on new conversations
// per address): the page says why in French and when to retry (from Retry-After), and retries by itself
// when the wait is short. Real server over HTTP, real Chromium.
import { chromium, type Browser, type Page } from 'playwright-core';
import { MENU_TEXT } from '../../bot/assistantBot';
import { startTestApp, type TestApp } from '../support/testApp';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

jest.setTimeout(180_000);

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  // One new conversation per address and per day: the second browser is refused.
  app = await startTestApp({ directLine: { conversationLimits: { perAddressPerDay: 1, perDay: 1_000 } } });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The page, and the Retry-After of each 429 it received. */
async function openWidget(): Promise<{ page: Page; retryAfter: number[] }> {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  const retryAfter: number[] = [];
  page.on('response', (response) => {
    if (response.status() === 429) retryAfter.push(Number(response.headers()['retry-after']));
  });
  await page.goto(`${app.url}/`);
  return { page, retryAfter };
}

const status = (page: Page) => page.locator('#ti-status');

describe('The widget refused with a 429', () => {
  test('When the per-minute limit on new users is reached, then the page gives the reason and the wait in French, and starts by itself once it is over', async () => {
    // Someone on the same address took every new-user token of this minute.
    for (let index = 0; index < 60; index += 1) await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST' });

    const { page, retryAfter } = await openWidget();

    await status(page).filter({ hasText: 'Nouvel essai possible dans' }).waitFor();
    const text = (await status(page).textContent()) ?? '';
    expect(text).toContain('Trop de requêtes : réessayez dans un instant.');
    expect(text).toMatch(/Nouvel essai possible dans \d+ secondes? \(à \d{2}:\d{2}\)\. La page réessaiera d’elle-même\./);
    expect(text).not.toContain('a échoué');
    expect(retryAfter[0]).toBeGreaterThan(0);
    expect(retryAfter[0]).toBeLessThanOrEqual(60);
    // Once the minute is over, the page starts the conversation without a reload.
    await page.getByText(MENU_TEXT).first().waitFor({ timeout: 75_000 });
    expect(await status(page).textContent()).toBe('');
    await page.context().close();
  });

  test('When the address has opened its conversations of the day, then a new visitor reads why and at what time to come back, not « la connexion a échoué »', async () => {
    // The first test's visitor opened the one conversation of the day.
    const { page, retryAfter } = await openWidget();

    await status(page).filter({ hasText: 'Nouvel essai possible dans' }).waitFor();
    const text = (await status(page).textContent()) ?? '';
    expect(text).toContain('Trop de conversations ont été ouvertes depuis votre adresse aujourd’hui');
    const seconds = retryAfter[0] ?? 0;
    expect(seconds).toBeGreaterThan(0);
    // The wait until the next UTC day, as « 3 h 05 min » or « 12 minutes », and the time in Paris.
    const at = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(new Date(Date.now() + seconds * 1000));
    expect(text).toMatch(/Nouvel essai possible dans (\d+ h( \d{2} min)?|\d+ minutes?|\d+ secondes?) \((demain )?à \d{2}:\d{2}\)\./);
    expect(text).toContain(at);
    expect(text).not.toContain('a échoué');
    await page.waitForTimeout(4_000);
    // Nothing was retried behind the reader's back (the wait is long): still the one refusal.
    expect(retryAfter).toHaveLength(1);
    await page.context().close();
  });
});

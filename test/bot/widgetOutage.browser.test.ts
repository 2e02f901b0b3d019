// The widget under an outage: the real server process is killed and restarted on the same port while
// a page stays open in Chromium; the page says so in French and carries on without a reload.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { MENU_TEXT } from '../../bot/assistantBot';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ACTIVITY = '.webchat__basic-transcript__activity';

jest.setTimeout(240_000);
// Starting `node --import tsx api/main.ts` takes seconds on a loaded machine (2 cores shared).
const SERVER_START_MS = 90_000;

let browser: Browser;
let dataDir: string;
let server: ServerProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'ti-widget-outage-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('The web widget through a server outage', () => {
  test('When the server is killed and restarted under an open page, then the page says so in French, receives again without a reload, and a message sent meanwhile can be resent and answered', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
    server = await startServerProcess(env, SERVER_START_MS);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const sockets: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('websocket', (socket) => sockets.push(socket.url()));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByText(MENU_TEXT).first().waitFor();
      const status = page.locator('#ti-status');
      const input = page.getByPlaceholder('Écrivez votre message…');

      server.child.kill('SIGKILL');
      await server.exited;
      await status.getByText('La connexion à l’assistant est interrompue').waitFor({ timeout: 15_000 });

      // Typed during the outage: it cannot leave, and the page says so.
      await input.fill('Qui signe un CTAI ?');
      await input.press('Enter');
      await page.getByText('Échec de l’envoi', { exact: false }).first().waitFor({ timeout: 30_000 });

      server = await startServerProcess(env, SERVER_START_MS);
      await status.getByText('La connexion à l’assistant est rétablie').waitFor({ timeout: 30_000 });

      // Resent with Web Chat's own « Réessayez »: delivered, and its answer shows, without a reload.
      const before = await page.locator(ACTIVITY).count();
      await page.getByRole('button', { name: 'Réessayez' }).first().click();
      await page.waitForFunction(
        ({ selector, count }) => {
          const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ querySelector(s: string): unknown }> } };
          const activities = document.querySelectorAll(selector);
          const last = activities[activities.length - 1];
          return activities.length > count && last !== undefined && last.querySelector('.webchat__bubble--from-user') === null;
        },
        { selector: ACTIVITY, count: before },
        { timeout: 20_000 },
      );
      // And a new message afterwards gets its reply pushed too.
      const afterResend = await page.locator(ACTIVITY).count();
      await input.fill('Aide');
      await input.press('Enter');
      await page.waitForFunction(({ selector, count }) => (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document.querySelectorAll(selector).length >= count + 2, {
        selector: ACTIVITY,
        count: afterResend,
      });

      // Web Chat 4.18 keeps the failed copy (still marked « Échec de l'envoi ») beside the one it resent.
      expect(await page.locator('.webchat__bubble--from-user').getByText('Qui signe un CTAI ?', { exact: true }).count()).toBe(2);
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect(sockets.every((url) => url.startsWith(`ws://127.0.0.1:${port}/v3/directline/conversations/`))).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('When an official ticks boxes and clicks « Valider » while the server is away, then the choice shows as failed with « Réessayez », and resent once the server is back it is answered', async () => {
    // The previous test's server still holds the data folder.
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
    server = await startServerProcess(env, SERVER_START_MS);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByText(MENU_TEXT).first().waitFor();
      const status = page.locator('#ti-status');
      const input = page.getByPlaceholder('Écrivez votre message…');
      const say = async (text: string, expected: string): Promise<void> => {
        await input.fill(text);
        await input.press('Enter');
        await page.locator(ACTIVITY).last().locator('.webchat__bubble__content').getByText(expected, { exact: false }).first().waitFor({ timeout: 20_000 });
      };
      await say('Préparer une candidature', 'Quel est le nom');
      await say('Saint-Flour', 'type de collectivité');
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
      const card = page.locator('.ac-adaptiveCard').last();

      server.child.kill('SIGKILL');
      await server.exited;
      await status.getByText('La connexion à l’assistant est interrompue').waitFor({ timeout: 15_000 });

      await card.getByRole('checkbox', { name: 'Garde d’enfants' }).check();
      await card.getByRole('checkbox', { name: 'Mobilité' }).check();
      await card.getByRole('button', { name: 'Valider', exact: true }).click();
      // The choice is not lost: it shows as the official's message, marked as not sent.
      const chosen = page.locator('.webchat__bubble--from-user').getByText('Mobilité, Garde d’enfants', { exact: true });
      await chosen.first().waitFor({ timeout: 10_000 });
      await page.getByText('Échec de l’envoi', { exact: false }).first().waitFor({ timeout: 30_000 });

      server = await startServerProcess(env, SERVER_START_MS);
      await status.getByText('La connexion à l’assistant est rétablie').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Réessayez' }).first().click();
      await page.locator(ACTIVITY).last().locator('.webchat__bubble__content').getByText('Quel engagement', { exact: false }).first().waitFor({ timeout: 20_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

// ProConnect sign-in and the administrators' account pages in real Chromium, audited with axe-core.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { ProConnectSettings } from '../../api/auth/proConnect';
import { startTestApp, type TestApp } from '../support/testApp';
import { createAgent, launchChromium, seriousViolations, signInWithKeyboard, type TestAgent } from './instructionSupport';
import { startOidcProvider, type TestOidcProvider } from './instructionOidcProvider';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

jest.setTimeout(120_000);

let provider: TestOidcProvider;
let app: TestApp;
let browser: Browser;
let admin: TestAgent;

beforeAll(async () => {
  provider = await startOidcProvider();
  const settings: ProConnectSettings = { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, redirectUri: '', scopes: 'openid email' };
  app = await startTestApp({ instruction: { proConnect: settings } });
  // The settings are read at each sign-in: the app's port is known only now.
  settings.redirectUri = `${app.url}/instruction/proconnect/retour`;
  provider.redirectUris.add(settings.redirectUri);
  browser = await launchChromium();
  admin = await createAgent(app.staffAccounts, { role: 'admin', name: 'Alice Administratrice' });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await provider?.close();
});

describe('Accounts and ProConnect in Chromium', () => {
  test('When an admin invites an agent who then clicks « Se connecter avec ProConnect », then the agent lands on their list, and every page passes axe', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();

    await signInWithKeyboard(page, app.url, admin);
    await page.getByRole('link', { name: 'Comptes des agents' }).click();
    await page.getByRole('heading', { level: 1, name: 'Comptes des agents' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // A refused form keeps what was typed.
    await page.getByLabel('Nom et prénom').fill('Nadia Nouvelle');
    await page.getByLabel(/Adresse électronique/).fill('nadia.nouvelle@rhone.gouv.fr');
    await page.locator('label[for="role-instructeur"]').click();
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByText('Un instructeur doit avoir au moins un département').first().waitFor();
    await expect(page.getByLabel('Nom et prénom').inputValue()).resolves.toBe('Nadia Nouvelle');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'instruction-comptes-erreur.png'), fullPage: true });

    await page.getByLabel(/^Départements/).fill('69, 01');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.getByText('Le compte est créé.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'instruction-compte.png'), fullPage: true });
    await context.close();

    // The new agent signs in with ProConnect.
    provider.identity = { sub: 'sub-nadia', email: 'nadia.nouvelle@rhone.gouv.fr', email_verified: true };
    const agentContext = await browser.newContext({ locale: 'fr-FR' });
    const agentPage = await agentContext.newPage();
    await agentPage.goto(`${app.url}/instruction/`);
    expect(await seriousViolations(agentPage)).toEqual([]);
    await agentPage.screenshot({ path: path.join(ARTIFACTS, 'instruction-connexion.png'), fullPage: true });
    await agentPage.getByRole('link', { name: 'Se connecter avec ProConnect' }).click();
    await agentPage.waitForURL(/\/instruction\/(\?.*)?$/);
    expect(await agentPage.locator('header').textContent()).toContain('Nadia Nouvelle (départements 69, 01)');
    expect(provider.refusals).toEqual([]);
    await agentContext.close();
  });
});

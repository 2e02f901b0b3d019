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

  test('When an admin changes an agent’s role and départements, revokes and reactivates the account, then the agent’s access follows each step, and the page passes axe', async () => {
    const agent = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Rémi Rôle' });
    const agentContext = await browser.newContext({ locale: 'fr-FR' });
    const agentPage = await agentContext.newPage();
    await signInWithKeyboard(agentPage, app.url, agent);
    const adminsPage = async (): Promise<number> => (await agentPage.goto(`${app.url}/instruction/admin/comptes`))?.status() ?? 0;
    expect(await adminsPage()).toBe(403);

    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await signInWithKeyboard(page, app.url, admin);
    await page.goto(`${app.url}/instruction/admin/comptes/${agent.account.id}`);
    await page.getByRole('heading', { level: 1, name: 'Rémi Rôle' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Administrator: the agent's next page opens the accounts.
    await page.locator('label[for="nouveau-role-admin"]').click();
    await page.getByRole('button', { name: 'Changer le rôle' }).click();
    await page.getByText('Le rôle du compte est modifié').waitFor();
    expect(await page.locator('main dl').textContent()).toContain('Administrateur');
    expect(await adminsPage()).toBe(200);

    // Back to instructeur: départements are required, and refused when missing.
    await page.locator('label[for="nouveau-role-instructeur"]').click();
    await page.getByLabel(/Départements de l’instructeur/).fill('');
    await page.getByRole('button', { name: 'Changer le rôle' }).click();
    await page.getByText('Un instructeur doit avoir au moins un département').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect((await app.staffAccounts.findActiveById(agent.account.id))?.role).toBe('admin');
    await page.locator('label[for="nouveau-role-instructeur"]').click();
    await page.getByLabel(/Départements de l’instructeur/).fill('13, 2A');
    await page.getByRole('button', { name: 'Changer le rôle' }).click();
    await page.getByText('Le rôle du compte est modifié').waitFor();
    expect(await adminsPage()).toBe(403);
    expect(await agentPage.locator('header').textContent()).toContain('Rémi Rôle (départements 13, 2A)');

    // Revoked, then reactivated: the agent signs in again.
    await page.getByRole('button', { name: 'Révoquer le compte de Rémi Rôle' }).click();
    await page.getByText('Le compte est révoqué').waitFor();
    await page.getByRole('button', { name: 'Réactiver le compte de Rémi Rôle' }).click();
    await page.getByText('Le compte est réactivé').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'instruction-compte-reactive.png'), fullPage: true });
    expect((await app.staffAccounts.findActiveById(agent.account.id))?.departements).toEqual(['13', '2A']);
    await agentContext.close();
    const again = await browser.newContext({ locale: 'fr-FR' });
    const againPage = await again.newPage();
    await signInWithKeyboard(againPage, app.url, agent);
    expect(await againPage.locator('header').textContent()).toContain('Rémi Rôle (départements 13, 2A)');
    await again.close();

    // An administrator cannot change their own role: the form is not offered.
    await page.goto(`${app.url}/instruction/admin/comptes/${admin.account.id}`);
    await expect(page.getByRole('button', { name: 'Changer le rôle' }).count()).resolves.toBe(0);
    await context.close();
  });
});

// The back-office in real Chromium, as an instructeur uses it, against an applicant in the web widget's Direct Line.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/testApp';
import { createAgent, launchChromium, seriousViolations, signInWithKeyboard, type TestAgent } from './instructionSupport';
import { submittedDossier, valueOf } from './staffApiSupport';
import { fillAndSubmit as fillAndSubmitIn, WidgetApplicant } from './widgetApplicant';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
let lyon: TestAgent;
let lyonColleague: TestAgent;
let marseille: TestAgent;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  lyon = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
  lyonColleague = await createAgent(app.staffAccounts, { departements: ['69', '01'], name: 'Paul Collègue' });
  marseille = await createAgent(app.staffAccounts, { departements: ['13'], name: 'Agent de Marseille' });
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const fillAndSubmit = (applicant: WidgetApplicant, name: string, otherFunders?: Parameters<typeof fillAndSubmitIn>[4]) => fillAndSubmitIn(app.repository, applicant, name, undefined, otherFunders);

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused form answers 400 or 409 on purpose, which Chromium logs; anything else (a CSP violation, a missing asset) is a problem.
    if (message.type() === 'error' && !/status of 40[09]/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { page, problems };
}

describe('The back-office in Chromium', () => {
  test('When an instructeur reviews a dossier submitted through the chat, then they read it, ask for corrections, see what changed, exchange messages and accept it', async () => {
    const applicant = await WidgetApplicant.start(app.url);
    const dossier = await fillAndSubmit(applicant, 'Métropole de Lyon (essai navigateur)', [{ name: 'CAF du Rhône', amountEuros: 12_000 }]);
    const { page, problems } = await newPage();

    // Sign in with the keyboard alone.
    await page.goto(`${app.url}/instruction/`);
    expect(await seriousViolations(page)).toEqual([]);
    await signInWithKeyboard(page, app.url, lyon);

    // The list: the dossier is « À examiner », with the count of the tab.
    const tab = page.getByRole('link', { name: /À examiner/ });
    await expect(tab.getAttribute('aria-current')).resolves.toBe('page');
    expect(await tab.textContent()).toMatch(/À examiner\s+1/);
    await page.getByRole('searchbox', { name: /Rechercher/ }).fill('essai navigateur');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByRole('link', { name: dossier.reference }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'instruction-liste.png'), fullPage: true });

    // The dossier: every section at a glance.
    await page.getByRole('link', { name: dossier.reference }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(dossier.reference) }).waitFor();
    const content = (await page.locator('main').textContent()) ?? '';
    for (const expected of ['Métropole de Lyon (essai navigateur)', '200046977', 'Marie Dupont', 'Intermédiation locative', 'Association Habitat et Humanisme', '120 000 €', '80 000 €', 'Recommandation de l’assistant : CTAI', 'Salle polyvalente', 'Solde', 'CAF du Rhône : 12 000 €']) {
      expect(content.replace(/[\u202f\u00a0]/g, ' ')).toContain(expected);
    }
    // The other funders count in the financing plan, and its imbalance is advice for the agent (never a blocker).
    expect(content.replace(/[\u202f\u00a0]/g, ' ')).toContain('Le plan de financement dépasse le coût des actions de 12 000 €');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'instruction-dossier.png'), fullPage: true });

    // Take it into review: the applicant hears of it in the chat.
    await page.getByRole('button', { name: 'Commencer l’instruction' }).click();
    await page.getByText('L’instruction du dossier a commencé').waitFor();
    await applicant.waitFor(`Votre dossier ${dossier.reference} est en cours d’instruction`);

    // Ask for corrections: a refused form keeps what was typed.
    // DSFR draws its own boxes over the inputs: an agent clicks the label.
    await page.locator('label[for="section-budget"]').click();
    await page.getByRole('button', { name: 'Demander des corrections' }).click();
    await page.getByText('Pour demander des corrections, indiquez le motif et ce que le demandeur doit corriger').first().waitFor();
    await expect(page.getByRole('checkbox', { name: 'Budget' }).isChecked()).resolves.toBe(true);
    await page.locator('label[for="section-actions"]').click();
    await page.locator('label[for="motif-incomplete"]').click();
    await page.getByLabel(/Ce que le demandeur doit corriger/).fill('Précisez le coût de l’intermédiation locative.');
    await page.getByRole('button', { name: 'Demander des corrections' }).click();
    await page.getByText('La demande de corrections est envoyée au demandeur').waitFor();
    const history = (await page.locator('#s-history').locator('..').textContent()) ?? '';
    expect(history).toContain('Motif : Information incomplète');
    expect(history).toContain('Précisez le coût de l’intermédiation locative.');
    expect(history).toMatch(/Sections à corriger : Actions, Budget/);
    const told = await applicant.waitFor('La préfecture demande des corrections');
    expect(told).toContain('Information incomplète');
    // The chat renders Markdown: the applicant's text comes escaped (« \\. »), and reads as typed.
    expect(told).toContain('Précisez le coût de l’intermédiation locative');

    // The applicant corrects the cost and submits again; the agent sees what changed.
    const current = await app.repository.findByReference(dossier.reference);
    const corrected = await app.repository.update(dossier.reference, current!.version, {
      actions: current!.actions.map((action) => (action.id === 'a1' ? { ...action, costEuros: 130_000 } : action)),
    });
    if (!corrected.ok) throw new Error(JSON.stringify(corrected.error));
    await app.repository.transition(dossier.reference, corrected.value.version, { to: 'submitted', by: { role: 'applicant', id: applicant.userId } });
    await page.reload();
    const changes = page.locator('#s-changes').locator('..');
    await changes.waitFor();
    const changed = (await changes.textContent()) ?? '';
    expect(changed).toContain('Intermédiation locative › Coût');
    expect(changed).toContain('120 000 €');
    expect(changed).toContain('130 000 €');

    // A message reaches the applicant's chat, and their reply in the chat comes back to the thread.
    await page.getByLabel('Écrire au demandeur').fill('Merci : pouvez-vous confirmer le porteur de l’action 2 ?');
    await page.getByRole('button', { name: 'Envoyer le message' }).click();
    await page.getByText('Votre message est enregistré dans le fil du dossier.').waitFor();
    const delivered = await applicant.waitFor('Message de la préfecture (Claire Instructrice)');
    expect(delivered).toContain('confirmer le porteur de l’action 2');
    await applicant.say('répondre à la préfecture : oui, c’est bien la Métropole qui porte l’action 2.');
    await applicant.waitFor('Votre message est transmis à la préfecture');
    await page.reload();
    const thread = (await page.locator('#messagerie').textContent()) ?? '';
    expect(thread).toContain('remis dans sa conversation');
    expect(thread).toContain('Le demandeur');
    expect(thread).toContain('oui, c’est bien la Métropole qui porte l’action 2.');

    // Follow, label and annotate.
    await page.getByRole('button', { name: 'Suivre ce dossier' }).click();
    await page.getByRole('button', { name: 'Ne plus suivre' }).waitFor();
    await page.getByLabel(/Étiquettes du dossier/).fill('prioritaire, budget revu');
    await page.getByRole('button', { name: 'Enregistrer les étiquettes' }).click();
    await page.getByText('Les étiquettes sont enregistrées.').waitFor();
    await page.getByLabel('Nouvelle annotation').fill('Vu avec le comité le 12 : avis favorable.');
    await page.getByRole('button', { name: 'Ajouter l’annotation' }).click();
    await page.getByText('Vu avec le comité le 12 : avis favorable.').waitFor();

    // Accept after taking it into review again.
    await page.getByRole('button', { name: 'Commencer l’instruction' }).click();
    await page.getByText('L’instruction du dossier a commencé').waitFor();
    await page.getByLabel(/Motivation \(facultative\)/).fill('Projet complet et cohérent.');
    // One click is not enough: the box « Je confirme » must be ticked first (the page says so and keeps the motivation).
    await page.getByRole('button', { name: 'Accepter le dossier' }).click();
    await page.getByText('Cochez « Je confirme accepter ce dossier »').first().waitFor();
    await expect(page.getByLabel(/Motivation \(facultative\)/).inputValue()).resolves.toBe('Projet complet et cohérent.');
    await page.locator('label[for="accept-confirm"]').click();
    await page.getByRole('button', { name: 'Accepter le dossier' }).click();
    await page.getByText('Le dossier est accepté').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const accepted = await applicant.waitFor('a été accepté');
    expect(accepted).toContain('Projet complet et cohérent');

    // « Suivis par moi » and the labels filter find it.
    await page.goto(`${app.url}/instruction/?onglet=suivis&etiquette=prioritaire`);
    await page.getByRole('link', { name: dossier.reference }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  test('When a colleague decides first, then the second agent gets a clear French message, the dossier as it is now, and their motivation back', async () => {
    const applicant = await WidgetApplicant.start(app.url);
    const dossier = await fillAndSubmit(applicant, 'Commune de Villeurbanne (conflit)');
    const first = await newPage();
    const second = await newPage();
    await signInWithKeyboard(first.page, app.url, lyon);
    await signInWithKeyboard(second.page, app.url, lyonColleague);
    await first.page.goto(`${app.url}/instruction/dossiers/${dossier.reference}`);
    await first.page.getByRole('button', { name: 'Commencer l’instruction' }).click();
    await first.page.getByText('L’instruction du dossier a commencé').waitFor();

    // Both read the dossier under review; the second one hesitates.
    await second.page.goto(`${app.url}/instruction/dossiers/${dossier.reference}`);
    await second.page.getByRole('button', { name: 'Refuser le dossier' }).click();
    await second.page.getByText('Un refus doit être motivé').first().waitFor();
    await first.page.locator('label[for="accept-confirm"]').click();
    await first.page.getByRole('button', { name: 'Accepter le dossier' }).click();
    await first.page.getByText('Le dossier est accepté').waitFor();
    await second.page.getByLabel(/Motivation du refus/).fill('Le budget ne tient pas.');
    await second.page.locator('label[for="reject-confirm"]').click();
    const response = second.page.waitForResponse((answer) => answer.url().endsWith('/decision'));
    await second.page.getByRole('button', { name: 'Refuser le dossier' }).click();

    expect((await response).status()).toBe(409);
    const alert = (await second.page.getByRole('alert').textContent()) ?? '';
    expect(alert).toContain('Le dossier a été modifié pendant que vous le consultiez : Claire Instructrice l’a fait passer à « Accepté »');
    expect(alert).toContain('Votre action n’a pas été enregistrée');
    const stored = await app.repository.findByReference(dossier.reference);
    expect(stored?.status).toBe('accepted');
    expect(stored?.history.filter((entry) => entry.to === 'rejected')).toHaveLength(0);
    expect(await seriousViolations(second.page)).toEqual([]);
    await first.page.context().close();
    await second.page.context().close();
  });

  test('When an instructeur of another département opens the dossier by its URL, then the page says it does not exist, and the list does not show it', async () => {
    const applicant = await WidgetApplicant.start(app.url);
    const dossier = await fillAndSubmit(applicant, 'Commune de Bron (hors champ)');
    const { page } = await newPage();
    await signInWithKeyboard(page, app.url, marseille);

    const response = await page.goto(`${app.url}/instruction/dossiers/${dossier.reference}`);
    const text = (await page.locator('main').textContent()) ?? '';
    await page.goto(`${app.url}/instruction/?recherche=${encodeURIComponent('Bron')}`);
    const list = (await page.locator('main').textContent()) ?? '';

    expect(response?.status()).toBe(404);
    expect(text).toContain('Ce dossier est introuvable.');
    expect(text).not.toContain('Commune de Bron');
    expect(list).not.toContain(dossier.reference);
    await page.context().close();
  });

  test('When a search finds nothing under « À examiner » but finds a dossier under « Traités », then the page says so with a link to that tab, counting only the agent’s départements', async () => {
    const cher = await createAgent(app.staffAccounts, { departements: ['18'], name: 'Agent du Cher' });
    const instructeur = { role: 'instructeur' as const, id: 'staff-cher', name: 'Agent du Cher' };
    const decided = async (departement: string) => {
      const submitted = await submittedDossier(app.repository, { departement, name: `Commune de Vierzon (${departement})` });
      const reviewed = valueOf(await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: instructeur }));
      return valueOf(await app.repository.transition(reviewed.reference, reviewed.version, { to: 'accepted', by: instructeur }));
    };
    const inCher = await decided('18');
    // The same name in another département: neither listed nor counted for the agent of the Cher.
    await decided('36');
    const { page, problems } = await newPage();
    await signInWithKeyboard(page, app.url, cher);

    await page.getByRole('searchbox', { name: /Rechercher/ }).fill('vierzon');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.getByRole('heading', { name: 'À examiner : aucun dossier' }).waitFor();
    const hint = page.locator('main').getByText('Aucun dossier à examiner pour', { exact: false });
    expect(((await hint.textContent()) ?? '').replace(/\s+/g, ' ').trim()).toBe('Aucun dossier à examiner pour « vierzon ». 1 dossier correspond dans l’onglet Traités.');
    expect(await seriousViolations(page)).toEqual([]);

    await hint.getByRole('link', { name: 'Traités' }).click();
    await page.getByRole('heading', { name: 'Traités : 1 dossier' }).waitFor();
    await page.getByRole('link', { name: inCher.reference }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

// In real Chromium at 1280 px (walkthrough 2, minor 10): the back-office « Documents » table fits its card, so the
// « Antivirus » column and its badges are fully visible, with no horizontal scroll and no badge cut to « NON ANAL… ».
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/testApp';
import { createAgent, launchChromium, signInWithKeyboard, type TestAgent } from './instructionSupport';
import { submittedDossier, valueOf } from './staffApiSupport';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
let agent: TestAgent;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  agent = await createAgent(app.staffAccounts, { departements: ['59'], name: 'Hervé Dubrulle' });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('The documents table at 1280 px', () => {
  test('When a dossier holds documents with long names, then the « Antivirus » column and each badge lie inside the table box, with nothing to scroll', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '59', name: 'Communauté urbaine du Val de Sambre' });
    const actor = { role: 'instructeur' as const, id: agent.account.id, name: 'Hervé Dubrulle' };
    const review = valueOf(await app.repository.transition(dossier.reference, dossier.version, { to: 'under_review', by: actor }));
    valueOf(await app.repository.transition(dossier.reference, review.version, { to: 'changes_requested', by: actor, sections: ['scheme'], reason: 'Joignez la délibération.' }));
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    for (const [name, kind] of [
      ['deliberation-conseil-communautaire-du-12-octobre-2026.pdf', 'deliberation'],
      ['Lettre d’engagement du bailleur Sambre Habitat.pdf', 'partner_letter'],
    ] as const) {
      expect((await app.attachments.attach(dossier.reference, { bytes: pdf, name, kind })).ok).toBe(true);
    }

    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInWithKeyboard(page, app.url, agent);
    await page.goto(`${app.url}/instruction/dossiers/${dossier.reference}#documents`);
    const section = page.locator('#documents');
    await section.getByRole('columnheader', { name: 'Antivirus' }).waitFor();

    const measured = await section.evaluate((element) => {
      const container = element.querySelector('.fr-table__container')!;
      const box = container.getBoundingClientRect();
      const header = [...element.querySelectorAll('th')].find((cell) => cell.textContent === 'Antivirus')!.getBoundingClientRect();
      const badges = [...element.querySelectorAll('td .fr-badge')].map((badge) => ({ rect: badge.getBoundingClientRect(), scroll: badge.scrollWidth, client: badge.clientWidth, text: badge.textContent }));
      return {
        overflow: container.scrollWidth - container.clientWidth,
        boxRight: box.right,
        headerRight: header.right,
        badges: badges.map((badge) => ({ right: badge.rect.right, cut: badge.scroll > badge.client, text: badge.text })),
      };
    });
    await context.close();

    expect(measured.overflow).toBeLessThanOrEqual(0);
    expect(measured.headerRight).toBeLessThanOrEqual(measured.boxRight);
    expect(measured.badges).toHaveLength(2);
    for (const badge of measured.badges) {
      expect(badge.text).toBe('non analysé');
      expect(badge.cut).toBe(false);
      expect(badge.right).toBeLessThanOrEqual(measured.boxRight);
    }
  });
});

// The review's section buttons in the widget, in real Chromium: « Modifier une section », a section's button,
// a value edited, then « Aucune, revenir au récapitulatif »; what the official sees after each click.
import { chromium, type Browser, type Page } from 'playwright-core';
import { MENU_TEXT, WELCOME_TEXT } from '../../bot/assistantBot';
import { startTestApp, type TestApp } from '../support/testApp';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ACTIVITY = '.webchat__basic-transcript__activity';

jest.setTimeout(180_000);

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

/** The number of activities in the transcript that show this text. */
async function countOf(page: Page, text: string): Promise<number> {
  return page.locator(ACTIVITY).filter({ hasText: text }).count();
}

/** Does what a person does (types or clicks), then waits until each text shows in one more activity than before. */
async function act(page: Page, doing: () => Promise<void>, ...expected: string[]): Promise<void> {
  const before = await Promise.all(expected.map((text) => countOf(page, text)));
  await doing();
  for (const [index, text] of expected.entries()) {
    await page.waitForFunction(
      ({ selector, wanted, count }) => {
        const shown = Array.from((globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document.querySelectorAll(selector)).map((element) => element.textContent ?? '');
        return shown.filter((text) => text.includes(wanted)).length > count || (shown[shown.length - 1] ?? '').includes(wanted);
      },
      { selector: ACTIVITY, wanted: text, count: before[index]! },
      { timeout: 20_000 },
    ).catch(async (error: unknown) => {
      const shown = await page.locator(ACTIVITY).allTextContents();
      throw new Error(`« ${text} » not shown; last activities:\n${shown.slice(-3).join('\n---\n')}\n${String(error)}`);
    });
  }
}

const TO_REVIEW: Array<[string, string]> = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Louviers', 'Dans quel département'],
  ['27', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
  ['Claire Lefebvre', 'fonction'],
  ['chargée de mission cohésion sociale', 'adresse'],
  ['claire.lefebvre@louviers.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi', 'engagement'],
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Job dating', 'champ'],
  ['emploi', 'Décrivez'],
  ['Une rencontre entre employeurs et personnes accompagnées.', 'public'],
  ['primo-arrivants', 'Combien'],
  ['20', 'coût'],
  ['8 000', 'financement'],
  ['3 000', 'porte'],
  ['La commune', 'ajouter une autre action'],
  ['non', 'autres financeurs'],
  ['non', 'Que souhaitez-vous faire'],
];

describe('The review’s section buttons in the widget', () => {
  test('When « Modifier une section », « Contact » and then « Aucune, revenir au récapitulatif » are clicked around an edit of the name, then each click shows its question and the review shows the new name', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      await page.getByText(WELCOME_TEXT.slice(0, 40)).first().waitFor();
      await page.getByText(MENU_TEXT).first().waitFor();
      const input = page.getByPlaceholder('Écrivez votre message…');
      const type = (text: string) => async () => {
        await input.fill(text);
        await input.press('Enter');
      };
      const click = (name: string) => () => page.getByRole('button', { name, exact: true }).last().click();
      for (const [text, expected] of TO_REVIEW) await act(page, type(text), expected);
      await act(page, click('Modifier une section'), 'Quelle section souhaitez-vous modifier');
      // The contact's first question, with its current answer.
      await act(page, click('Contact'), 'contacter', 'Claire Lefebvre');
      for (const [text, expected] of [
        ['Claire Martin', 'fonction'],
        ['garder', 'adresse'],
        ['garder', 'téléphone'],
        ['passer', 'Que souhaitez-vous faire'],
      ] as const) await act(page, type(text), expected);
      const namesShown = await countOf(page, 'Claire Martin');
      await act(page, click('Modifier une section'), 'Quelle section souhaitez-vous modifier');
      // « Aucune » brings the review back, which shows the name as edited once more.
      await act(page, click('Aucune, revenir au récapitulatif'), 'Voici le récapitulatif', 'Que souhaitez-vous faire', 'Claire Martin');
      expect(await countOf(page, 'Claire Martin')).toBeGreaterThan(namesShown);
    } finally {
      await context.close();
    }
  });

  test('When « modifier l’action 1 » is typed at the review and the « Coût » button is clicked, then only the cost is asked, the new cost is echoed with the old one, and the review comes back', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      await page.getByText(WELCOME_TEXT.slice(0, 40)).first().waitFor();
      await page.getByText(MENU_TEXT).first().waitFor();
      const input = page.getByPlaceholder('Écrivez votre message…');
      const type = (text: string) => async () => {
        await input.fill(text);
        await input.press('Enter');
      };
      for (const [text, expected] of TO_REVIEW) await act(page, type(text), expected);
      await act(page, type('modifier l’action 1'), 'Que souhaitez-vous modifier dans l’action 1');
      // The item menu's button, clicked as a person clicks it: the cost question alone, with the cost on file.
      await act(page, () => page.getByRole('button', { name: 'Coût', exact: true }).last().click(), 'coût total');
      await act(page, type('12 000'), 'au lieu de', 'Que souhaitez-vous faire');
      expect(await countOf(page, 'Combien de personnes')).toBe(1);
    } finally {
      await context.close();
    }
  });
});

// The budget's other funders in the chat: asked after the computed budget, read from a sentence, shown at the
// review with the plan's balance as advice, and edited from the review; through the real bot and Bot Framework adapter.
import type { DossierPatch } from '../../dossiers/dossierSchema';
import { valueOf } from '../api/staffApiSupport';
import { buildDossier } from '../dossiers/buildDossier';
import { draftOf, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

/**
 * A complete draft but for its other funders, owned by the official: actions costing 150 000 €, 100 000 € asked
 * of the State, 39 500 € of cofinancing (10 500 € without a funder) and a room valued 6 000 €.
 */
async function draftBeforeFunders(official: TestConversation): Promise<void> {
  const draft = await app.repository.createDraft({ channel: 'test', userId: official.userId });
  const { scheme, collectivity, contact, approach, diagnostic, housingCommitted, fields, actions } = buildDossier();
  const patch: DossierPatch = {
    scheme,
    collectivity,
    contact,
    approach,
    diagnostic,
    housingCommitted,
    fields,
    actions,
    commitments: [
      { kind: 'cofinancing', amountEuros: 39_500 },
      { kind: 'premises', detail: 'Salle polyvalente, deux demi-journées par semaine', estimatedValueEuros: 6_000 },
    ],
    skippedQuestions: ['scheme.diagnosticFile'],
  };
  valueOf(await app.repository.update(draft.reference, draft.version, patch));
}

const FUNDERS_QUESTION = 'D’autres financeurs participent-ils au projet';

describe('The budget’s other funders', () => {
  test('When the official names two funders in a sentence, then they are confirmed in one line, saved, and the review shows them with what is left unfunded as advice', async () => {
    const official = new TestConversation(app.url);
    await official.join();
    await draftBeforeFunders(official);

    const resumed = await replies(official, 'reprendre');
    expect(resumed).toContain('Voici le budget');
    expect(resumed).toContain(FUNDERS_QUESTION);

    const answered = await replies(official, 'la CAF pour 3 000 € et la région 2 000 €');
    expect(answered).toMatch(/C’est noté : CAF \(3\s000\s€\) et Région \(2\s000\s€\), soit 5\s000\s€ d’autres financements\./);
    // The review: the funders in the Budget section, and the balance as advice (the dossier stays submittable).
    expect(answered).toContain('Votre dossier est complet');
    expect(answered).toMatch(/Le plan de financement laisse 5\s500\s€ sans financeur/);
    const card = JSON.stringify((await official.say('résumé')).map((reply) => reply.raw));
    expect(card).toMatch(/Autres financeurs : |"Autres financeurs : "/);
    expect(card).toMatch(/CAF \(3\s000\s€\) et Région \(2\s000\s€\)/);

    const saved = await draftOf(app, official);
    expect(saved.budget.otherFunders).toEqual([
      { name: 'CAF', amountEuros: 3_000 },
      { name: 'Région', amountEuros: 2_000 },
    ]);
    expect(saved.budget).toMatchObject({ actionsCostEuros: 150_000, stateFundingRequestedEuros: 100_000, cofinancingEuros: 39_500, otherFundersEuros: 5_000, inKindValueEuros: 6_000 });
  });

  test('When « oui » comes without names, then the names and amounts are asked; « non, personne d’autre » from the review’s Budget section then empties the list', async () => {
    const official = new TestConversation(app.url);
    await official.join();
    await draftBeforeFunders(official);
    expect(await replies(official, 'reprendre')).toContain(FUNDERS_QUESTION);

    expect(await replies(official, 'oui')).toContain('Lesquels ? Indiquez le nom et le montant de chacun');
    const listed = await replies(official, 'oui la caf 3000');
    expect(listed).toMatch(/C’est noté : Caf \(3\s000\s€\)\./);
    expect((await draftOf(app, official)).budget.otherFunders).toEqual([{ name: 'Caf', amountEuros: 3_000 }]);

    // The Budget section's button opens the funders again, showing the current answer.
    expect(await replies(official, 'Modifier une section')).toContain('Quelle section');
    const reopened = await replies(official, 'Budget');
    expect(reopened).toContain(FUNDERS_QUESTION);
    expect(reopened).toMatch(/Actuellement : « Caf \\?\(3\s000\s€\\?\) »/);
    const none = await replies(official, 'non, personne d’autre');
    expect(none).toContain('C’est noté : pas d’autre financeur que l’État et votre collectivité.');
    expect(none).toMatch(/Le plan de financement laisse 10\s500\s€ sans financeur/);
    expect((await draftOf(app, official)).budget.otherFunders).toEqual([]);
  });

  test('When the official writes « modifier les financeurs » at the review and gives a funder without its amount, then the amount is asked and nothing is stored until it comes', async () => {
    const official = new TestConversation(app.url);
    await official.join();
    await draftBeforeFunders(official);
    await replies(official, 'reprendre');
    await replies(official, 'non');

    expect(await replies(official, 'modifier les financeurs')).toContain(FUNDERS_QUESTION);
    expect(await replies(official, 'la fondation de France')).toContain('Indiquez aussi le montant apporté par chaque financeur');
    expect((await draftOf(app, official)).budget.otherFunders).toEqual([]);
    expect(await replies(official, 'la fondation de France 10 500 €')).toMatch(/C’est noté : Fondation de France \(10\s500\s€\)\./);
    const saved = await draftOf(app, official);
    expect(saved.budget.otherFunders).toEqual([{ name: 'Fondation de France', amountEuros: 10_500 }]);
  });
});

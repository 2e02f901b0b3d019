// Walkthrough stop 27, through the real bot, dialogs and Bot Framework adapter over HTTP: minors 18 and 19 and
// major 8.
import { type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const COMMUNE_TO_APPROACH: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Saint-Junien', 'Dans quel département'],
  ['87', 'SIREN'],
  ['passer', 'habitants'],
  ['11 500', 'contacter'],
  ['Karim Benali', 'fonction'],
  ['Chargé de mission politique de la ville', 'adresse'],
  ['karim.benali@saint-junien.fr', 'téléphone'],
  ['passer', 'stratégie'],
];

/** The recommendation itself: the turn's reply that carries it, without the question and the choices after it. */
function recommendationIn(text: string): string {
  return (text.split('\n---\n').find((part) => part.startsWith('Je vous recommande')) ?? '').split('\n\nQuel dispositif')[0] ?? '';
}

describe('The recommendation for a commune is short and does not contradict itself (minor 19)', () => {
  test('When a commune of 11 500 inhabitants with a diagnostic wants targeted actions, then the PTAI recommendation holds in 400 characters and leaves the CTAI to the prefecture', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...COMMUNE_TO_APPROACH,
      ['des actions ciblées', 'diagnostic'],
      ['il est réalisé', 'joindre le fichier'],
    ]);

    const text = recommendationIn(await replies(official, 'plus tard'));

    expect(text).toContain('Je vous recommande un **PTAI**');
    expect(text.length).toBeLessThanOrEqual(400);
    expect(text).not.toContain('pas les communes');
    expect(text).toContain('Un CTAI serait à voir avec la préfecture : les communes ne sont pas citées parmi ses signataires, mais des villes l’ont rejoint en 2021.');
  });

  test('When the same commune wants a strategy with a planned diagnostic, then the CTAI recommendation holds in 450 characters and names the prefecture', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...COMMUNE_TO_APPROACH,
      ['une stratégie d’ensemble', 'diagnostic'],
      ['il est prévu', 'logement'],
    ]);

    const text = recommendationIn(await replies(official, 'oui'));

    expect(text).toContain('Je vous recommande un **CTAI**');
    expect(text.length).toBeLessThanOrEqual(450);
    expect(text).toContain('la préfecture vous dira s’il vous est ouvert');
    expect(text).toContain('le texte ne le précise pas');
  });
});

const METROPOLE_CTAI_TO_STATE_FUNDING: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Orléans Métropole', 'Dans quel département'],
  ['45', 'SIREN'],
  ['passer', 'habitants'],
  ['290 000', 'contacter'],
  ['Sandrine Dubreuil', 'fonction'],
  ['Cheffe de projet', 'adresse'],
  ['sandrine.dubreuil@orleans-metropole.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['Une stratégie d’ensemble', 'diagnostic territorial'],
  ['il est réalisé', 'joindre le fichier'],
  ['plus tard', 'Prévoyez-vous d’en inclure'],
  ['oui', 'Quel dispositif retenez-vous'],
  ['CTAI', 'Dans quels champs'],
  ['logement', 'Quel engagement'],
  ['cofinancement', 'Quel montant'],
  ['20 000 €', 'intitulé'],
  ['Intermédiation locative', 'champ'],
  ['Accès au logement', 'Décrivez'],
  ['Un accompagnement vers le logement de ménages BPI.', 'public'],
  ['BPI', 'Combien'],
  ['120', 'coût'],
  ['60 000', 'financement demandez-vous'],
];

const COMMUNE_PTAI_TO_STATE_FUNDING: Exchange[] = [
  ...COMMUNE_TO_APPROACH,
  ['des actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi', 'engagement'],
  ['cofinancement', 'Quel montant'],
  ['5 000 €', 'intitulé'],
  ['Parrainage vers l’emploi', 'champ'],
  ['emploi', 'Décrivez'],
  ['Un parrainage par des professionnels du territoire.', 'public'],
  ['primo-arrivants', 'Combien'],
  ['12', 'coût'],
  ['8 000', 'financement demandez-vous'],
];

describe('The help at the State’s share speaks of the dossier’s own scheme (minor 18)', () => {
  test('When « aide » is asked at the State’s share of a CTAI action, then the help speaks of the CTAI, never of the PTAI', async () => {
    const official = new TestConversation(app.url);
    await official.play(METROPOLE_CTAI_TO_STATE_FUNDING);

    const text = await replies(official, 'aide');

    expect(text).toContain('le texte ne fixe pas de montant pour un CTAI');
    expect(text).not.toContain('PTAI');
    expect(text).toContain('financement demandez-vous');
  });

  test('When « aide » is asked at the State’s share of a PTAI action, then the help says a PTAI has no minimum', async () => {
    const official = new TestConversation(app.url);
    await official.play(COMMUNE_PTAI_TO_STATE_FUNDING);

    const text = await replies(official, 'aide');

    expect(text).toContain('un PTAI peut mobiliser un financement de l’État d’ampleur variable, sans minimum');
    expect(text).not.toContain('CTAI');
  });
});

describe('After the prefecture refused the dossier, a question about the refusal gets the status (major 8)', () => {
  const STAFF = { role: 'instructeur' as const, id: 'staff-27', name: 'Claire Martin' };

  async function refused(official: TestConversation): Promise<void> {
    await official.play([
      ...COMMUNE_PTAI_TO_STATE_FUNDING,
      ['3 000', 'porte'],
      ['La commune', 'ajouter une autre action'],
      ['non', 'D’autres financeurs'],
      ['non', 'Que souhaitez-vous faire'],
      ['Déposer le dossier', 'Confirmez-vous'],
      ['Oui, déposer', 'a été déposé'],
    ]);
    const dossier = await app.repository.findLatestForOwner({ channel: 'test', userId: official.userId });
    if (!dossier) throw new Error('Not submitted');
    const review = await app.repository.transition(dossier.reference, dossier.version, { to: 'under_review', by: STAFF });
    if (!review.ok) throw new Error(JSON.stringify(review.error));
    const rejected = await app.repository.transition(dossier.reference, review.value.version, { to: 'rejected', by: STAFF, reason: 'Le projet ne précise pas le public visé.' });
    if (!rejected.ok) throw new Error(JSON.stringify(rejected.error));
  }

  test('When the official asks « pourquoi c’est refusé ? on peut redéposer quand ? », then the motivation is given, and the seed’s silence on a new submission is said', async () => {
    const official = new TestConversation(app.url);
    await refused(official);

    const text = await replies(official, 'pourquoi c’est refusé ? on peut redéposer quand ?');

    expect(text).not.toContain('Je ne peux pas vous renseigner sur ce sujet');
    expect(text).toContain('« Refusé »');
    expect(text).toContain('Motivation de la préfecture : Le projet ne précise pas le public visé');
    expect(text).toContain('Si ou quand un dossier refusé peut être déposé de nouveau, le texte de référence ne le précise pas : la préfecture de votre département pourra vous renseigner.');
  });

  test.each(['quel est le motif du refus ?', 'pourquoi notre dossier n’a pas été retenu'])('When the official asks « %s » after the refusal, then the motivation is given', async (question) => {
    const official = new TestConversation(app.url);
    await refused(official);

    const text = await replies(official, question);

    expect(text).toContain('Motivation de la préfecture : Le projet ne précise pas le public visé');
  });
});

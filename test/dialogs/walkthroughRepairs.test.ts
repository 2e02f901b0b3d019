// A stranger's second walkthrough (issue 13): each repair through the real bot, dialogs and Bot Framework
// adapter over HTTP, checked in the saved dossier.
import { draftOf, type Exchange, replies, TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

const TO_CONTACT: Exchange[] = [
  ['Préparer une candidature', 'nom'],
  ['Commune de Millau', 'Dans quel département'],
  ['12', 'SIREN'],
  ['passer', 'habitants'],
  ['passer', 'contacter'],
];

const TO_COMMITMENTS: Exchange[] = [
  ...TO_CONTACT,
  ['Inès Bernard', 'fonction'],
  ['Directrice de la cohésion sociale', 'adresse'],
  ['ines.bernard@millau.fr', 'téléphone'],
  ['passer', 'stratégie'],
  ['actions ciblées', 'diagnostic'],
  ['aucun', 'Nous préparons donc un PTAI'],
  ['emploi, accès aux soins et mobilité', 'engagement'],
];

describe('A self-introduction and preambles are not stored with the value', () => {
  test('When the opening message is « Bonjour, je suis Sandrine Lemaitre, chargée de mission à la mairie de Millau… », then the person, the role and the commune are all kept', async () => {
    const official = new TestConversation(app.url);
    await official.join();
    await official.play([['Bonjour, je suis Sandrine Lemaitre, chargée de mission à la mairie de Millau, on voudrait candidater', 'département']]);
    const draft = await draftOf(app, official);
    expect(draft.contact).toMatchObject({ name: 'Sandrine Lemaitre', role: 'chargée de mission' });
    expect(draft.collectivity).toMatchObject({ name: 'Millau', kind: 'commune' });
  });

  test('When an answer opens with « je viens de le dire : », then only the value is stored', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_CONTACT,
      ['je viens de le dire : Sandrine Lemaitre', 'fonction'],
      ['comme je vous l’ai dit, chargée de mission insertion', 'adresse'],
    ]);
    expect((await draftOf(app, official)).contact).toMatchObject({ name: 'Sandrine Lemaitre', role: 'chargée de mission insertion' });
  });
});

describe('Commitments: only the forms chosen, and a denial is never a value', () => {
  test('When the association is named as the carrier, then no question on supporting an association is asked', async () => {
    const official = new TestConversation(app.url);
    await official.play(TO_COMMITMENTS);
    const text = await replies(official, 'un relais dans notre magazine, l’action est portée par l’association Horizon');
    expect(text).not.toContain('Quelle association soutenez-vous');
    expect((await draftOf(app, official)).commitments.map((commitment) => commitment.kind)).toEqual(['communication']);
  });

  test('When the official denies a form of commitment on its detail question, then that form is removed, nothing is stored as its detail, and a detail answered is not asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_COMMITMENTS,
      ['communication et soutien à l’association', 'Comment relaierez-vous'],
      ['un article dans le magazine municipal', 'Quelle association soutenez-vous'],
    ]);
    const text = await replies(official, 'aucune, je n ai pas parlé de soutien finalement');
    expect(text).toContain('je retire « Soutien à l’association porteuse de l’action »');
    expect(text).not.toContain('Comment relaierez-vous');
    expect(text).toContain('intitulé');
    const { commitments } = await draftOf(app, official);
    expect(commitments).toEqual([expect.objectContaining({ kind: 'communication', detail: 'un article dans le magazine municipal' })]);
  });
});

describe('Counts restated, and a selection changed by what is removed', () => {
  test('When the beneficiaries are « 10 enfants et 10 mamans, disons 20 », then 20 is stored', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_COMMITMENTS,
      ['cofinancement', 'Quel montant'],
      ['5 000 €', 'intitulé'],
      ['Atelier parents enfants', 'champ'],
      ['emploi', 'Décrivez'],
      ['Des ateliers de langue pour les mères et leurs enfants.', 'public'],
      ['primo-arrivants', 'Combien'],
      ['10 enfants et 10 mamans, disons 20', 'coût'],
    ]);
    expect((await draftOf(app, official)).actions[0]?.beneficiaries).toBe(20);
  });

  test('When the fields are revisited and the official writes « enlevez accès aux soins et l emploi svp », then both are removed and the others kept', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_COMMITMENTS,
      ['cofinancement', 'Quel montant'],
      ['5 000 €', 'intitulé'],
      ['Atelier mobilité', 'champ'],
      ['mobilité', 'Décrivez'],
      ['Des cours de conduite.', 'public'],
      ['BPI', 'Combien'],
      ['12', 'coût'],
      ['8 000', 'financement'],
      ['3 000', 'porte'],
      ['La commune', 'ajouter une autre action'],
      ['non', 'D’autres financeurs participent-ils au projet'],
      ['non', 'Que souhaitez-vous faire'],
      ['modifier les champs', 'champs'],
      ['enlevez accès aux soins et l emploi svp', 'Que souhaitez-vous faire'],
    ]);
    expect((await draftOf(app, official)).fields).toEqual(['mobility']);
  });
});

describe('Questions asked on the way', () => {
  // Since the walkthrough of 2026-12-06 (problem 3), « on n a pas de diagnostic » answers the question on screen: it is kept.
  test('When « des actions ciblées, on n a pas de diagnostic, c est obligatoire ? » is asked at the diagnostic question, then the answer is the PTAI diagnostic rule and « aucun » is kept', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ...TO_CONTACT,
      ['Inès Bernard', 'fonction'],
      ['Directrice de la cohésion sociale', 'adresse'],
      ['ines.bernard@millau.fr', 'téléphone'],
      ['passer', 'stratégie'],
      ['actions ciblées', 'diagnostic'],
    ]);
    const text = await replies(official, 'des actions ciblées, on n a pas de diagnostic, c est obligatoire ?');
    expect(text).toContain('pour un PTAI, un diagnostic territorial préalable n’est pas requis');
    expect(text.split('\n---\n')[0]).not.toContain('logement');
    expect(text).toContain('Nous préparons donc un PTAI');
    expect((await draftOf(app, official)).diagnostic?.status).toBe('none');
  });

  test('When the opening message asks « … une commune de 3000 habitants c est possible ? », then it is answered, and the dossier opens', async () => {
    const official = new TestConversation(app.url);
    await official.join();
    const text = await replies(official, 'Bonjour, on voudrait déposer une candidature pour un PTAI, une commune de 3000 habitants c est possible ?');
    expect(text).toContain('Oui : les PTAI sont à destination de toute collectivité');
    expect(text).toMatch(/Quel est le nom|département/);
    expect((await draftOf(app, official)).scheme).toBe('PTAI');
  });
});

describe('A correction with two values', () => {
  test('When « je me suis trompée, c est le 76 et 12 000 habitants » is said on the e-mail question, then both earlier answers change and the e-mail is asked again', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Commune de Millau', 'Dans quel département'],
      ['12', 'SIREN'],
      ['passer', 'habitants'],
      ['20 000', 'contacter'],
      ['Inès Bernard', 'fonction'],
      ['Directrice de la cohésion sociale', 'adresse'],
      ['je me suis trompée, c est le 76 et 12 000 habitants', ['C’est corrigé', '76', /12\s000/u, 'adresse']],
    ]);
    expect((await draftOf(app, official)).collectivity).toMatchObject({ departement: '76', population: 12_000, name: 'Commune de Millau' });
  });
});

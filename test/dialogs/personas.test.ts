// Simulated officials who write as officials do: sentences, a correction, a question mid-way, a command
// with punctuation, an edit from the review, a status request after submitting. Each completes a whole
// application through the real bot; the dossier the prefecture receives is read through the staff API.
import { call, staffKey } from '../api/staffApiSupport';
import { TestConversation, type Exchange } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';

let app: TestApp;
let staff: string;

beforeAll(async () => {
  app = await startTestApp();
  staff = await staffKey(app.staffAccounts, 'admin');
});

afterAll(async () => {
  await app.close();
});

interface Persona {
  who: string;
  conversation: Exchange[];
  email: string;
  expected: Record<string, unknown>;
}

const PERSONAS: Persona[] = [
  {
    who: 'a hurried secretary of a small commune of the Cantal (PTAI), writing without accents',
    email: 'mairie@saint-flour.fr',
    conversation: [
      ['bjr je veux faire un dossier ptai pour la commune', ['J’ai ouvert le dossier', 'Quel est le nom']],
      ['Commune de Saint-Flour', 'département'],
      ['cantal', 'SIREN'],
      ['je l’ai pas', 'habitants'],
      ['environ 6 500', 'personne à contacter'],
      ['c’est moi, Martine Vidal', 'fonction'],
      ['secretaire de mairie', 'adresse'],
      ['mairie@saint-flour.fr', 'téléphone'],
      ['04 71 60 00 00', 'stratégie'],
      ['juste quelques actions ciblees', 'diagnostic'],
      ['ah pardon le numero c’est 04 71 60 11 11 pas 04 71 60 00 00', ['C’est corrigé : téléphone', 'diagnostic']],
      ['pas encore commencé', ['PTAI', 'champs']],
      ['emploi', 'engagement'],
      ['attendez, c’est quoi un BPI ?', ['protection internationale', 'engagement']],
      ['on prete une salle', 'locaux'],
      ['la salle du conseil, une matinée par mois', 'valeur'],
      ['aucune idée', 'intitulé'],
      ['Permanence emploi', 'champ'],
      ['emploi', 'Décrivez'],
      ['Une permanence mensuelle avec France Travail à la mairie, elle coûte 3 000 € dont 1 500 € demandés à l’État.', ['J’ai aussi noté', 'public']],
      ['les deux', 'Combien'],
      ['une vingtaine', 'porte'],
      ['la commune', 'ajouter'],
      ['non c’est tout', 'Votre dossier est complet'],
      ['modifier l’e-mail du contact', ['modifions', 'Actuellement : « mairie@saint']],
      ['m.vidal@saint-flour.fr', 'Que souhaitez-vous faire'],
      ['c’est bon on dépose', 'Confirmez-vous'],
      ['oui', 'Accusé de dépôt'],
      ['où en est mon dossier ?', 'Déposé'],
    ],
    expected: {
      scheme: 'PTAI',
      collectivity: { name: 'Commune de Saint-Flour', kind: 'commune', departement: '15', population: 6_500 },
      contact: { name: 'Martine Vidal', role: 'secretaire de mairie', email: 'm.vidal@saint-flour.fr', phone: '+33471601111' },
      actions: [{ title: 'Permanence emploi', field: 'employment', costEuros: 3_000, stateFundingEuros: 1_500, beneficiaries: 20, publics: ['primo_arrivants', 'bpi'] }],
    },
  },
];

describe('Simulated officials', () => {
  test.each(PERSONAS.map((persona) => [persona.who, persona] as const))('When %s applies, then the dossier received holds what they meant', async (_who, persona) => {
    const official = new TestConversation(app.url);
    await official.play(persona.conversation);
    const listed = await call(app.url, `/api/dossiers?q=${encodeURIComponent(persona.email.split('@')[1]!.split('.')[0]!)}&limit=50`, { key: staff });
    expect(listed.status).toBe(200);
    const items = (listed.body.items ?? []) as Array<{ reference: string }>;
    expect(items.length).toBeGreaterThan(0);
    const detail = await call(app.url, `/api/dossiers/${items[0]!.reference}`, { key: staff });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'submitted', ...persona.expected });
  });
});

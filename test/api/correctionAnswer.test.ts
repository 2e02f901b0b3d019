// A correction request answered in the chat: the resubmission is linked to the request (which one, when, which
// sections changed) in the history, and the agent's « ce qui a changé » shows what the applicant did.
import { execFileSync } from 'node:child_process';
import { dossierModel } from '../../dossiers/dossierModel';
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent } from './instructionSupport';
import { call, staffKey, submittedDossier, valueOf } from './staffApiSupport';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

async function findSubmitted(name: string) {
  const [dossier] = (await app.repository.list({ page: 1, limit: 10, q: name })).items;
  if (!dossier) throw new Error(`No dossier for ${name}`);
  return dossier;
}

describe('A correction request answered in the chat', () => {
  test('When the applicant corrects the requested section in the chat and resubmits, then the history links the resubmission to the request and the agent sees what changed', async () => {
    const official = new TestConversation(app.url);
    await official.play([
      ['Préparer une candidature', 'nom'],
      ['Commune de Volvic', 'département'],
      ['63', 'SIREN'],
      ['passer', 'habitants'],
      ['passer', 'contacter'],
      ['Inès Bernard', 'fonction'],
      ['Directrice de la cohésion sociale', 'adresse'],
      ['ines.bernard@riom.fr', 'téléphone'],
      ['passer', 'stratégie'],
      ['actions ciblées', 'diagnostic'],
      ['aucun', 'Nous préparons donc un PTAI'],
      ['emploi', 'engagement'],
      ['cofinancement', 'Quel montant'],
      ['5 000 €', 'intitulé'],
      ['Job dating', 'champ'],
      ['emploi', 'Décrivez'],
      ['Une rencontre avec les employeurs locaux.', 'public'],
      ['BPI', 'Combien'],
      ['30', 'coût'],
      ['8 000', 'financement'],
      ['3 000', 'porte'],
      ['La commune', 'ajouter'],
      ['non', 'D’autres financeurs participent-ils au projet'],
      ['non', 'Votre dossier est complet'],
      ['Déposer le dossier', 'Confirmez-vous'],
      ['Oui, déposer', 'a été déposé'],
    ]);
    const submitted = await findSubmitted('Commune de Volvic');
    const staff = { role: 'instructeur' as const, id: 'staff-1', name: 'Instructeur' };
    const underReview = await app.repository.transition(submitted.reference, submitted.version, { to: 'under_review', by: staff });
    if (!underReview.ok) throw new Error(JSON.stringify(underReview.error));
    const sentBack = await app.repository.transition(submitted.reference, underReview.value.version, {
      to: 'changes_requested',
      by: staff,
      sections: ['commitments'],
      reason: 'Précisez la salle mise à disposition.',
    });
    if (!sentBack.ok) throw new Error(JSON.stringify(sentBack.error));
    const requestedAt = sentBack.value.history[sentBack.value.history.length - 1]!.at;

    // The first submission was weeks ago: the receipt of the resubmission must give today's time, not that one.
    const firstAt = new Date('2026-01-05T09:00:00Z');
    await dossierModel(app.database.connection).updateOne({ reference: submitted.reference }, { $set: { submittedAt: firstAt, 'history.0.at': firstAt } });

    const later = new TestConversation(app.url, official.userId);
    const before = new Date();
    await later.play([
      ['reprendre', ['La préfecture demande des corrections', 'Précisez la salle mise à disposition']],
      ['cofinancement et prêt d’une salle', ['Quel montant', 'Actuellement']],
      ['garder', 'Quelle salle'],
      ['La salle du conseil, le mardi matin', 'valeur'],
      ['passer', ['Voici le récapitulatif', 'Votre dossier est complet']],
      ['Déposer le dossier', 'Confirmez-vous'],
    ]);
    const receipt = (await later.say('Oui, déposer')).map((reply) => reply.text).join('\n');
    expect(receipt).toContain('a été déposé à nouveau, avec vos corrections, le');
    expect(receipt).not.toContain('5 janvier 2026');
    expect(receipt).toContain(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(before));

    const resubmitted = await findSubmitted('Commune de Volvic');
    const last = resubmitted.history[resubmitted.history.length - 1]!;
    expect(last).toMatchObject({ from: 'changes_requested', to: 'submitted', answersRequest: { requestedAt, sections: ['commitments'], reason: 'Précisez la salle mise à disposition.', changedSections: ['commitments'] } });

    const agent = await createAgent(app.staffAccounts, { departements: ['63'] });
    const client = new CookieClient(app.url);
    await client.signIn(agent.email, agent.password);
    const page = (await client.get(`/instruction/dossiers/${resubmitted.reference}`)).text;
    expect(page).not.toContain('Rien n’a changé');
    expect(page).toContain('La salle du conseil, le mardi matin');
    expect(page).toMatch(/Réponse à la demande de corrections du [^<]+ : sections modifiées : Engagements de la collectivité/);
    // The staff API and the PDF give the same « what changed » as the page.
    const key = await staffKey(app.staffAccounts, 'instructeur', ['63']);
    const detail = await call(app.url, `/api/dossiers/${resubmitted.reference}`, { key });
    expect(detail.body.changesSincePreviousSubmission).toMatchObject({ changes: expect.arrayContaining([expect.objectContaining({ section: 'commitments', after: 'La salle du conseil, le mardi matin' })]) });
    const pdf = await fetch(`${app.url}/api/dossiers/${resubmitted.reference}.pdf`, { headers: { authorization: `Bearer ${key}` } });
    const pdfText = execFileSync('pdftotext', ['-layout', '-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString('utf8');
    expect(pdfText).toContain('Modifications depuis le dépôt précédent');
    expect(pdfText).toMatch(/Engagements de la collectivité › .*→ La salle du conseil/);

    const list = (await client.get('/instruction/')).text;
    expect(list).toContain(resubmitted.reference);
    expect(list).toContain('Redéposé après corrections');

    // Refused with a motivation: « où en est mon dossier ? » repeats it, and gives both submission dates.
    const again = await app.repository.findByReference(resubmitted.reference);
    const review = valueOf(await app.repository.transition(resubmitted.reference, again!.version, { to: 'under_review', by: staff }));
    valueOf(await app.repository.transition(resubmitted.reference, review.version, { to: 'rejected', by: staff, reason: 'Le budget dépasse l’enveloppe départementale.' }));
    await later.play([['où en est mon dossier ?', ['« Refusé »', 'Motivation de la préfecture : Le budget dépasse l’enveloppe départementale', 'déposé le 5 janvier 2026 et de nouveau le']]]);
  });

  test('When the applicant answers a request by adding a document only, then the agent is not told « Rien n’a changé » but which document came, and the history says no section changed', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '63', name: 'Commune de Thiers' });
    const staff = { role: 'instructeur' as const, id: 'staff-2', name: 'Instructeur' };
    const underReview = valueOf(await app.repository.transition(dossier.reference, dossier.version, { to: 'under_review', by: staff }));
    const sentBack = valueOf(await app.repository.transition(dossier.reference, underReview.version, { to: 'changes_requested', by: staff, sections: ['scheme'], reason: 'Joignez le diagnostic territorial.' }));
    const attached = await app.attachments.attach(dossier.reference, { bytes: Buffer.from('%PDF-1.4\n% diagnostic\n%%EOF\n'), name: 'Diagnostic.pdf', kind: 'diagnostic' });
    expect(attached.ok).toBe(true);
    const current = await app.repository.findByReference(dossier.reference);
    const resubmitted = valueOf(await app.repository.transition(dossier.reference, current!.version, { to: 'submitted', by: { role: 'applicant', id: 'applicant-x' } }));

    expect(resubmitted.history[resubmitted.history.length - 1]?.answersRequest).toEqual({
      requestedAt: sentBack.history[sentBack.history.length - 1]!.at,
      sections: ['scheme'],
      reason: 'Joignez le diagnostic territorial.',
      changedSections: [],
      documentsChanged: 1,
    });
    const agent = await createAgent(app.staffAccounts, { departements: ['63'] });
    const client = new CookieClient(app.url);
    await client.signIn(agent.email, agent.password);
    const page = (await client.get(`/instruction/dossiers/${dossier.reference}`)).text;
    expect(page).not.toContain('Rien n’a changé');
    expect(page).toContain('les documents, eux, ont changé');
    expect(page).toContain('« Diagnostic.pdf »');
    expect(page).toContain('aucune section du dossier modifiée, 1 document ajouté ou retiré ; non modifiées parmi les sections demandées : Dispositif.');
  });
});

// The administrators' account pages over real HTTP: list, create (with the invitation over real SMTP), départements, revocation.
import { startTestApp, type TestApp } from '../support/testApp';
import { CookieClient, createAgent, hiddenValue, startLoopbackSmtp, type LoopbackSmtp, type TestAgent } from './instructionSupport';

let smtp: LoopbackSmtp;
let app: TestApp;
let admin: TestAgent;
let instructeur: TestAgent;
let adminClient: CookieClient;

beforeAll(async () => {
  smtp = await startLoopbackSmtp();
  const { port } = smtp;
  app = await startTestApp({
    instruction: { mail: { host: '127.0.0.1', port, secure: false, from: 'Instruction <no-reply@prefecture.test>' }, publicBaseUrl: 'https://instruction.example.gouv.fr' },
  });
  admin = await createAgent(app.staffAccounts, { role: 'admin', name: 'Alice Administratrice' });
  instructeur = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
  adminClient = new CookieClient(app.url);
  await adminClient.signIn(admin.email, admin.password);
});

afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

beforeEach(() => {
  smtp.mails.length = 0;
});

async function csrfOf(client: CookieClient): Promise<string> {
  return hiddenValue((await client.get('/instruction/admin/comptes')).text, '_csrf');
}

async function signedIn(agent: TestAgent): Promise<CookieClient> {
  const client = new CookieClient(app.url);
  const answer = await client.signIn(agent.email, agent.password);
  if (answer.status !== 303) throw new Error(`Sign-in refused: ${answer.status}`);
  return client;
}

const createForm = (overrides: Record<string, string> = {}): Record<string, string> => ({
  nom: 'Nadia Nouvelle',
  email: `nadia.${Date.now().toString(36)}@rhone.gouv.fr`,
  role: 'instructeur',
  departements: '69, 01',
  ...overrides,
});

describe('Accounts of the agents (administrators)', () => {
  test('When an administrator opens the accounts page, then every account is listed with its role, départements and state, and the header links to it', async () => {
    const page = await adminClient.get('/instruction/admin/comptes');

    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Comptes des agents</h1>');
    expect(page.text).toContain('Claire Instructrice');
    expect(page.text).toContain(instructeur.email);
    expect(page.text).toContain('<a class="fr-btn" href="/instruction/admin/comptes">Comptes des agents</a>');
    expect(page.text).toMatch(/Claire Instructrice<\/a><\/td>\s*<td>[^<]+<\/td>\s*<td>Instructeur<\/td>\s*<td>69<\/td>/);
  });

  test('When an instructeur opens the accounts page or posts to it, then they get 403 in French and nothing is created', async () => {
    const client = await signedIn(instructeur);
    const list = await client.get('/instruction/');
    const csrf = hiddenValue(list.text, '_csrf');
    const before = (await app.staffAccounts.list()).length;

    const page = await client.get('/instruction/admin/comptes');
    const posted = await client.post('/instruction/admin/comptes', { _csrf: csrf, ...createForm() });
    const revoke = await client.post(`/instruction/admin/comptes/${admin.account.id}/revocation`, { _csrf: csrf });

    expect(page.status).toBe(403);
    expect(page.text).toContain('Cette page est réservée aux administrateurs du service.');
    expect(list.text).not.toContain('href="/instruction/admin/comptes"');
    expect(posted.status).toBe(403);
    expect(revoke.status).toBe(403);
    expect((await app.staffAccounts.list()).length).toBe(before);
    expect((await app.staffAccounts.findActiveById(admin.account.id))?.revokedAt).toBeUndefined();
  });

  test('When an administrator creates an instructeur, then the account exists with its départements and the agent is invited by e-mail', async () => {
    const form = createForm({ email: 'Nadia.Nouvelle@Rhone.gouv.fr', departements: '69 2a;01' });

    const answer = await adminClient.post('/instruction/admin/comptes', { _csrf: await csrfOf(adminClient), ...form });
    const page = await adminClient.get(answer.location ?? '');

    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/^\/instruction\/admin\/comptes\/[0-9a-f]{16}\?info=compte-cree-invite$/);
    const created = (await app.staffAccounts.list()).find((account) => account.email === 'nadia.nouvelle@rhone.gouv.fr');
    expect(created).toMatchObject({ name: 'Nadia Nouvelle', role: 'instructeur', departements: ['69', '2A', '01'] });
    expect(page.text).toContain('Le compte est créé et l’agent a reçu une invitation par courriel.');
    expect(page.text).toContain('69, 2A, 01');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(['nadia.nouvelle@rhone.gouv.fr']);
    expect(smtp.mails[0]?.data).toContain('https://instruction.example.gouv.fr/instruction/');
  });

  test.each([
    ['no name', { nom: '' }, 'Indiquez le nom de l’agent.'],
    ['no e-mail', { email: '' }, 'Indiquez l’adresse électronique de l’agent'],
    ['a malformed e-mail', { email: 'nadia-at-rhone' }, 'Adresse électronique invalide.'],
    ['no role', { role: '' }, 'Choisissez le rôle du compte.'],
    ['a forged role', { role: 'superadmin' }, 'Choisissez le rôle du compte.'],
    ['an instructeur without département', { departements: ' ' }, 'Un instructeur doit avoir au moins un département'],
    ['an unknown département', { departements: '69, 999' }, 'Code de département invalide (par exemple 69, 2A ou 974).'],
  ])('When the creation form has %s, then it comes back in French with what was typed, and nothing is created', async (_case, overrides, message) => {
    const form = createForm({ nom: 'Zoé « Essai » Martin', ...overrides });
    const before = (await app.staffAccounts.list()).length;

    const answer = await adminClient.post('/instruction/admin/comptes', { _csrf: await csrfOf(adminClient), ...form });

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Le compte n’est pas créé : corrigez les champs signalés ci-dessous.');
    expect(answer.text).toContain(message);
    if (form.nom) expect(answer.text).toContain('value="Zoé « Essai » Martin"');
    if (form.email) expect(answer.text).toContain(`value="${form.email}"`);
    if ((form.departements ?? '').trim()) expect(answer.text).toContain(`value="${(form.departements ?? '').trim()}"`);
    if (form.role === 'instructeur') expect(answer.text).toMatch(/id="role-instructeur" name="role" value="instructeur" checked/);
    expect((await app.staffAccounts.list()).length).toBe(before);
    expect(smtp.mails).toHaveLength(0);
  });

  test('When the e-mail is already an active account’s, then the form says so and keeps what was typed', async () => {
    const answer = await adminClient.post('/instruction/admin/comptes', { _csrf: await csrfOf(adminClient), ...createForm({ email: instructeur.email.toUpperCase() }) });

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Un compte actif utilise déjà cette adresse électronique.');
    expect(answer.text).toContain(`value="${instructeur.email.toUpperCase()}"`);
  });

  test('When the form comes without its CSRF token, then it is refused and nothing is created', async () => {
    const before = (await app.staffAccounts.list()).length;

    const answer = await adminClient.post('/instruction/admin/comptes', { _csrf: 'forged', ...createForm() });

    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Ce formulaire a expiré ou ne vient pas de cette page');
    expect((await app.staffAccounts.list()).length).toBe(before);
  });

  test('When an administrator changes an instructeur’s départements, then the agent’s next page shows the new ones; a bad code is refused and kept', async () => {
    const agent = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Paul Mobile' });
    const agentClient = await signedIn(agent);
    const csrf = await csrfOf(adminClient);

    const refused = await adminClient.post(`/instruction/admin/comptes/${agent.account.id}/departements`, { _csrf: csrf, departements: '13, ZZ' });
    const changed = await adminClient.post(`/instruction/admin/comptes/${agent.account.id}/departements`, { _csrf: csrf, departements: '13, 84' });
    const agentPage = await agentClient.get('/instruction/');

    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Code de département invalide');
    expect(refused.text).toContain('value="13, ZZ"');
    expect(changed.status).toBe(303);
    expect((await app.staffAccounts.findActiveById(agent.account.id))?.departements).toEqual(['13', '84']);
    expect(agentPage.text).toContain('départements 13, 84');
  });

  test('When an administrator revokes an account, then its open session ends at once; revoking oneself is refused', async () => {
    const agent = await createAgent(app.staffAccounts, { departements: ['01'], name: 'Agent Partant' });
    const agentClient = await signedIn(agent);
    const csrf = await csrfOf(adminClient);

    const revoked = await adminClient.post(`/instruction/admin/comptes/${agent.account.id}/revocation`, { _csrf: csrf });
    const page = await adminClient.get(revoked.location ?? '');
    const agentNext = await agentClient.get('/instruction/');
    const self = await adminClient.post(`/instruction/admin/comptes/${admin.account.id}/revocation`, { _csrf: csrf });

    expect(revoked.status).toBe(303);
    expect(page.text).toContain('Le compte est révoqué');
    expect(page.text).toContain('Révoqué le');
    expect(agentNext.status).toBe(303);
    expect(await app.database.connection.collection('instruction_sessions').countDocuments({ staffId: agent.account.id })).toBe(0);
    expect(self.status).toBe(400);
    expect(self.text).toContain('Vous ne pouvez pas révoquer votre propre compte');
    expect(await app.staffAccounts.findActiveById(admin.account.id)).not.toBeNull();
  });

  test('When an account id is unknown or malformed, then the page says it does not exist', async () => {
    expect((await adminClient.get('/instruction/admin/comptes/0123456789abcdef')).status).toBe(404);
    expect((await adminClient.get('/instruction/admin/comptes/pas-un-id')).text).toContain('Ce compte est introuvable.');
  });
});

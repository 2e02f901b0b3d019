// E-mails to the agents over real SMTP: a loopback smtp-server receives what the product sends.
import { startTestApp, type TestApp } from '../support/testApp';
import { submittedDossier } from './staffApiSupport';
import { createAgent, startLoopbackSmtp, type LoopbackSmtp, type ReceivedMail, type TestAgent } from './instructionSupport';

let smtp: LoopbackSmtp;
let app: TestApp;
let lyon: TestAgent;

beforeAll(async () => {
  smtp = await startLoopbackSmtp();
  const { port } = smtp;
  app = await startTestApp({
    instruction: { mail: { host: '127.0.0.1', port, secure: false, from: 'Instruction <no-reply@prefecture.test>' }, publicBaseUrl: 'https://instruction.example.gouv.fr' },
  });
  lyon = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
  await createAgent(app.staffAccounts, { departements: ['13'], name: 'Agent de Marseille' });
});

afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

beforeEach(() => {
  smtp.mails.length = 0;
});

async function waitForMail(count: number): Promise<ReceivedMail[]> {
  const deadline = Date.now() + 10_000;
  while (smtp.mails.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return [...smtp.mails];
}

/** The decoded text of a quoted-printable message body. */
function decoded(data: string): string {
  return data.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (hex) => Buffer.from(hex.replace(/=/g, ''), 'hex').toString('utf8'));
}

describe('E-mails to the agents', () => {
  test('When a dossier is submitted, then the instructeurs of its département get an e-mail with a link, and those of other départements do not', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69', name: 'Commune de Vénissieux' });

    const [mail] = await waitForMail(1);

    expect(smtp.mails).toHaveLength(1);
    expect(mail?.to).toEqual([lyon.email]);
    const text = decoded(mail?.data ?? '');
    // The subject is a MIME encoded word: « Nouveau dossier : TI-… » with spaces as underscores.
    expect(mail?.data).toMatch(new RegExp(`Subject: =\\?UTF-8\\?Q\\?Nouveau_dossier_.{1,3}_${dossier.reference}`));
    expect(text).toContain('Commune de Vénissieux');
    expect(text).toContain(`https://instruction.example.gouv.fr/instruction/dossiers/${dossier.reference}`);
  });

  test('When a collectivity name holds bidi controls and Arabic letters, then the e-mail keeps the letters and drops the controls (F19)', async () => {
    await submittedDossier(app.repository, { departement: '69', name: 'Commune \u202e150 000\u202c جمعية\u2067' });

    const [mail] = await waitForMail(1);
    const text = decoded(mail?.data ?? '');

    expect(text).toContain('Commune 150 000 جمعية');
    expect(text).not.toMatch(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/);
  });

  test('When the applicant replies to the prefecture in the chat, then the instructeurs get the message by e-mail', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    await waitForMail(1);
    smtp.mails.length = 0;

    // The applicant writes in their chat: a real turn through the bot.
    const replies = await app.bot.processInternal({
      type: 'message',
      channelId: dossier.owner.channel,
      serviceUrl: 'http://127.0.0.1:1',
      conversation: { id: `conversation-${dossier.owner.userId}` },
      from: { id: dossier.owner.userId },
      recipient: { id: 'bot' },
      text: 'Répondre à la préfecture : le budget est corrigé.',
      locale: 'fr-FR',
    } as unknown as Parameters<TestApp['bot']['processInternal']>[0]);
    const [mail] = await waitForMail(1);
    const stored = await app.repository.findByReference(dossier.reference);

    expect(replies.map((reply) => reply.text).join('\n')).toContain('Votre message est transmis à la préfecture');
    expect(stored?.messages?.map((message) => message.text)).toEqual(['le budget est corrigé.']);
    expect(mail?.to).toEqual([lyon.email]);
    expect(decoded(mail?.data ?? '')).toContain('le budget est corrigé.');
  });
});

// E-mails to the agents over real SMTP: a loopback smtp-server receives what the product sends.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startTestApp, type TestApp } from '../support/testApp';
import { submittedDossier } from './staffApiSupport';
import { createAgent, type TestAgent } from './instructionSupport';

interface Received {
  to: string[];
  data: string;
}

let smtp: SMTPServer;
let received: Received[] = [];
let app: TestApp;
let lyon: TestAgent;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((address) => address.address), data: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  app = await startTestApp({
    instruction: { mail: { host: '127.0.0.1', port, secure: false, from: 'Instruction <no-reply@prefecture.test>' }, publicBaseUrl: 'https://instruction.example.gouv.fr' },
  });
  lyon = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
  await createAgent(app.staffAccounts, { departements: ['13'], name: 'Agent de Marseille' });
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

beforeEach(() => {
  received = [];
});

async function waitForMail(count: number): Promise<Received[]> {
  const deadline = Date.now() + 10_000;
  while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return received;
}

/** The decoded text of a quoted-printable message body. */
function decoded(data: string): string {
  return data.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (hex) => Buffer.from(hex.replace(/=/g, ''), 'hex').toString('utf8'));
}

describe('E-mails to the agents', () => {
  test('When a dossier is submitted, then the instructeurs of its département get an e-mail with a link, and those of other départements do not', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69', name: 'Commune de Vénissieux' });

    const [mail] = await waitForMail(1);

    expect(received).toHaveLength(1);
    expect(mail?.to).toEqual([lyon.email]);
    const text = decoded(mail?.data ?? '');
    // The subject is a MIME encoded word: « Nouveau dossier : TI-… » with spaces as underscores.
    expect(mail?.data).toMatch(new RegExp(`Subject: =\\?UTF-8\\?Q\\?Nouveau_dossier_.{1,3}_${dossier.reference}`));
    expect(text).toContain('Commune de Vénissieux');
    expect(text).toContain(`https://instruction.example.gouv.fr/instruction/dossiers/${dossier.reference}`);
  });

  test('When the applicant replies to the prefecture in the chat, then the instructeurs get the message by e-mail', async () => {
    const dossier = await submittedDossier(app.repository, { departement: '69' });
    await waitForMail(1);
    received = [];

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

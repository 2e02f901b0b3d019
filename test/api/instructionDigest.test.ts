// The daily digest over real SMTP: a loopback smtp-server receives what the product sends, once a day.
import pino from 'pino';
import { dossierModel } from '../../dossiers/dossierModel';
import { DailyDigest } from '../../api/instruction/dailyDigest';
import { createSmtpSender } from '../../api/instruction/mailer';
import { loadConfig } from '../../api/config';
import { startTestApp, type TestApp } from '../support/testApp';
import { submittedDossier, valueOf } from './staffApiSupport';
import { createAgent, startLoopbackSmtp, type LoopbackSmtp, type TestAgent } from './instructionSupport';

let smtp: LoopbackSmtp;
let app: TestApp;
let lyon: TestAgent;
let marseille: TestAgent;

const HOUR_MS = 3600_000;

/** The next instant after `from` when it is 06:30 in Paris. */
function nextParisMorning(from: Date): Date {
  const parts = (date: Date): string => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  let instant = new Date(Math.ceil(from.getTime() / 1800_000) * 1800_000);
  while (parts(instant) !== '06:30') instant = new Date(instant.getTime() + 1800_000);
  return instant;
}

function digestOn(hour: number): DailyDigest {
  return new DailyDigest({
    dossiers: app.repository,
    accounts: app.staffAccounts,
    send: createSmtpSender({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'Instruction <no-reply@prefecture.test>' }),
    connection: app.database.connection,
    hour,
    publicBaseUrl: 'https://instruction.example.gouv.fr',
    logger: pino({ level: 'silent' }),
  });
}

/** The decoded text of a quoted-printable message body. */
function decoded(data: string): string {
  return data.replace(/=\r?\n/g, '').replace(/(?:=[0-9A-F]{2})+/g, (hex) => Buffer.from(hex.replace(/=/g, ''), 'hex').toString('utf8'));
}

/** The MIME encoded-word subject, read back. */
function subjectOf(data: string): string {
  const header = /^Subject: ((?:.*)(?:\r?\n[ \t].*)*)/m.exec(data)?.[1] ?? '';
  return header
    .split(/\s+/)
    .map((word) => /^=\?UTF-8\?Q\?(.*)\?=$/i.exec(word)?.[1] ?? word)
    .map((word) => decoded(word.replace(/_/g, ' ')))
    .join('');
}

beforeAll(async () => {
  smtp = await startLoopbackSmtp();
  app = await startTestApp();
  lyon = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Claire Instructrice' });
  marseille = await createAgent(app.staffAccounts, { departements: ['13'], name: 'Agent de Marseille' });
  const revoked = await createAgent(app.staffAccounts, { departements: ['69'], name: 'Parti en retraite' });
  await app.staffAccounts.revoke(revoked.account.id);
  await createAgent(app.staffAccounts, { role: 'admin', name: 'Anne Admin' });
});

afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

beforeEach(async () => {
  smtp.mails.length = 0;
  await dossierModel(app.database.connection).deleteMany({});
  await app.database.connection.collection('instruction_digest_runs').deleteMany({});
});

/** Two dossiers of the Rhône: one waiting for three days, one submitted an hour before `due`, with a message from its applicant. */
async function rhoneDossiers(due: Date): Promise<{ old: string; fresh: string }> {
  const old = await submittedDossier(app.repository, { departement: '69', name: 'Commune de Bron' });
  const fresh = await submittedDossier(app.repository, { departement: '69', name: 'Commune de Vénissieux' });
  const dossiers = dossierModel(app.database.connection);
  const backdate = (dossier: typeof old, at: Date) => dossiers.updateOne({ reference: dossier.reference }, { $set: { history: dossier.history.map((entry) => ({ ...entry, at })) } });
  await backdate(old, new Date(due.getTime() - 72 * HOUR_MS));
  await backdate(fresh, new Date(due.getTime() - HOUR_MS));
  valueOf(await app.repository.addMessage(fresh.reference, { by: { kind: 'applicant', id: 'someone' }, text: 'Le budget est joint.', at: new Date(due.getTime() - HOUR_MS / 2) }));
  return { old: old.reference, fresh: fresh.reference };
}

describe('The daily digest', () => {
  test('When the digest goes out, then each instructeur with something to read gets one e-mail about their départements only', async () => {
    const due = new Date(nextParisMorning(new Date()).getTime() + 1.5 * HOUR_MS);
    const { old, fresh } = await rhoneDossiers(due);
    await submittedDossier(app.repository, { departement: '01', name: 'Bourg-en-Bresse' });

    const { sent } = await digestOn(7).sendAll(due);

    expect(sent).toBe(1);
    expect(smtp.mails.map((mail) => mail.to)).toEqual([[lyon.email]]);
    const data = smtp.mails[0]?.data ?? '';
    expect(subjectOf(data)).toMatch(/^Résumé du \d+ \S+ : 1 dossier déposé, 1 message, 2 à examiner$/);
    const text = decoded(data);
    expect(text).toContain('Bonjour Claire Instructrice,');
    expect(text).toContain(`Nouveaux dossiers déposés (1) :\r\n- ${fresh}, Commune de Vénissieux : https://instruction.example.gouv.fr/instruction/dossiers/${fresh}`);
    expect(text).toContain(`Nouveaux messages des demandeurs (1) :\r\n- ${fresh}`);
    expect(text).toContain('Dossiers à examiner en tout : 2.');
    expect(text).not.toContain(`- ${old}`);
    expect(text).not.toContain('Bourg-en-Bresse');
    expect(smtp.mails.flatMap((mail) => mail.to)).not.toContain(marseille.email);
  });

  test('When the checks come before the hour, at the hour, later the same day, and from a second instance, then exactly one digest goes out', async () => {
    const morning = nextParisMorning(new Date());
    await rhoneDossiers(new Date(morning.getTime() + 1.5 * HOUR_MS));
    const first = digestOn(7);
    const second = digestOn(7);

    expect(await first.runIfDue(morning)).toBe(0);
    expect(smtp.mails).toHaveLength(0);
    const [a, b] = await Promise.all([first.runIfDue(new Date(morning.getTime() + 1.5 * HOUR_MS)), second.runIfDue(new Date(morning.getTime() + 1.6 * HOUR_MS))]);
    expect(await first.runIfDue(new Date(morning.getTime() + 4 * HOUR_MS))).toBe(0);

    expect(a + b).toBe(1);
    expect(smtp.mails).toHaveLength(1);
    // The next day, again.
    expect(await first.runIfDue(new Date(morning.getTime() + 25.5 * HOUR_MS))).toBe(1);
  });

  test('When the SMTP server is down at the digest hour, then the digest is tried again later that day once it is back, and sent once', async () => {
    const morning = nextParisMorning(new Date());
    const due = new Date(morning.getTime() + 1.5 * HOUR_MS);
    await rhoneDossiers(due);
    const digest = digestOn(7);
    const port = smtp.port;
    await smtp.close();
    try {
      // Down at the hour: nothing sent, and the day is not over for the digest.
      expect(await digest.runIfDue(due)).toBe(0);
      // Back up, but before the retry delay: not yet.
      smtp = await startLoopbackSmtp(port);
      expect(await digest.runIfDue(new Date(due.getTime() + 10 * 60_000))).toBe(0);
      expect(smtp.mails).toHaveLength(0);
      // Later that day: sent, to the Rhône's instructeur only, then never again that day (from any instance).
      expect(await digest.runIfDue(new Date(due.getTime() + 45 * 60_000))).toBe(1);
      expect(await digestOn(7).runIfDue(new Date(due.getTime() + 3 * HOUR_MS))).toBe(0);
      expect(smtp.mails.map((mail) => mail.to)).toEqual([[lyon.email]]);
    } finally {
      if (smtp.port !== port) smtp = await startLoopbackSmtp(port);
    }
  });

  test('When nothing waits and nothing arrived, then no e-mail goes out', async () => {
    expect((await digestOn(7).sendAll(new Date())).sent).toBe(0);
    expect(smtp.mails).toHaveLength(0);
  });
});

describe('MAIL_DIGEST_HOUR', () => {
  const base = { NODE_ENV: 'test', SMTP_HOST: '127.0.0.1' };

  test.each([
    ['7', 7],
    ['0', 0],
    ['23', 23],
    ['', undefined],
  ])('When it is « %s », then the digest hour is %p', (value, hour) => {
    expect(loadConfig({ ...base, MAIL_DIGEST_HOUR: value }).mail?.digestHour).toBe(hour);
  });

  test.each(['24', '-1', '7h', 'sept'])('When it is « %s », then start-up stops with a message naming it', (value) => {
    expect(() => loadConfig({ ...base, MAIL_DIGEST_HOUR: value })).toThrow(/MAIL_DIGEST_HOUR/);
  });
});

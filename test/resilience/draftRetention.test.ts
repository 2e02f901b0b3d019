// RGPD: drafts untouched for DRAFT_RETENTION_DAYS are deleted by a scheduled task, after a warning
// in the applicant's chat when it can reach them; each draft is warned once; submitted dossiers stay.
import { loadConfig } from '../../api/config';
import { scheduleRetention, type RetentionReport } from '../../api/retention';
import pino from 'pino';
import { TestConversation } from '../support/conversation';
import { startTestApp, type TestApp } from '../support/testApp';
import { call, submittedDossier } from '../api/staffApiSupport';
import { FIRST_HALF, waitFor, WidgetUser } from './resilienceSupport';

const DAY_MS = 24 * 3600 * 1000;

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ retention: { retentionDays: 180, warningDays: 7 } });
});

afterAll(async () => {
  await app.close();
});

function userIdOf(token: string): string {
  const [payload = ''] = token.split('.');
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

/** Makes a dossier look untouched for that many days (the repository's clock is the real one). */
async function age(reference: string, days: number, now: Date): Promise<void> {
  await app.database.connection.collection('dossiers').updateOne({ reference }, { $set: { updatedAt: new Date(now.getTime() - days * DAY_MS) } });
}

async function widgetWithDraft(): Promise<{ widget: WidgetUser; reference: string }> {
  const widget = await WidgetUser.arrive(app.url);
  await widget.start();
  await widget.play(FIRST_HALF.slice(0, 2));
  const draft = await app.repository.findDraftForOwner({ channel: 'webchat', userId: userIdOf(widget.token) });
  return { widget, reference: draft!.reference };
}

async function exists(reference: string): Promise<boolean> {
  return (await app.repository.findByReference(reference)) !== null;
}

describe('Draft retention', () => {
  test('When drafts near and pass their retention, then their owners are warned once in the chat, and the drafts go only after the warning period', async () => {
    const now = new Date();
    const warned = await widgetWithDraft();
    const overdue = await widgetWithDraft();
    const touchedAgain = await widgetWithDraft();
    const recent = await widgetWithDraft();
    // A draft whose owner the bot has no conversation with: nobody to warn.
    const unreachableDraft = (await app.repository.createDraft({ channel: 'msteams', userId: `29:never-seen-${Date.now()}` })).reference;
    const restarter = new TestConversation(app.url);
    await restarter.play([...FIRST_HALF.slice(0, 2), ['recommencer', 'mis de côté']]);
    const withdrawn = (await app.database.connection.collection('dossiers').findOne({ 'owner.userId': restarter.userId, status: 'withdrawn' }))!.reference as string;
    const submitted = await submittedDossier(app.repository);
    await age(warned.reference, 175, now);
    await age(overdue.reference, 200, now);
    await age(touchedAgain.reference, 175, now);
    await age(unreachableDraft, 175, now);
    await age(withdrawn, 181, now);
    await age(submitted.reference, 400, now);
    for (const { widget } of [warned, overdue, touchedAgain, recent]) await widget.poll();

    const first = await app.retention.run(now);
    const second = await app.retention.run(new Date(now.getTime() + 3600 * 1000));
    const warning = await warned.widget.poll();
    const overdueWarning = await overdue.widget.poll();
    await touchedAgain.widget.play([
      ['reprendre', 'Dans quel département'],
      ['69', 'SIREN'],
    ]);
    const afterFiveDays = await app.retention.run(new Date(now.getTime() + 5.5 * DAY_MS));
    const afterFiveDaysExist = await Promise.all([warned.reference, overdue.reference, unreachableDraft].map(exists));
    const afterEightDays = await app.retention.run(new Date(now.getTime() + 8 * DAY_MS));

    expect(first).toEqual<RetentionReport>({ warned: 3, unreachable: 1, purged: 1 });
    expect(second).toEqual<RetentionReport>({ warned: 0, unreachable: 0, purged: 0 });
    expect(warning.map((activity) => activity.text)).toEqual([expect.stringContaining(`Votre brouillon ${warned.reference} (Métropole de Lyon) n’a pas été modifié depuis le`)]);
    expect(warning[0]?.text).toMatch(/il sera supprimé le \d{1,2} \p{L}+ \d{4}/u);
    expect(overdueWarning).toHaveLength(1);
    expect(afterFiveDays).toEqual<RetentionReport>({ warned: 0, unreachable: 0, purged: 1 });
    expect(afterFiveDaysExist).toEqual([true, true, false]);
    expect(afterEightDays).toEqual<RetentionReport>({ warned: 0, unreachable: 0, purged: 2 });
    expect(await Promise.all([warned.reference, overdue.reference, withdrawn].map(exists))).toEqual([false, false, false]);
    expect(await Promise.all([touchedAgain.reference, recent.reference, submitted.reference].map(exists))).toEqual([true, true, true]);
    expect(await app.database.connection.collection('draft_retention_warnings').countDocuments({ reference: { $in: [warned.reference, overdue.reference] } })).toBe(0);
    const gone = await warned.widget.say('69');
    expect(gone.map((reply) => reply.text).join('\n')).toContain(`Le dossier ${warned.reference} n’existe plus`);
  });

  test('When the retention is scheduled, then it runs on its own, one run at a time, and stops with the server', async () => {
    let runs = 0;
    const timer = scheduleRetention(
      {
        run: async () => {
          runs += 1;
          return { warned: 0, unreachable: 0, purged: 0 };
        },
      },
      { intervalMs: 10, firstRunDelayMs: 0, logger: pino({ level: 'silent' }) },
    );
    await waitFor(() => runs >= 3, 'three runs');
    await timer.stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(runs).toBe(stoppedAt);
  });

  test('When DRAFT_RETENTION_DAYS is set, then the configuration and the widget page quote it, and a warning period not shorter than it is refused', async () => {
    const config = loadConfig({ DRAFT_RETENTION_DAYS: '30', DRAFT_RETENTION_WARNING_DAYS: '5' });
    const defaults = loadConfig({});
    const own = await startTestApp({ testDatabase: app.testDatabase, retention: { retentionDays: 30 } });
    let page: string;
    try {
      page = (await call(own.url, '/')).text;
    } finally {
      await own.close();
    }

    expect(config.retention).toEqual({ retentionDays: 30, warningDays: 5 });
    expect(defaults.retention).toEqual({ retentionDays: 180, warningDays: 7 });
    expect(() => loadConfig({ DRAFT_RETENTION_DAYS: '7', DRAFT_RETENTION_WARNING_DAYS: '7' })).toThrow(/DRAFT_RETENTION_WARNING_DAYS/);
    expect(page).toContain('un brouillon sans activité pendant 30 jours est supprimé');
  });
});

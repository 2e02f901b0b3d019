// `npm run devdb`: devdb as a standalone server, so any MongoDB tool or a second process can use it.
import { z } from 'zod';
import { credentialsFile, devDbFile, startDevDb, type DevDbLogger } from './index';

/** A line for the person who started the server, on standard output. */
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

const EnvSchema = z.object({
  DEVDB_PORT: z.coerce
    .number({ error: 'DEVDB_PORT doit être un numéro de port (0 à 65535)' })
    .int('DEVDB_PORT doit être un entier')
    .min(0, 'DEVDB_PORT doit être entre 0 et 65535')
    .max(65535, 'DEVDB_PORT doit être entre 0 et 65535')
    .default(27017),
  DATA_DIR: z.string().min(1, 'DATA_DIR ne doit pas être vide').default('.data/'),
});

const consoleLogger: DevDbLogger = {
  info: (obj, msg) => say(`${msg ?? ''} ${JSON.stringify(obj)}`),
  warn: (obj, msg) => console.warn(msg ?? '', JSON.stringify(obj)),
  error: (obj, msg) => console.error(msg ?? '', JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? v.message : v))),
};

async function main(): Promise<void> {
  const parsed = EnvSchema.safeParse({
    DEVDB_PORT: process.env.DEVDB_PORT || undefined,
    DATA_DIR: process.env.DATA_DIR || undefined,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`Configuration invalide : ${issue.path.join('.')}: ${issue.message}`);
    process.exit(1);
  }
  const { DEVDB_PORT, DATA_DIR } = parsed.data;
  const db = await startDevDb({ filename: devDbFile(DATA_DIR), port: DEVDB_PORT, logger: consoleLogger });
  say(`devdb prêt : ${db.uri('territoires')}`);
  say(`Écoute sur ${db.host} seulement (boucle locale). Connexion authentifiée (SCRAM-SHA-256, utilisateur « ${db.credentials.username} », base d'authentification admin) :`);
  say(`  mongosh '${db.uri('territoires')}'`);
  say(`Identifiants conservés dans ${credentialsFile(devDbFile(DATA_DIR))} (lisible par vous seul, dossier 0700).`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    say(`devdb s'arrête (${signal})`);
    db.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`devdb n'a pas pu démarrer : ${(err as Error).message}`);
  process.exit(1);
});

// `npm run staff -- create|list|revoke`: manages prefecture staff accounts and their API keys, on the
// same database as the server (MONGODB_URI, or the embedded one under DATA_DIR, server running or not).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../api/config';
import { connectDatabase, openConnection, runningEmbeddedUri, type Database } from '../api/database';
import { createLogger } from '../api/logger';
import { StaffAccountRepository } from '../api/staff/staffRepository';
import { StaffIdSchema, StaffRoleSchema, type StaffAccount } from '../api/staff/staffSchema';

const USAGE = `Utilisation :
  npm run staff -- create --name "Prénom Nom" --role instructeur|admin [--departements 69,01] [--email prenom.nom@exemple.gouv.fr]
  npm run staff -- list
  npm run staff -- revoke <identifiant>
  npm run staff -- password <identifiant>   (lit le mot de passe sur l’entrée standard)

create affiche la clé d’API seule sur la dernière ligne : elle n’est montrée qu’une fois.
--email est l’identifiant de connexion aux pages /instruction/ (avec le mot de passe défini par password,
12 caractères au moins), et relie le compte à ProConnect quand il est configuré.
Exemple : printf '%s\n' 'un mot de passe long' | npm run staff -- password 0123456789abcdef`;

class UsageError extends Error {}

const DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (!['create', 'list', 'revoke', 'password'].includes(command)) throw new UsageError(`Commande inconnue : ${command}`);
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const database = await openDatabase(config.database);
  try {
    const accounts = new StaffAccountRepository(database.connection);
    await accounts.init();
    switch (command) {
      case 'create':
        return await create(accounts, rest);
      case 'list':
        return await list(accounts, rest);
      case 'revoke':
        return await revoke(accounts, rest);
      case 'password':
        return await password(accounts, rest);
      default:
        throw new UsageError(`Commande inconnue : ${command}`);
    }
  } finally {
    await database.close();
  }
}

async function create(accounts: StaffAccountRepository, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { name: { type: 'string' }, role: { type: 'string' }, departements: { type: 'string' }, email: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`Argument inattendu : ${positionals.join(' ')}`);
  if (!values.name) throw new UsageError('--name est obligatoire.');
  const role = StaffRoleSchema.safeParse(values.role);
  if (!role.success) throw new UsageError('--role doit valoir instructeur ou admin.');
  const departements = (values.departements ?? '')
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code !== '');
  if (role.data === 'admin' && departements.length > 0) throw new UsageError('Un admin voit tous les départements : retirez --departements.');

  const created = await accounts.create({ name: values.name, role: role.data, departements, ...(values.email ? { email: values.email } : {}) });
  if (!created.ok) {
    const reasons = created.code === 'email_taken' ? ['email : un compte actif utilise déjà cette adresse.'] : created.issues.map((issue) => `${issue.path} : ${issue.message}`);
    process.stderr.write(`Compte non créé :\n${reasons.map((reason) => `  - ${reason}`).join('\n')}\n`);
    return 1;
  }
  const { account, key } = created;
  process.stdout.write(`Compte créé : ${account.name}, ${describeScope(account)}, identifiant ${account.id}.\n`);
  process.stdout.write('Transmettez cette clé à la personne par un canal sûr ; elle ne sera plus affichée (en-tête Authorization: Bearer <clé>) :\n');
  process.stdout.write(`${key}\n`);
  return 0;
}

async function list(accounts: StaffAccountRepository, args: string[]): Promise<number> {
  const { positionals } = parse(args, {});
  if (positionals.length > 0) throw new UsageError(`Argument inattendu : ${positionals.join(' ')}`);
  const all = await accounts.list();
  if (all.length === 0) {
    process.stdout.write('Aucun compte. Créez-en un avec : npm run staff -- create --name "Prénom Nom" --role admin\n');
    return 0;
  }
  const rows = [
    ['IDENTIFIANT', 'NOM', 'RÔLE', 'DÉPARTEMENTS', 'COURRIEL', 'CRÉÉ LE', 'DERNIER USAGE', 'ÉTAT'],
    ...all.map((account) => [
      account.id,
      account.name,
      account.role,
      account.role === 'admin' ? 'tous' : account.departements.join(','),
      account.email ?? '-',
      DATE.format(account.createdAt),
      account.lastUsedAt ? DATE.format(account.lastUsedAt) : 'jamais',
      account.revokedAt ? `révoqué le ${DATE.format(account.revokedAt)}` : 'actif',
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`);
  return 0;
}

async function revoke(accounts: StaffAccountRepository, args: string[]): Promise<number> {
  const { positionals } = parse(args, {});
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError('Indiquez l’identifiant du compte à révoquer (voir npm run staff -- list).');
  if (!StaffIdSchema.safeParse(id).success) throw new UsageError(`Identifiant invalide : ${id} (16 caractères hexadécimaux, voir npm run staff -- list).`);
  const account = await accounts.revoke(id);
  if (!account) {
    process.stderr.write(`Aucun compte n’a l’identifiant ${id}.\n`);
    return 1;
  }
  process.stdout.write(`Compte ${account.id} (${account.name}) révoqué : sa clé est refusée dès maintenant.\n`);
  return 0;
}

async function password(accounts: StaffAccountRepository, args: string[]): Promise<number> {
  const { positionals } = parse(args, {});
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError('Indiquez l’identifiant du compte (voir npm run staff -- list), et le mot de passe sur l’entrée standard.');
  if (!StaffIdSchema.safeParse(id).success) throw new UsageError(`Identifiant invalide : ${id} (16 caractères hexadécimaux, voir npm run staff -- list).`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  const result = await accounts.setPassword(id, secret);
  if (!result.ok) {
    const reasons = { not_found: `Aucun compte n’a l’identifiant ${id}.`, too_short: 'Mot de passe trop court : 12 caractères au moins.', too_long: 'Mot de passe trop long : 200 caractères au plus.' };
    process.stderr.write(`${reasons[result.code]}\n`);
    return 1;
  }
  const login = result.account.email ? `connexion avec ${result.account.email}` : 'ajoutez une adresse électronique au compte pour qu’il puisse se connecter';
  process.stdout.write(`Mot de passe enregistré pour ${result.account.name} (${login}).\n`);
  return 0;
}

function parse<T extends Record<string, { type: 'string' }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function describeScope(account: StaffAccount): string {
  return account.role === 'admin' ? 'admin (tous les départements)' : `instructeur (départements ${account.departements.join(', ')})`;
}

/**
 * The server's database: MONGODB_URI, else the embedded file under DATA_DIR. devdb keeps its file to
 * one process, so while the server runs we reach its embedded database through the port it wrote down.
 */
async function openDatabase(database: Config['database']): Promise<Database> {
  const logger = createLogger({ level: 'warn', format: 'json' }, pino.destination(2));
  if (database.uri) return openConnection(database.uri, 'mongodb', database.timeoutMs);
  try {
    return await connectDatabase(database, logger);
  } catch (error) {
    const running = isFileInUse(error) ? runningEmbeddedUri(database.dataDir) : undefined;
    if (!running) throw error;
    return openConnection(running, 'embedded', database.timeoutMs);
  }
}

function isFileInUse(error: unknown): boolean {
  return error instanceof Error && (/already used by another devdb process/.test(error.message) || (error.cause as { code?: unknown } | undefined)?.code === 'SQLITE_BUSY');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nVoir .env.example.\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`Échec : ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);

// `npm run teams:package`: builds dist/teams/territoires-integration.zip, to sideload in Teams.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../api/config';
import { buildTeamsPackage } from '../bot/teams/teamsPackage';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const missing = [
    ['TEAMS_APP_ID', config.teams.appId],
    ['MicrosoftAppId', config.bot.appId],
    ['PUBLIC_BASE_URL', config.publicBaseUrl],
  ].filter(([, value]) => !value);
  if (missing.length > 0) {
    console.error(`Set ${missing.map(([name]) => name).join(', ')} (see .env.example) to build the Teams package.`);
    process.exit(1);
  }
  const built = await buildTeamsPackage({
    teamsAppId: config.teams.appId ?? '',
    botId: config.bot.appId ?? '',
    baseUrl: config.publicBaseUrl ?? '',
    version: config.version,
  });
  if (built.errors.length > 0) {
    console.error(`The manifest does not validate against the Teams schema:\n${built.errors.map((error) => `  - ${error}`).join('\n')}`);
    process.exit(1);
  }
  const file = path.resolve('dist', 'teams', 'territoires-integration.zip');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, built.zip);
  console.log(`Teams package written and validated against the Teams manifest schema: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

// The Teams app package (manifest.json + two icons, zipped), validated offline against Teams' schema.
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import teamsSchema from '@microsoft/app-manifest/build/json-schemas/teams/v1.17/MicrosoftTeams.schema.json';
import { colorIcon, outlineIcon } from './teamsIcons';

const MANIFEST_VERSION = '1.17';

export interface TeamsPackageInput {
  /** The Teams app's own id (a GUID of your choice, stable across versions). */
  teamsAppId: string;
  /** The Azure Bot's Microsoft App ID (MicrosoftAppId). */
  botId: string;
  /** Where the service is published, https. */
  baseUrl: string;
  /** The app version, x.y.z. */
  version: string;
}

export function buildTeamsManifest(input: TeamsPackageInput): Record<string, unknown> {
  const base = input.baseUrl.replace(/\/+$/, '');
  return {
    $schema: `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
    manifestVersion: MANIFEST_VERSION,
    version: input.version,
    id: input.teamsAppId,
    developer: {
      name: 'Territoires d’intégration',
      websiteUrl: base,
      privacyUrl: `${base}/#donnees`,
      termsOfUseUrl: `${base}/#donnees`,
    },
    name: { short: 'Territoires d’intégration', full: 'Assistant Territoires d’intégration (CTAI et PTAI)' },
    description: {
      short: 'Préparez la candidature de votre collectivité à un CTAI ou un PTAI.',
      full:
        'L’assistant répond à vos questions sur les contrats territoriaux d’accueil et d’intégration (CTAI) et les projets territoriaux (PTAI), ' +
        'en citant ses sources, et vous guide pas à pas pour préparer le dossier de candidature de votre collectivité, transmis ensuite à la préfecture.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#000091',
    bots: [
      {
        botId: input.botId,
        scopes: ['personal'],
        supportsFiles: true,
        isNotificationOnly: false,
        commandLists: [
          {
            scopes: ['personal'],
            commands: [
              { title: 'Préparer une candidature', description: 'Commencer ou reprendre le dossier de votre collectivité' },
              { title: 'Où en suis-je', description: 'Voir l’avancement de votre dossier' },
              { title: 'Aide', description: 'Ce que l’assistant sait faire' },
            ],
          },
        ],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [new URL(base).host],
  };
}

/**
 * The schema errors of a manifest; empty when it is valid. Validated as Microsoft's own tooling does
 * (ajv, draft-04) against Teams' own schema as Microsoft ships it in @microsoft/app-manifest: no network.
 */
export async function validateTeamsManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const ajv = new Ajv({ allErrors: true, strictTypes: false, strict: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(teamsSchema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

export async function buildTeamsPackage(input: TeamsPackageInput): Promise<{ zip: Buffer; manifest: Record<string, unknown>; errors: string[] }> {
  const manifest = buildTeamsManifest(input);
  const errors = await validateTeamsManifest(manifest);
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  zip.file('color.png', colorIcon());
  zip.file('outline.png', outlineIcon());
  return { zip: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), manifest, errors };
}

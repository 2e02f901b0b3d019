// The staff API's OpenAPI 3.1 document, generated from the same zod schemas that validate the requests.
import { Router } from 'express';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import {
  CsvExportQuerySchema,
  DossierDetailSchema,
  DossierFiltersSchema,
  DossierListQuerySchema,
  DossierListResponseSchema,
  ErrorResponseSchema,
  IfMatchHeaderSchema,
  NoteBodySchema,
  ReferenceParamsSchema,
  StaffNoteSchema,
  StatusChangeWebhookSchema,
  TransitionBodySchema,
} from './dossiers/dossierApiSchemas';
import { apiHelmet } from './dossiers/dossierRouter';
import { FollowingSchema, LabelsBodySchema, LabelsSchema, MessageBodySchema, MessageListSchema, MessageSentSchema, NoteListSchema } from './staff/staffExchangeRoutes';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ErrorResponseSchema } } });

const COMMON_ERRORS: ZodOpenApiResponsesObject = {
  '400': errorResponse('Requête invalide : paramètre inconnu ou mal formé, JSON invalide, opérateur MongoDB…'),
  '401': errorResponse('Clé absente, inconnue ou révoquée (toujours la même réponse).'),
  '429': errorResponse('Trop de requêtes pour cette adresse IP ou cette clé.'),
};

const NOT_FOUND = { '404': errorResponse('Dossier inexistant, brouillon, ou hors des départements de l’instructeur : la réponse est la même.') };

const EXPORT_NOTE =
  'Le fichier est envoyé au fil de la lecture, sans limite de nombre de dossiers. Un compte peut lancer au plus ' +
  '`STAFF_EXPORTS_PER_KEY` exports à la fois (2 par défaut) ; au-delà : 429 `EXPORTS_IN_PROGRESS` avec `Retry-After`.';

const EXPORT_BUSY = { '429': errorResponse('Trop de requêtes, ou déjà trop d’exports en cours pour ce compte (`EXPORTS_IN_PROGRESS`).') };

const binary = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' as const, format: 'binary' } } } });

function operation(summary: string, rest: Omit<ZodOpenApiOperationObject, 'summary' | 'tags'>): ZodOpenApiOperationObject {
  return { summary, tags: ['Dossiers'], security: [{ bearer: [] }], ...rest, responses: { ...COMMON_ERRORS, ...rest.responses } };
}

function buildOpenApiDocument(version: string): ReturnType<typeof createDocument> {
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Territoires d’intégration : API des préfectures',
        version,
        description:
          'Instruction des dossiers CTAI et PTAI déposés par les collectivités. Authentification : `Authorization: Bearer <clé>` ' +
          '(clé créée par `npm run staff -- create`), ou un jeton OIDC de l’émetteur configuré. Un instructeur ne voit que les ' +
          'dossiers de ses départements ; les brouillons ne sont jamais visibles. Les écritures de statut exigent `If-Match` ' +
          '(428 sans, 412 si la version a changé).',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Clé d’API `ti_…` ou jeton OIDC.' } } },
      paths: {
        '/api/dossiers': {
          get: operation('Lister les dossiers', {
            description:
              'Deux façons de paginer. Par numéro (`page`, `limit`) : simple, mais chaque page lointaine relit celles d’avant, et une page ' +
              'peut répéter ou sauter un dossier si d’autres arrivent entre deux appels. Par curseur : première page sans `page` ni `cursor`, ' +
              'puis `cursor=<nextCursor de la réponse précédente>` avec les mêmes filtres et le même `sort`, jusqu’à `nextCursor: null`. ' +
              'Le curseur est opaque ; chaque page se lit dans l’index de l’ordre demandé, aussi vite en fin de liste qu’au début, et ' +
              'aucun dossier n’est vu deux fois ni oublié. `page` et `cursor` ensemble : 400 `PAGE_AND_CURSOR` ; curseur abîmé ou donné ' +
              'pour un autre `sort` : 400 `INVALID_CURSOR`.',
            requestParams: { query: DossierListQuerySchema },
            responses: { '200': { description: 'Une page de dossiers.', content: { 'application/json': { schema: DossierListResponseSchema } } } },
          }),
        },
        '/api/dossiers/export.csv': {
          get: operation('Exporter les dossiers en CSV', {
            description:
              'Mêmes filtres que la liste (ordre par défaut : `reference`). Séparateur `;`, virgule décimale, UTF-8 avec BOM, fins de ligne CRLF : ' +
              'ce qu’attend Excel en français. Avec `detail=actions` : une ligne par action (fichier `actions-AAAA-MM-JJ.csv`), ' +
              'avec la référence, le statut, le dispositif, la collectivité et le département de son dossier, puis son numéro, son intitulé, ' +
              'son champ d’intervention, ses publics, ses bénéficiaires prévus, son coût, le financement de l’État demandé, la part de l’État et son porteur. ' +
              EXPORT_NOTE,
            requestParams: { query: CsvExportQuerySchema },
            responses: { '200': binary('text/csv', 'Une ligne par dossier (ou par action avec `detail=actions`), en-têtes en français.'), ...EXPORT_BUSY },
          }),
        },
        '/api/dossiers/export.xlsx': {
          get: operation('Exporter les dossiers en XLSX', {
            description:
              'Mêmes filtres que la liste (ordre par défaut : `reference`). Deux feuilles : « Dossiers » (une ligne par dossier) et « Actions » ' +
              '(une ligne par action : référence et collectivité du dossier, intitulé, champ, publics, coût, financement et part de l’État, porteur), ' +
              `montants en nombres. ${EXPORT_NOTE}`,
            requestParams: { query: DossierFiltersSchema },
            responses: {
              '200': binary('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Feuille « Dossiers » (une ligne par dossier) et feuille « Actions » (une ligne par action).'),
              ...EXPORT_BUSY,
            },
          }),
        },
        '/api/dossiers/{reference}.pdf': {
          get: operation('Imprimer un dossier (PDF)', {
            requestParams: { path: ReferenceParamsSchema },
            responses: { '200': binary('application/pdf', 'Résumé imprimable : sections, budget, complétude, historique.'), ...NOT_FOUND },
          }),
        },
        '/api/dossiers/{reference}': {
          get: operation('Lire un dossier', {
            requestParams: { path: ReferenceParamsSchema },
            responses: {
              '200': {
                description: 'Le dossier entier, sa complétude, son historique et les notes des agents. En-tête ETag : sa version.',
                headers: z.object({ etag: z.string().meta({ description: 'La version, par exemple "3" : à renvoyer dans If-Match.' }) }),
                content: { 'application/json': { schema: DossierDetailSchema } },
              },
              ...NOT_FOUND,
            },
          }),
        },
        '/api/dossiers/{reference}/transitions': {
          post: operation('Changer le statut d’un dossier', {
            requestParams: { path: ReferenceParamsSchema, header: IfMatchHeaderSchema },
            requestBody: { content: { 'application/json': { schema: TransitionBodySchema } } },
            responses: {
              '200': { description: 'Le dossier dans son nouveau statut, avec son nouvel ETag.', content: { 'application/json': { schema: DossierDetailSchema } } },
              ...NOT_FOUND,
              '409': errorResponse('Transition impossible pour votre rôle depuis ce statut ; details.allowed liste les possibles.'),
              '412': errorResponse('Le dossier a changé depuis votre lecture : relisez-le.'),
              '413': errorResponse('Corps trop volumineux.'),
              '415': errorResponse('Le corps doit être du JSON.'),
              '428': errorResponse('En-tête If-Match manquant.'),
            },
          }),
        },
        '/api/dossiers/{reference}/notes': {
          get: operation('Lire les annotations privées', {
            requestParams: { path: ReferenceParamsSchema },
            responses: { '200': { description: 'Les notes des agents, de la plus ancienne à la plus récente.', content: { 'application/json': { schema: NoteListSchema } } }, ...NOT_FOUND },
          }),
          post: operation('Annoter un dossier (note privée)', {
            requestParams: { path: ReferenceParamsSchema },
            requestBody: { content: { 'application/json': { schema: NoteBodySchema } } },
            responses: {
              '201': { description: 'La note ajoutée.', content: { 'application/json': { schema: StaffNoteSchema } } },
              ...NOT_FOUND,
              '413': errorResponse('Corps trop volumineux.'),
              '415': errorResponse('Le corps doit être du JSON.'),
            },
          }),
        },
        '/api/dossiers/{reference}/messages': {
          get: operation('Lire le fil des messages avec le demandeur', {
            description: 'Les messages de la préfecture et les réponses du demandeur écrites dans la conversation (« répondre à la préfecture : … »), du plus ancien au plus récent.',
            requestParams: { path: ReferenceParamsSchema },
            responses: { '200': { description: 'Le fil du dossier.', content: { 'application/json': { schema: MessageListSchema } } }, ...NOT_FOUND },
          }),
          post: operation('Écrire au demandeur', {
            description: 'Le message est gardé dans le fil et envoyé dans la dernière conversation du demandeur (Teams ou widget). La version du dossier ne change pas.',
            requestParams: { path: ReferenceParamsSchema },
            requestBody: { content: { 'application/json': { schema: MessageBodySchema } } },
            responses: {
              '201': { description: 'Le message gardé ; delivered dit s’il est arrivé dans la conversation.', content: { 'application/json': { schema: MessageSentSchema } } },
              ...NOT_FOUND,
              '413': errorResponse('Corps trop volumineux.'),
              '415': errorResponse('Le corps doit être du JSON.'),
            },
          }),
        },
        '/api/dossiers/{reference}/labels': {
          put: operation('Remplacer les étiquettes d’un dossier', {
            description: 'Étiquettes libres des agents (« urgent »), filtrables dans la liste (label=…). La version du dossier ne change pas.',
            requestParams: { path: ReferenceParamsSchema },
            requestBody: { content: { 'application/json': { schema: LabelsBodySchema } } },
            responses: { '200': { description: 'Les étiquettes du dossier.', content: { 'application/json': { schema: LabelsSchema } } }, ...NOT_FOUND, '415': errorResponse('Le corps doit être du JSON.') },
          }),
        },
        '/api/dossiers/{reference}/follow': {
          put: operation('Suivre un dossier', {
            requestParams: { path: ReferenceParamsSchema },
            responses: { '200': { description: 'L’appelant suit le dossier (onglet « Suivis par moi »).', content: { 'application/json': { schema: FollowingSchema } } }, ...NOT_FOUND },
          }),
          delete: operation('Ne plus suivre un dossier', {
            requestParams: { path: ReferenceParamsSchema },
            responses: { '200': { description: 'L’appelant ne suit plus le dossier.', content: { 'application/json': { schema: FollowingSchema } } }, ...NOT_FOUND },
          }),
        },
      },
      webhooks: {
        dossierStatusChanged: {
          post: {
            summary: 'Changement de statut (envoyé à WEBHOOK_URL)',
            description: 'En-tête `X-Signature: sha256=<HMAC-SHA256 hexadécimal du corps brut avec WEBHOOK_SECRET>`. Nouveaux essais avec attente croissante sur erreur réseau, 408, 429 et 5xx.',
            requestBody: { content: { 'application/json': { schema: StatusChangeWebhookSchema } } },
            responses: { '200': { description: 'Reçu (toute réponse 2xx).' } },
          },
        },
      },
    },
    {
      // Dates travel as ISO 8601 strings in JSON.
      override: ({ jsonSchema, zodSchema, io }) => {
        if (zodSchema._zod.def.type === 'date' && io === 'output') {
          jsonSchema.type = 'string';
          jsonSchema.format = 'date-time';
        }
      },
    },
  );
}

export function createOpenApiRouter(version: string): Router {
  const router = Router();
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  router.get('/api/openapi.json', apiHelmet, (_req, res) => {
    document ??= buildOpenApiDocument(version);
    res.json(document);
  });
  return router;
}

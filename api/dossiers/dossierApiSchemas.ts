// The staff API's shapes: each zod schema validates the request and writes the OpenAPI document.
import { z } from 'zod';
import { DossierListSortSchema, MAX_LIST_LIMIT } from '../../dossiers/dossierRepository';
import { DossierReferenceSchema, DossierSchema, LabelSchema, NoteSchema, TEXT_LIMITS } from '../../dossiers/dossierSchema';
import { TransitionRequestSchema } from '../../dossiers/statusMachine';
import { SectionIdSchema } from '../../knowledge/completeness';
import { isDepartementCode } from '../../knowledge/parsers';
import { DossierStatusSchema, SchemeSchema } from '../../knowledge/schemes';

/** A filter that takes one value, a comma-separated list (`status=submitted,under_review`) or a repeated parameter. */
function listOf<T extends z.ZodType<unknown, string>>(item: T, example: string, values?: readonly string[]) {
  return z
    .union([z.string(), z.array(z.string()).max(50)])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(','))
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item).min(1, { error: 'Indiquez au moins une valeur.' }).max(120))
    .meta({ description: `Une valeur ou plusieurs séparées par des virgules, par exemple ${example}.${values ? ` Valeurs : ${values.join(', ')}.` : ''}` });
}

const DepartementSchema = z.string().refine(isDepartementCode, { error: 'Code de département invalide (par exemple 69, 2A ou 974).' });

/** The filters shared by the list and the exports. Strict: an unknown parameter, or `status[$ne]`, is a 400. */
export const DossierFiltersSchema = z.strictObject({
  status: listOf(DossierStatusSchema, 'submitted,under_review', DossierStatusSchema.options).optional(),
  scheme: SchemeSchema.optional(),
  departement: listOf(DepartementSchema, '69,01').optional(),
  q: z.string().trim().min(1).max(100).optional().meta({ description: 'Partie de la référence ou du nom de la collectivité, sans distinction de casse.' }),
  label: listOf(LabelSchema, 'urgent').optional().meta({ description: 'Les dossiers portant l’une de ces étiquettes.' }),
  sort: DossierListSortSchema.optional().meta({ description: 'Ordre des dossiers ; par défaut -updatedAt (les plus récemment modifiés d’abord).' }),
  followed: z.enum(['me']).optional().meta({ description: 'me : seulement les dossiers que l’appelant suit (« Suivis par moi », voir PUT /api/dossiers/{reference}/follow).' }),
});
export type DossierFilters = z.infer<typeof DossierFiltersSchema>;

/** The CSV export's query: the list's filters, and `detail=actions` for one row per action instead of one per dossier. */
export const CsvExportQuerySchema = DossierFiltersSchema.extend({
  detail: z
    .enum(['actions'])
    .optional()
    .meta({ description: 'actions : une ligne par action (référence et collectivité du dossier, intitulé, champ, publics, coût, part de l’État, porteur) au lieu d’une ligne par dossier.' }),
});

export const DossierListQuerySchema = DossierFiltersSchema.extend({
  page: z.coerce.number().int().min(1).max(100_000).optional().meta({ description: 'Numéro de page, 1 par défaut. Pour parcourir une longue liste, préférez cursor.' }),
  cursor: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .meta({
      description:
        'Curseur opaque : la valeur nextCursor de la réponse précédente, pour lire la page suivante (pagination par clé, aussi rapide en fin de liste qu’au début, sans doublon ni oubli si des dossiers arrivent entre-temps). Gardez les mêmes filtres et le même sort ; ne se combine pas avec page.',
    }),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(20),
});
export type DossierListQuery = z.infer<typeof DossierListQuerySchema>;

export const ReferenceParamsSchema = z.object({ reference: DossierReferenceSchema.meta({ example: 'TI-2026-00042' }) });

export const IfMatchHeaderSchema = z.object({
  'if-match': z.string().meta({ description: 'La version du dossier lue (champ version, ou en-tête ETag), par exemple "3".', example: '"3"' }),
});

export const TransitionBodySchema = z.strictObject(TransitionRequestSchema.shape).meta({
  id: 'TransitionRequest',
  description: 'Changement de statut. Pour changes_requested : sections à corriger et motif (reason, ou à défaut comment).',
  example: { to: 'changes_requested', sections: ['budget'], reason: 'Le plan de financement ne précise pas le cofinancement.' },
});
export type TransitionBody = z.infer<typeof TransitionBodySchema>;

export const NoteBodySchema = z
  .strictObject({ text: z.string().trim().min(1, { error: 'La note est vide.' }).max(TEXT_LIMITS.note, { error: `La note est trop longue (${TEXT_LIMITS.note} caractères au plus).` }) })
  .meta({ id: 'NoteRequest' });

const SeedRefSchema = z.object({ id: z.string(), quote: z.string() });

const CompletenessSchema = z
  .object({
    complete: z.boolean(),
    problems: z.array(
      z.object({ section: SectionIdSchema, code: z.string(), message: z.string(), actionId: z.string().optional(), ref: SeedRefSchema.optional() }),
    ),
    warnings: z.array(z.object({ section: SectionIdSchema, code: z.string(), message: z.string(), ref: SeedRefSchema.optional() })),
  })
  .meta({ id: 'Completeness', description: 'Ce qui manque avant dépôt, selon la même règle que la conversation.' });

/** A dossier as staff read it: without the applicant's chat identifiers, nor the private notes (detail only). */
const DossierViewSchema = DossierSchema.omit({ owner: true, skippedQuestions: true, notes: true }).meta({ id: 'Dossier' });
export type DossierView = z.infer<typeof DossierViewSchema>;

export const DossierListResponseSchema = z
  .object({
    items: z.array(DossierViewSchema),
    total: z.number().int(),
    page: z.number().int().optional().meta({ description: 'Le numéro de la page ; absent quand la page a été demandée par curseur.' }),
    limit: z.number().int(),
    nextCursor: z.string().nullable().meta({ description: 'À passer en cursor pour lire la page suivante ; null quand c’est la dernière.' }),
  })
  .meta({ id: 'DossierList' });

export const StaffNoteSchema = NoteSchema.meta({ id: 'Note' });

export const DossierDetailSchema = DossierViewSchema.extend({
  notes: z.array(StaffNoteSchema).meta({ description: 'Annotations privées des agents, jamais montrées au demandeur.' }),
  completeness: CompletenessSchema,
  allowedTransitions: z.array(DossierStatusSchema).meta({ description: 'Les statuts vers lesquels l’appelant peut faire passer le dossier.' }),
  changesSincePreviousSubmission: z
    .object({
      since: z.date().meta({ description: 'Date du dépôt précédent.' }),
      changes: z.array(
        z.object({
          section: SectionIdSchema,
          label: z.string().meta({ description: 'L’élément modifié, en français (« Ateliers › Coût »).' }),
          before: z.string().optional().meta({ description: 'Absent quand l’élément a été ajouté.' }),
          after: z.string().optional().meta({ description: 'Absent quand l’élément a été retiré.' }),
        }),
      ),
    })
    .nullable()
    .meta({ description: 'Ce qui a changé entre les deux derniers dépôts ; null quand le dossier n’a été déposé qu’une fois.' }),
}).meta({ id: 'DossierDetail' });
export type DossierDetail = z.infer<typeof DossierDetailSchema>;

export const ErrorResponseSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string().meta({ description: 'En français, pour la personne.' }), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });

/** The body POSTed to WEBHOOK_URL on each status change. */
export const StatusChangeWebhookSchema = z
  .object({
    id: z.string().meta({ description: 'Identifiant unique de la livraison : le même à chaque nouvel essai.' }),
    event: z.literal('dossier.status_changed'),
    reference: DossierReferenceSchema,
    from: DossierStatusSchema,
    to: DossierStatusSchema,
    at: z.string().meta({ format: 'date-time' }),
    departement: z.string().nullable(),
    scheme: SchemeSchema.nullable(),
    comment: z.string().optional(),
    sections: z.array(SectionIdSchema).optional(),
  })
  .meta({ id: 'StatusChangeWebhook' });
export type StatusChangeWebhook = z.infer<typeof StatusChangeWebhookSchema>;

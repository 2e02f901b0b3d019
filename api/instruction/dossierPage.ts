// The dossier page and its forms: decisions with the version check done for the agent, messages, notes, labels, « suivre ».
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { LabelSchema, type Dossier } from '../../dossiers/dossierSchema';
import { SectionIdSchema } from '../../knowledge/completeness';
import { STATUS_LABELS } from '../../knowledge/schemes';
import type { DossierAttachments } from '../../dossiers/attachments/dossierAttachments';
import { sendDocument, sendDossierZip } from '../attachments/dossierDownloads';
import { dossierToPdf } from '../dossiers/dossierExports';
import type { DossierService } from '../dossiers/dossierService';
import { AppError } from '../errors';
import { renderPage } from './layout';
import { noticeOf } from './listPage';
import { CORRECTION_KINDS, renderDossier, type FormState } from './dossierView';
import type { MessageService } from './messageService';
import { agentOf } from './sessionAuth';

export interface DossierPageDependencies {
  service: DossierService;
  messages: MessageService;
  clock: () => Date;
  /** The documents' downloads; the page lists the documents without them, with no links. */
  attachments?: DossierAttachments;
}

const DecisionSchema = z.enum(['under_review', 'changes_requested', 'accepted', 'rejected']);
const FORM_OF_DECISION = { under_review: 'review', changes_requested: 'corrections', accepted: 'accept', rejected: 'reject' } as const;
const NOTICE_OF_DECISION = { under_review: 'instruction-commencee', changes_requested: 'corrections-demandees', accepted: 'accepte', rejected: 'refuse' } as const;

/**
 * The notice left in the URL after a decision (« ?info=corrections-demandees ») is shown only while the
 * dossier is still in that status: a reload after the applicant has resubmitted does not say corrections
 * are pending on a dossier marked « Déposé ».
 */
function currentNotice(req: Request, status: Dossier['status']): ReturnType<typeof noticeOf> {
  const code = (req.query as Record<string, unknown>).info;
  const decision = Object.entries(NOTICE_OF_DECISION).find(([, notice]) => notice === code)?.[0];
  return decision === undefined || decision === status ? noticeOf(req) : {};
}

type FormBody = Record<string, string | string[]>;

function formBody(req: Request): FormBody {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const values: FormBody = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf') continue;
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value)) values[key] = value.filter((item): item is string => typeof item === 'string');
  }
  return values;
}

const text = (values: FormBody, name: string): string => {
  const value = values[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** « a », « a et b », « a, b et c ». */
function frenchList(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

export function createDossierRoutes(deps: DossierPageDependencies): Router {
  const router = Router();

  async function send(req: Request, res: Response, status: number, reference: string, state?: FormState, notice?: { type: 'error' | 'success' | 'info'; text: string }): Promise<void> {
    const agent = agentOf(res);
    const dossier = await deps.service.find(agent.principal, reference);
    const shown = notice ? { notice } : state ? { notice: { type: 'error' as const, text: state.error } } : currentNotice(req, dossier.status);
    res
      .status(status)
      .type('html')
      .send(
        renderPage({
          title: `Dossier ${dossier.reference}`,
          agent: agent.page,
          ...shown,
          body: renderDossier({ dossier, staff: agent.principal, csrf: agent.session.csrf, downloads: deps.attachments !== undefined, ...(state ? { state } : {}) }),
        }),
      );
  }

  router.get('/dossiers/:reference.pdf', async (req, res) => {
    const dossier = await deps.service.find(agentOf(res).principal, req.params.reference);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${dossier.reference}.pdf"`);
    res.send(await dossierToPdf(dossier, deps.clock()));
  });

  // The same scoped read as the page: another département's dossier, or a draft, is not found.
  router.get('/dossiers/:reference/documents/:id', async (req, res) => {
    const dossier = await deps.service.find(agentOf(res).principal, req.params.reference);
    if (!deps.attachments) throw new AppError('ATTACHMENT_NOT_FOUND');
    await sendDocument(res, deps.attachments, dossier, req.params.id);
  });

  router.get('/dossiers/:reference/export.zip', async (req, res) => {
    const dossier = await deps.service.find(agentOf(res).principal, req.params.reference);
    if (!deps.attachments) throw new AppError('ROUTE_NOT_FOUND');
    await sendDossierZip(res, deps.attachments, dossier, deps.clock());
  });

  router.get('/dossiers/:reference', async (req, res) => {
    await send(req, res, 200, req.params.reference);
  });

  router.post('/dossiers/:reference/decision', async (req, res) => {
    const { reference } = req.params;
    const staff = agentOf(res).principal;
    const values = formBody(req);
    const to = DecisionSchema.safeParse(values.vers);
    const version = z.coerce.number().int().min(1).safeParse(values.version);
    if (!to.success || !version.success) throw new AppError('BAD_REQUEST', { message: 'Ce formulaire est incomplet : rechargez la page du dossier et recommencez.' });
    const form = FORM_OF_DECISION[to.data];
    const refuse = (error: string): Promise<void> => send(req, res, 400, reference, { form, values, error });

    let body: { to: typeof to.data; reason?: string; comment?: string; sections?: Array<z.infer<typeof SectionIdSchema>> } = { to: to.data };
    if (to.data === 'changes_requested') {
      const sections = z.array(SectionIdSchema).min(1).safeParse(([] as string[]).concat(values.sections ?? []));
      const kind = z.enum(Object.keys(CORRECTION_KINDS) as [keyof typeof CORRECTION_KINDS]).safeParse(values.motif);
      const comment = text(values, 'commentaire');
      const missing = [
        ...(sections.success ? [] : ['les sections à corriger']),
        ...(kind.success ? [] : ['le motif']),
        ...(comment ? [] : ['ce que le demandeur doit corriger']),
      ];
      if (missing.length > 0 || !sections.success || !kind.success) return refuse(`Pour demander des corrections, indiquez ${frenchList(missing)}. Rien n’a été envoyé.`);
      if (comment.length > 2000) return refuse('Le commentaire est trop long (2000 caractères au plus). Rien n’a été envoyé.');
      body = { ...body, sections: sections.data, reason: CORRECTION_KINDS[kind.data], comment };
    } else if (to.data === 'accepted' || to.data === 'rejected') {
      const motivation = text(values, 'motivation');
      if (to.data === 'rejected' && !motivation) return refuse('Un refus doit être motivé : écrivez la motivation, qui sera transmise au demandeur. Le dossier n’a pas été refusé.');
      if (motivation.length > 2000) return refuse('La motivation est trop longue (2000 caractères au plus).');
      // A decision the applicant is told at once and cannot be undone: one click is not enough.
      if (text(values, 'confirmation') !== 'oui') {
        return refuse(
          to.data === 'accepted'
            ? 'Cochez « Je confirme accepter ce dossier » pour l’accepter. Le dossier n’a pas été accepté.'
            : 'Cochez « Je confirme refuser ce dossier » pour le refuser. Le dossier n’a pas été refusé.',
        );
      }
      if (motivation) body = { ...body, reason: motivation };
    }

    try {
      await deps.service.transition(staff, reference, version.data, body);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'PRECONDITION_FAILED' || error.code === 'TRANSITION_NOT_ALLOWED')) {
        const current = await deps.service.find(staff, reference);
        const last = current.history.filter((entry) => !entry.document).at(-1);
        const who = last?.by.kind === 'staff' ? (last.by.name ?? 'un autre agent') : last?.by.kind === 'applicant' ? 'le demandeur' : 'quelqu’un d’autre';
        return send(req, res, 409, reference, {
          form,
          values,
          error:
            `Le dossier a été modifié pendant que vous le consultiez : ${who} l’a fait passer à « ${STATUS_LABELS[current.status]} »` +
            `${last ? ` le ${new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(last.at)}` : ''}. ` +
            'Votre action n’a pas été enregistrée : voici le dossier à jour, vérifiez-le avant d’agir de nouveau.',
        });
      }
      if (error instanceof AppError && (error.code === 'CHANGES_REQUEST_INCOMPLETE' || error.code === 'MOTIVATION_REQUIRED' || error.code === 'VALIDATION_FAILED')) {
        return refuse(error.userMessage);
      }
      throw error;
    }
    res.redirect(303, `/instruction/dossiers/${reference}?info=${NOTICE_OF_DECISION[to.data]}`);
  });

  router.post('/dossiers/:reference/suivre', async (req, res) => {
    const follow = formBody(req).suivre !== 'non';
    await deps.service.setFollowing(agentOf(res).principal, req.params.reference, follow);
    res.redirect(303, `/instruction/dossiers/${req.params.reference}?info=${follow ? 'suivi' : 'plus-suivi'}`);
  });

  router.post('/dossiers/:reference/etiquettes', async (req, res) => {
    const values = formBody(req);
    const labels = text(values, 'etiquettes')
      .split(',')
      .map((label) => label.trim())
      .filter((label) => label !== '');
    const parsed = z.array(LabelSchema).max(10).safeParse(labels);
    if (!parsed.success) return send(req, res, 400, req.params.reference, { form: 'labels', values, error: 'Dix étiquettes au plus, de 40 caractères au plus chacune. Rien n’a été modifié.' });
    await deps.service.setLabels(agentOf(res).principal, req.params.reference, parsed.data);
    res.redirect(303, `/instruction/dossiers/${req.params.reference}?info=etiquettes-enregistrees`);
  });

  router.post('/dossiers/:reference/annotations', async (req, res) => {
    const values = formBody(req);
    const note = text(values, 'texte');
    if (!note) return send(req, res, 400, req.params.reference, { form: 'note', values, error: 'L’annotation est vide : écrivez-la avant de l’ajouter.' });
    if (note.length > 4000) return send(req, res, 400, req.params.reference, { form: 'note', values, error: 'L’annotation est trop longue (4000 caractères au plus).' });
    await deps.service.addNote(agentOf(res).principal, req.params.reference, note);
    res.redirect(303, `/instruction/dossiers/${req.params.reference}?info=annotation-ajoutee`);
  });

  router.post('/dossiers/:reference/messages', async (req, res) => {
    const values = formBody(req);
    const message = text(values, 'texte');
    if (!message) return send(req, res, 400, req.params.reference, { form: 'message', values, error: 'Le message est vide : écrivez-le avant de l’envoyer.' });
    if (message.length > 4000) return send(req, res, 400, req.params.reference, { form: 'message', values, error: 'Le message est trop long (4000 caractères au plus).' });
    const staff = agentOf(res).principal;
    await deps.service.find(staff, req.params.reference);
    await deps.messages.fromStaff(staff, req.params.reference, message);
    res.redirect(303, `/instruction/dossiers/${req.params.reference}?info=message-envoye#messagerie`);
  });

  return router;
}

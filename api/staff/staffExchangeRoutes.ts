// What the back-office pages do besides decisions, for tools too: the message thread, labels, « suivre », annotations.
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { LabelSchema, MessageSchema, TEXT_LIMITS, type Dossier, type DossierMessage } from '../../dossiers/dossierSchema';
import { APPLICANT_ACTOR } from '../../dossiers/statusMachine';
import { staffOf } from '../auth/staffAuth';
import { StaffNoteSchema } from '../dossiers/dossierApiSchemas';
import type { DossierService } from '../dossiers/dossierService';
import { AppError } from '../errors';
import type { MessageService } from '../instruction/messageService';
import { parseRequest } from '../validation';

const StaffMessageSchema = MessageSchema.meta({ id: 'Message', description: 'Un message du fil entre la préfecture et le demandeur. deliveredAt : quand il est arrivé dans la conversation du demandeur.' });

export const MessageListSchema = z.object({ items: z.array(StaffMessageSchema) }).meta({ id: 'MessageList' });

export const MessageBodySchema = z
  .strictObject({
    text: z.string().trim().min(1, { error: 'Le message est vide.' }).max(TEXT_LIMITS.note, { error: `Le message est trop long (${TEXT_LIMITS.note} caractères au plus).` }),
  })
  .meta({ id: 'MessageRequest', example: { text: 'Pouvez-vous préciser le cofinancement de l’action 2 ?' } });

export const MessageSentSchema = z
  .object({ message: StaffMessageSchema, delivered: z.boolean().meta({ description: 'Vrai si le message est parti dans la conversation du demandeur (Teams ou widget).' }) })
  .meta({ id: 'MessageSent' });

export const LabelsBodySchema = z
  .strictObject({ labels: z.array(LabelSchema).max(10, { error: 'Dix étiquettes au plus.' }) })
  .meta({ id: 'LabelsRequest', description: 'Les étiquettes du dossier, qui remplacent les précédentes (40 caractères au plus chacune).', example: { labels: ['urgent', 'budget à revoir'] } });

export const LabelsSchema = z.object({ labels: z.array(z.string()) }).meta({ id: 'Labels' });

export const FollowingSchema = z
  .object({ following: z.boolean().meta({ description: 'Vrai si l’appelant suit le dossier.' }), followers: z.number().int().meta({ description: 'Nombre d’agents qui le suivent.' }) })
  .meta({ id: 'Following' });

export const NoteListSchema = z.object({ items: z.array(StaffNoteSchema) }).meta({ id: 'NoteList' });

const BODY_LIMIT = '64kb';

/** A body that express.json did not read was not sent as JSON. */
function jsonBodyOf(req: Request): unknown {
  if (!req.is('application/json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  return req.body;
}

/** The applicant is shown as « le demandeur », never by their chat identifier. */
function messageView(message: DossierMessage): DossierMessage {
  return message.by.kind === 'applicant' ? { ...message, by: APPLICANT_ACTOR } : message;
}

function following(dossier: Dossier, staffId: string): z.infer<typeof FollowingSchema> {
  const followers = dossier.followers ?? [];
  return { following: followers.includes(staffId), followers: followers.length };
}

/** Mounted inside the staff API's router, after its authentication: every route is scoped like the others. */
export function createStaffExchangeRoutes(deps: { service: DossierService; messages: MessageService }): Router {
  const router = Router();
  const json = express.json({ limit: BODY_LIMIT });

  router.get('/api/dossiers/:reference/messages', async (req, res) => {
    const dossier = await deps.service.find(staffOf(req), req.params.reference);
    res.json({ items: (dossier.messages ?? []).map(messageView) });
  });

  router.post('/api/dossiers/:reference/messages', json, async (req, res) => {
    const { text } = parseRequest(MessageBodySchema, jsonBodyOf(req));
    const staff = staffOf(req);
    await deps.service.find(staff, req.params.reference);
    const sent = await deps.messages.fromStaff(staff, req.params.reference, text);
    res.status(201).json({ message: messageView(sent.message), delivered: sent.delivered });
  });

  router.get('/api/dossiers/:reference/notes', async (req, res) => {
    const dossier = await deps.service.find(staffOf(req), req.params.reference);
    res.json({ items: dossier.notes });
  });

  router.put('/api/dossiers/:reference/labels', json, async (req, res) => {
    const { labels } = parseRequest(LabelsBodySchema, jsonBodyOf(req));
    const dossier = await deps.service.setLabels(staffOf(req), req.params.reference, labels);
    res.json({ labels: dossier.labels ?? [] });
  });

  router.put('/api/dossiers/:reference/follow', async (req, res) => {
    const staff = staffOf(req);
    res.json(following(await deps.service.setFollowing(staff, req.params.reference, true), staff.id));
  });

  router.delete('/api/dossiers/:reference/follow', async (req, res) => {
    const staff = staffOf(req);
    res.json(following(await deps.service.setFollowing(staff, req.params.reference, false), staff.id));
  });

  return router;
}

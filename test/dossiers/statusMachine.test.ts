import type { DossierStatus } from '../../knowledge/schemes';
import { DossierSchema } from '../../dossiers/dossierSchema';
import { allowedTransitions, applyTransition, TransitionRequestSchema, type Actor, type ActorRole } from '../../dossiers/statusMachine';
import { buildDossier, buildEmptyDraft } from './buildDossier';

const AT = new Date('2026-03-10T14:00:00Z');
const applicant: Actor = { role: 'applicant', id: 'user-1', name: 'Marie Dupont' };
const instructeur: Actor = { role: 'instructeur', id: 'staff-7', name: 'Paul Martin' };
const admin: Actor = { role: 'admin', id: 'staff-1' };

describe('allowedTransitions', () => {
  test.each<[DossierStatus, ActorRole, DossierStatus[]]>([
    ['draft', 'applicant', ['submitted', 'withdrawn']],
    ['draft', 'instructeur', []],
    ['submitted', 'applicant', ['withdrawn']],
    ['submitted', 'instructeur', ['under_review']],
    ['submitted', 'admin', ['under_review']],
    ['under_review', 'applicant', []],
    ['under_review', 'instructeur', ['changes_requested', 'accepted', 'rejected']],
    ['under_review', 'admin', ['changes_requested', 'accepted', 'rejected']],
    ['changes_requested', 'applicant', ['submitted', 'withdrawn']],
    ['changes_requested', 'instructeur', []],
    ['accepted', 'admin', []],
    ['rejected', 'applicant', []],
    ['withdrawn', 'applicant', []],
  ])('When a dossier is %s, then a %s may move it to %p', (status, role, expected) => {
    expect(allowedTransitions(status, role)).toEqual(expected);
  });
});

describe('applyTransition', () => {
  test('When the applicant submits a complete draft, then it is submitted, dated and recorded in the history', () => {
    const result = applyTransition(buildDossier(), { to: 'submitted', by: applicant, at: AT });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dossier.status).toBe('submitted');
    expect(result.dossier.submittedAt).toEqual(AT);
    expect(result.dossier.updatedAt).toEqual(AT);
    expect(result.dossier.history).toEqual([{ at: AT, by: { kind: 'applicant', id: 'demandeur' }, from: 'draft', to: 'submitted' }]);
    expect(result.dossier.version).toBe(1);
    expect(DossierSchema.safeParse(result.dossier).success).toBe(true);
  });

  test('When the applicant submits an incomplete draft, then it is refused with the completeness problems', () => {
    const result = applyTransition(buildEmptyDraft(), { to: 'submitted', by: applicant, at: AT });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('dossier_incomplete');
    if (result.error.code === 'dossier_incomplete') expect(result.error.problems.length).toBeGreaterThan(5);
  });

  test('When an instructeur tries to accept a dossier just submitted, then it is refused with the allowed targets', () => {
    const result = applyTransition(buildDossier({ status: 'submitted' }), { to: 'accepted', by: instructeur, at: AT });

    expect(result).toEqual({ ok: false, error: { code: 'transition_not_allowed', from: 'submitted', to: 'accepted', allowed: ['under_review'] } });
  });

  test('When the applicant tries to accept their own dossier, then it is refused', () => {
    const result = applyTransition(buildDossier({ status: 'under_review' }), { to: 'accepted', by: applicant, at: AT });

    expect(result).toEqual({ ok: false, error: { code: 'transition_not_allowed', from: 'under_review', to: 'accepted', allowed: [] } });
  });

  test('When staff ask for changes with sections and a reason, then the request is stored and recorded', () => {
    const result = applyTransition(buildDossier({ status: 'under_review' }), {
      to: 'changes_requested',
      by: instructeur,
      at: AT,
      sections: ['commitments', 'actions', 'commitments'],
      reason: 'Le cofinancement doit être précisé.',
      comment: 'Merci de détailler la salle.',
    });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dossier.changesRequested).toEqual({ sections: ['commitments', 'actions'], reason: 'Le cofinancement doit être précisé.', comment: 'Merci de détailler la salle.' });
    expect(result.entry).toEqual({
      at: AT,
      by: { kind: 'staff', id: 'staff-7', name: 'Paul Martin' },
      from: 'under_review',
      to: 'changes_requested',
      comment: 'Merci de détailler la salle.',
      reason: 'Le cofinancement doit être précisé.',
      sections: ['commitments', 'actions'],
    });
  });

  test('When staff ask for changes with only a comment, then the comment is the reason', () => {
    const result = applyTransition(buildDossier({ status: 'under_review' }), { to: 'changes_requested', by: admin, at: AT, sections: ['budget'], comment: 'Budget incohérent.' });

    expect(result.ok && result.dossier.changesRequested).toEqual({ sections: ['budget'], reason: 'Budget incohérent.' });
  });

  test.each<[string, { sections?: ('actions' | 'budget')[]; reason?: string }, Array<'sections' | 'reason'>]>([
    ['neither sections nor reason', {}, ['sections', 'reason']],
    ['no sections', { reason: 'À compléter.' }, ['sections']],
    ['empty sections', { sections: [], reason: 'À compléter.' }, ['sections']],
    ['no reason', { sections: ['actions'] }, ['reason']],
  ])('When staff ask for changes with %s, then it is refused naming what is missing', (_situation, request, missing) => {
    const result = applyTransition(buildDossier({ status: 'under_review' }), { to: 'changes_requested', by: instructeur, at: AT, ...request });

    expect(result).toEqual({ ok: false, error: { code: 'changes_request_incomplete', missing } });
  });

  test('When the applicant resubmits after corrections, then the request is closed and the first submission date is kept', () => {
    const firstSubmission = new Date('2026-03-05T10:00:00Z');
    const dossier = buildDossier({
      status: 'changes_requested',
      submittedAt: firstSubmission,
      changesRequested: { sections: ['actions'], reason: 'Préciser le porteur.' },
    });

    const result = applyTransition(dossier, { to: 'submitted', by: applicant, at: AT });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dossier.status).toBe('submitted');
    expect(result.dossier.submittedAt).toEqual(firstSubmission);
    expect(result.dossier).not.toHaveProperty('changesRequested');
  });

  test.each<DossierStatus>(['draft', 'submitted', 'changes_requested'])('When the applicant withdraws a %s dossier, then it is withdrawn', (status) => {
    const result = applyTransition(buildEmptyDraft({ status }), { to: 'withdrawn', by: applicant, at: AT, comment: 'Projet abandonné.' });

    expect(result.ok && result.dossier.status).toBe('withdrawn');
  });

  test('When staff reject a dossier under review, then the history keeps the comment', () => {
    const result = applyTransition(buildDossier({ status: 'under_review' }), { to: 'rejected', by: instructeur, at: AT, comment: 'Hors du champ du dispositif.' });

    expect(result.ok && result.entry.comment).toBe('Hors du champ du dispositif.');
  });
});

describe('TransitionRequestSchema', () => {
  test('When an API body is valid, then it is parsed and trimmed', () => {
    expect(TransitionRequestSchema.parse({ to: 'changes_requested', sections: ['actions'], comment: '  À compléter  ' })).toEqual({
      to: 'changes_requested',
      sections: ['actions'],
      comment: 'À compléter',
    });
  });

  test.each([
    ['an unknown status', { to: 'archived' }],
    ['an unknown section', { to: 'changes_requested', sections: ['everything'] }],
    ['an operator instead of a status', { to: { $ne: 'draft' } }],
    ['an overlong comment', { to: 'rejected', comment: 'x'.repeat(2001) }],
  ])('When an API body has %s, then it is refused', (_situation, body) => {
    expect(TransitionRequestSchema.safeParse(body).success).toBe(false);
  });
});

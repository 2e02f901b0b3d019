// What a turn does, from the understanding of the message: the commands an official can give at any
// time, in any wording (« où en suis-je ? », « attendez, on arrête là pour aujourd'hui »).
import { normalizeText } from '../knowledge/parsers';
import type { Understanding } from '../knowledge/understanding/types';

export type Command =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'restart' }
  | { kind: 'progress' }
  | { kind: 'summary' }
  | { kind: 'status'; reference?: string }
  | { kind: 'resume' }
  | { kind: 'ask' }
  | { kind: 'source'; number: number }
  | { kind: 'feedback'; helpful: boolean }
  | { kind: 'eraseData' };

const UNHELPFUL = /👎|\b(pas (tres |vraiment )?(utile|clair|claire)|a cote|hors sujet|ne repond pas|repond pas|n'importe quoi|faux|vague|pas compris|nul(le)?|inutile|bof|mauvaise|pas satisfait)\b/u;

/** The command a message gives, or undefined when it answers, corrects, edits or asks something. */
export function commandOf(understanding: Understanding, text: string | undefined): Command | undefined {
  const normalized = normalizeText(text ?? '');
  switch (understanding.intent) {
    case 'help':
      return { kind: 'help' };
    case 'cancel':
      return { kind: 'cancel' };
    case 'restart':
      return { kind: 'restart' };
    case 'progress':
      return { kind: 'progress' };
    case 'summary':
      return { kind: 'summary' };
    case 'status':
      return { kind: 'status', ...(understanding.entities.reference ? { reference: understanding.entities.reference } : {}) };
    case 'erase_data':
      return { kind: 'eraseData' };
    case 'source': {
      const number = /\b(\d{1,2})\b/.exec(normalized)?.[1];
      return { kind: 'source', number: number ? Number(number) : 1 };
    }
    case 'feedback':
      return { kind: 'feedback', helpful: !UNHELPFUL.test(normalized) };
    default:
      break;
  }
  // The menu's buttons, and « reprendre » after a pause.
  if (/^(poser une question|j'ai une question|une question)\W*$/.test(normalized)) return { kind: 'ask' };
  if (/^(reprendre|continuer|on continue|on reprend|reprenons|continuons)\b.{0,30}$/.test(normalized) && !/\?/.test(normalized)) return { kind: 'resume' };
  if (/^(👍|utile)/u.test(normalized)) return { kind: 'feedback', helpful: true };
  if (/^👎/u.test(normalized)) return { kind: 'feedback', helpful: false };
  return undefined;
}

/** The answer to « voulez-vous vraiment supprimer vos données ? »: only a clear yes deletes anything. */
export function recognizeErasureConfirmation(text: string | undefined): 'yes' | 'no' | undefined {
  const normalized = normalizeText(text ?? '').replace(/[!.]+$/, '').trim();
  if (/^(oui|oui,? (supprimer|tout supprimer|supprimer mes donnees|je confirme|supprimez|effacer|allez-y)|je confirme|confirmer|supprimer)$/.test(normalized)) return 'yes';
  if (/^(non|non,? (ne rien supprimer|merci|annuler)|annuler|ne rien supprimer|surtout pas)$/.test(normalized)) return 'no';
  return undefined;
}

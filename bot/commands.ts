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

/** « s'il vous plaît », « merci », « svp » around a command, and its trailing punctuation: no part of it. */
const POLITENESS = /^(bonjour|bonsoir|alors|euh|ok|bon|svp|s'il vous plait|s'il te plait|merci)[\s,]+|[\s,]+(svp|stp|s'il vous plait|s'il te plait|merci( beaucoup| bien)?|please)\s*[.!?…]*$|[\s.!?…,;:]+$/g;

/**
 * A message that is nothing but a command (« résumé », « reprendre ? », « aide svp », « annuler ! »): the
 * command at every question, never stored as an answer, whatever the question accepts as free text.
 */
const BARE_COMMANDS: ReadonlyArray<[RegExp, Command]> = [
  [/^(aide|help|au secours|a l'aide|de l'aide)$/, { kind: 'help' }],
  [/^(resume|recap|recapitulatif|le resume|le recapitulatif|mon dossier|voir (le|mon) dossier|afficher (le|mon) dossier|(afficher|voir) le (resume|recapitulatif))$/, { kind: 'summary' }],
  [/^(reprendre|continuer|on continue|on reprend|reprenons|continuons|reprendre (le|mon|notre) dossier|continuer (le|mon|notre) dossier)$/, { kind: 'resume' }],
  [/^(annuler|annule|annulez|stop|pause|j'arrete|on arrete)$/, { kind: 'cancel' }],
  [/^(ou en suis[- ]je|ou j'en suis|on en est ou|ou en sommes-nous|ou en est[- ]on|avancement|progression|ou en est (mon|notre|le) dossier)$/, { kind: 'progress' }],
];

/** The command a message that is nothing else gives, or undefined. */
export function bareCommandOf(text: string | undefined): Command | undefined {
  const bare = normalizeText(text ?? '').replace(POLITENESS, '').replace(POLITENESS, '').trim();
  return BARE_COMMANDS.find(([pattern]) => pattern.test(bare))?.[1];
}

/** The command a message gives, or undefined when it answers, corrects, edits or asks something. */
export function commandOf(understanding: Understanding, text: string | undefined): Command | undefined {
  const normalized = normalizeText(text ?? '');
  const bare = bareCommandOf(text);
  if (bare) return bare;
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
      // « source 2 », « le passage 3 »: digits elsewhere in a sentence (« 8 places sur 12 ») are no source number.
      const number = /\b(?:sources?|passage|extrait|reference|lien)\s*(?:n°|no|numero)?\s*(\d{1,2})\b|^\s*(\d{1,2})\s*[.!?]*$/.exec(normalized);
      const chosen = number?.[1] ?? number?.[2];
      return { kind: 'source', number: chosen ? Number(chosen) : 1 };
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

/**
 * After the prefecture's decision, a question about it (« pourquoi c'est refusé ? », « on peut redéposer quand ? »,
 * « quel est le motif du refus ? »): the dossier's status answers it, with the prefecture's motivation.
 */
export function asksAboutDecision(text: string | undefined): boolean {
  const normalized = normalizeText(text ?? '');
  return (
    /\?|\b(pourquoi|quand|comment)\b/.test(normalized) &&
    /\b(refus|refuses?|refusees?|rejet|rejetes?|rejetees?|pas (ete )?retenue?|motifs? du refus|redeposer|redepose|re-?deposer|deposer (a|de) nouveau)\b/.test(normalized)
  );
}

/** The answer to « voulez-vous vraiment supprimer vos données ? »: only a clear yes deletes anything. */
export function recognizeErasureConfirmation(text: string | undefined): 'yes' | 'no' | undefined {
  const normalized = normalizeText(text ?? '').replace(/[!.]+$/, '').trim();
  if (/^(oui|oui,? (supprimer|tout supprimer|supprimer mes donnees|je confirme|supprimez|effacer|allez-y)|je confirme|confirmer|supprimer)$/.test(normalized)) return 'yes';
  if (/^(non|non,? (ne rien supprimer|merci|annuler)|annuler|ne rien supprimer|surtout pas)$/.test(normalized)) return 'no';
  return undefined;
}

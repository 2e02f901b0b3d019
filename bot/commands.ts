// The words an official can type at any time, recognised only when they make up the whole message,
// so that an answer which merely contains "aide" or "annuler" is never taken for a command.
import { normalizeText } from '../knowledge/parsers';

export type Command =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'restart' }
  | { kind: 'progress' }
  | { kind: 'summary' }
  | { kind: 'resume' }
  | { kind: 'ask' }
  | { kind: 'source'; number: number }
  | { kind: 'feedback'; helpful: boolean }
  | { kind: 'eraseData' };

const RULES: ReadonlyArray<{ pattern: RegExp; command: Command }> = [
  { pattern: /^(aide|a l'aide|help|au secours|je ne comprends pas|j'ai besoin d'aide|\?)$/, command: { kind: 'help' } },
  { pattern: /^(annuler|annule|stop|arreter|arrete|quitter|laisse tomber)$/, command: { kind: 'cancel' } },
  { pattern: /^(recommencer|tout recommencer|recommencer a zero|nouveau dossier|nouvelle candidature)$/, command: { kind: 'restart' } },
  { pattern: /^(ou en suis[- ]je|ou j'en suis|ou en est mon dossier|ou on en est|progression|avancement|mon avancement)$/, command: { kind: 'progress' } },
  { pattern: /^(resume|recapitulatif|recap|mon dossier|voir mon dossier|afficher mon dossier)$/, command: { kind: 'summary' } },
  { pattern: /^(reprendre|continuer|reprendre mon dossier|continuer mon dossier|reprendre ma candidature)$/, command: { kind: 'resume' } },
  {
    pattern: /^(preparer une candidature|candidater|commencer|deposer un dossier|je veux candidater|demarrer|faire une demande|preparer un dossier)$/,
    command: { kind: 'resume' },
  },
  {
    pattern: /^(supprimer|effacer|efface|supprime|je veux supprimer|je veux effacer) (mes|toutes mes) (donnees|donnees personnelles|informations)$/,
    command: { kind: 'eraseData' },
  },
  { pattern: /^(poser une question|j'ai une question|une question)$/, command: { kind: 'ask' } },
  { pattern: /^(👍|👍 (utile|oui)|oui,? (elle|ca) m'a aide|utile)$/u, command: { kind: 'feedback', helpful: true } },
  { pattern: /^(👎|👎 (pas utile|non)|non,? (elle|ca) ne m'a pas aide|pas utile)$/u, command: { kind: 'feedback', helpful: false } },
];

export function recognizeCommand(text: string | undefined): Command | undefined {
  const normalized = normalizeText(text ?? '').replace(/[!.]+$/, '').trim();
  if (!normalized) return undefined;
  const source = /^(voir )?(la )?source (\d{1,2})$/.exec(normalized);
  if (source) return { kind: 'source', number: Number(source[3]) };
  return RULES.find((rule) => rule.pattern.test(normalized))?.command;
}

const QUESTION_START = /^(c'est quoi|c koi|ckoi|qu'est[- ]ce|quest ce|comment|pourquoi|combien|cb|quel|quelle|quels|quelles|kel|qui|est[- ]ce|faut[- ]il|peut[- ]on|doit[- ]on|a quoi|y a[- ]t[- ]il|ya t il)\b/;

/**
 * Whether a message reads as a question to the assistant rather than as an answer to its own
 * question: a final "?" is taken as certain; a question word at the start only as likely, so the
 * caller asks the FAQ and keeps the message as an answer when the FAQ has nothing to say.
 */
export function questionLikelihood(text: string | undefined): 'certain' | 'likely' | 'no' {
  const trimmed = (text ?? '').trim();
  if (trimmed.length < 4) return 'no';
  if (/\?\s*$/.test(trimmed)) return 'certain';
  return QUESTION_START.test(normalizeText(trimmed)) ? 'likely' : 'no';
}

/** The answer to « voulez-vous vraiment supprimer vos données ? »: only a clear yes deletes anything. */
export function recognizeErasureConfirmation(text: string | undefined): 'yes' | 'no' | undefined {
  const normalized = normalizeText(text ?? '').replace(/[!.]+$/, '').trim();
  if (/^(oui|oui,? (supprimer|tout supprimer|supprimer mes donnees|je confirme|supprimez|effacer|allez-y)|je confirme|confirmer|supprimer)$/.test(normalized)) return 'yes';
  if (/^(non|non,? (ne rien supprimer|merci|annuler)|annuler|ne rien supprimer|surtout pas)$/.test(normalized)) return 'no';
  return undefined;
}

/**
 * Words of the application journey typed when no question is pending (« déposer le dossier »,
 * « modifier les engagements »…): the way back into the draft, where the review offers them.
 * Only read outside a dialog, so that they never steal an answer from a pending question.
 */
export function isJourneyRequest(text: string | undefined): boolean {
  const normalized = normalizeText(text ?? '').replace(/[!.]+$/, '').trim();
  return /^(deposer|soumettre|envoyer|transmettre|completer|modifier|corriger|changer)( (le|mon|ma|les|mes|la|l'|un|une|des))?( \S+){0,3}$/.test(normalized);
}

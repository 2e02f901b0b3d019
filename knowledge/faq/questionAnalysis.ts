// Reads a question as officials write it: the question isolated from the context sentences
// before it, cut into its parts, each part typed (yes/no or open) with the scheme, the kind of
// collectivity and the fields it names, read from the part or, failing that, from the whole message.
import { parseApproach, parseCollectivityKind, parseFields } from '../parsers';
import type { CollectivityKind, IntegrationField, Scheme } from '../schemes';
import { fold } from './frenchText';
import { normalizeQuestion } from './questionNormalization';

export interface QuestionPart {
  /** the part as typed */
  readonly text: string;
  /** lower case, no accents, straight apostrophes */
  readonly folded: string;
  readonly yesNo: boolean;
  /** schemes named in the part, or else in the whole message */
  readonly schemes: readonly Scheme[];
  /** the part names no scheme but points back to one (« qui le signe ? », « faut-il… ») */
  readonly anaphoric: boolean;
  readonly kind?: CollectivityKind;
  readonly fields: readonly IntegrationField[];
  /** « le maire ou le préfet ? »: the two options a choice question asks between, as folded */
  readonly choice?: readonly [string, string];
  /** a yes/no part that states its claim in the negative (« Rouen ne faisait pas partie… ? »): its verdict is the positive's, turned */
  readonly negated: boolean;
}

export interface AnalyzedQuestion {
  readonly parts: readonly QuestionPart[];
  /** the whole message, folded: for what the context says (« nous sommes une petite commune ») */
  readonly folded: string;
  /** the question sentences without the context, folded: what refusals look at */
  readonly questionFolded: string;
  /** the sentences before the question that ask nothing (« nous sommes une région. »), folded; empty when none */
  readonly context: string;
  /** the collectivity calls itself small (« petite commune », « village », « rural ») */
  readonly small: boolean;
}

const WH_START =
  /^(?:(?:et|mais|alors|donc|puis|ensuite|enfin|bref|pour un (?:ctai|ptai)\s*:?|pour les (?:ctai|ptai)\s*:?)\s+)?(?:a |avec |par |pour |de |en |dans |sur |aupres de |entre |depuis |jusqu'a |a partir de )?(?:qui|quel|quelle|quels|quelles|combien|comment|quand|ou|pourquoi|que|qu'|ce qu'|ce que|ce qui|quoi|lequel|laquelle|lesquels|lesquelles|c'est quoi|c quoi|cest quoi|c'est qui|cest qui|c qui|citez|donnez|dites|expliquez|comparez|decrivez|indiquez|precisez|resumez|definissez)\b/;
const WH_ANYWHERE = /\b(?:qui|quel|quelle|quels|quelles|combien|comment|quand(?! meme)|pourquoi|quoi|lesquel(?:le)?s?|laquelle|lequel)\b|\bou (?:je|trouver|se trouve|on)\b/;
// « Pouvez-vous me dire… », « je voudrais savoir… »: politeness around the question, not part of it.
const OPENER =
  /^(?:(?:bonjour|bonsoir|salut|hello|madame|monsieur|svp|s'il vous plait)[\s,!.]*)*(?:(?:pouvez|pourriez|peux|pourrais)[\s-](?:vous|tu) (?:me |nous )?(?:dire|definir|expliquer|donner|indiquer|preciser|citer|rappeler|resumer|confirmer)(?: si)?|(?:je (?:voudrais|souhaiterais|souhaite|veux) |j'aimerais |on voudrait |nous voudrions )?savoir(?: si)?|dites(?:[\s-]moi| nous)?|une question\s*:|question\s*:)\s*/;
const INVERSION = /\w-(?:t-)?(?:il|elle|on|ils|elles)\b|\best-ce\b|\best ce\b|\bou pas\b|\bou non\b|\boui ou non\b|^(?:et )?si\b/;
// « savoir si… », « demande si… »: an indirect yes/no question inside a sentence of context.
const ASKING_VERB = '(?:savoir|comprendre|demande|demandent|demander|interroge|interrogent|se demande|me demande|me demandent|nous demandent)';
const INDIRECT_YES_NO = new RegExp(`\\b${ASKING_VERB} (?:si|s'il|s'ils|s'elle|s'elles)\\b`);
const INDIRECT_OPEN = new RegExp(`\\b${ASKING_VERB} (?:qui|quel|quelle|quels|quelles|combien|comment|quand|ou|pourquoi|ce qu|ce que|la difference|les differences|le role)\\b|\\bs'interroge(?:nt)? sur\\b`);
// « Mon maire croit que… Est-ce exact ? »: the claim to confirm is the question.
const CLAIM = /^.*?\b(?:pense|pensent|croit|croient|affirme|affirment|assure|assurent|estime|estiment|soutient|dit|disent|m'a dit|on m'a dit|on nous a dit|a lu|ai lu|a entendu(?: dire)?|ai entendu(?: dire)?|explique|considere|est persuadee?|me dit) (?:qu'|que )(.+)$/;

function isYesNo(folded: string): boolean {
  const text = folded.replace(/[?!.…]+$/g, '').trim();
  if (WH_START.test(text)) return false;
  if (INVERSION.test(text) || INDIRECT_YES_NO.test(text)) return true;
  return !WH_ANYWHERE.test(text);
}

/** Sentences of a message: a full stop, question or exclamation mark followed by a space. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function isQuestionSentence(sentence: string): boolean {
  const folded = fold(sentence);
  return /\?\s*$/.test(sentence) || WH_START.test(folded) || INDIRECT_YES_NO.test(folded) || INDIRECT_OPEN.test(folded);
}

// « Qui signe un CTAI. Et pour un PTAI il faut un diagnostic »: after a question, a sentence that goes on
// from it (« et… », « mais… ») or is asked by inversion (« faut-il… ») is another part, even with no « ? ».
const CONTINUATION = /^(?:et|mais|puis|ensuite|aussi|enfin|de plus|par ailleurs|autre question)\b/;

/** The sentences that ask something: the questions, and what goes on from a question after it. */
function askingSentences(all: readonly string[]): string[] {
  return all.filter((sentence, i) => {
    if (isQuestionSentence(sentence)) return true;
    const folded = fold(sentence);
    return all.slice(0, i).some(isQuestionSentence) && (CONTINUATION.test(folded) || INVERSION.test(folded));
  });
}

// What a question asks about once these are set aside: « Que leur dire ? », « Qu'en est-il ? »,
// « Est-ce le cas ? », « A-t-il raison ? » ask about the sentences before them.
const EMPTY_QUESTION_WORDS = new Set(
  ('que qu quoi leur lui dire repondre repondre indiquer ecrire conseiller faire dois je on en est il elle ce cas raison a t avis le la les chiffre quel quelle est sont vrai exact correct bien ca cela donc alors nous vous moi peut on doit pense penser ' +
    'comment puis peux pourrais pouvez pourriez m me j eclairer aider pensez dit prevoit texte sujet propos point conseillez reponse apporter vraiment reellement juste fonde sur certain confirmer confirmez confirme situation notre y voir clair orienter renseigner s ai elles ils lieu vous-meme')
    .split(' '),
);

function isEmptyQuestion(folded: string): boolean {
  const words = folded.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  return words.length > 0 && words.every((w) => EMPTY_QUESTION_WORDS.has(w));
}

// A part starts at « , qui… », « , et combien… », « ; le diagnostic est-il… », « et faut-il… ».
const PART_START =
  /(?:\s*[,;:]\s*(?:et |mais |puis )?|\s+(?:et|puis|mais aussi|ainsi que) )(?=(?:a |avec |par |pour |dans |sur |en |de )?(?:qui|quel|quelle|quels|quelles|combien|comment|quand|pourquoi|lequel|laquelle|lesquels|lesquelles|ou|est-ce|si |s'il|faut-il|peut-on|doit-on|y a-t-il|existe-t-il|dites|citez|donnez|precisez|indiquez|expliquez)\b|[a-z]+-(?:t-)?(?:il|elle|on|ils|elles)\b)/g;
const CLAUSE_WITH_INVERSION = /\s*[,;]\s*(?:et\s+)?(?=[^,;?]*\w-(?:t-)?(?:il|elle|on|ils|elles)\b|(?:pouvons|devons|sommes|avons|pouvez|devez|etes|avez)-(?:nous|vous)\b)/g;
// « y a-t-il un minimum et le diagnostic est-il requis ? »: after an inverted clause, « et » opens another one.
const AND_AFTER_INVERSION = /(\w-(?:t-)?(?:il|elle|on|ils|elles)\b[^,;?]*?)\s+et\s+(?=(?:le|la|les|l'|un|une|des|ce|cette|ces|il|elle|on)\s?[^,;?]*\w-(?:t-)?(?:il|elle|on|ils|elles)\b)/g;

const isQuestionLike = (folded: string): boolean => /\?\s*$/.test(folded) || WH_START.test(folded) || INVERSION.test(folded);

// « Pour un PTAI : », « Entre CTAI et PTAI, », « CTAI : »: a phrase that sets what the parts after it are about.
// « le montant total, qui… » is a part of its own.
const LEADING_CONTEXT = /^(?:(?:et |mais )?(?:pour|entre|parmi|concernant|s'agissant d[eu']|a propos d[eu']|en ce qui concerne|sur|dans|quant a|au sujet d[eu'])\b|(?:les? |un |une )?(?:ctai|ptai|cir|demarche|dispositifs?)\s*[:,]?$)/;

// « Sans diagnostic préalable, … », « Avec un petit budget, … »: a circumstance, not a part of its own.
const LEADING_CIRCUMSTANCE = /^(?:sans|avec|apres|avant|malgre|faute d[e']|en l'absence d[eu']|hors|outre|en dehors d[eu']|en plus d[eu']|a part)\b[^,;?]*$/;

const OPTION = "(?:(?:le|la|les|l'|un|une|des|du|au|aux|par (?:le|la|les|l'|un|une)|avec (?:le|la|les|l'|un|une))\\s?)?[a-z'-]{2,}(?: (?:de |d')[a-z'-]{3,})?";
/** « le CTAI ou le PTAI, lequel… »: two options and nothing else, the subject of the part after them. */
const CHOICE_ONLY = new RegExp(`^${OPTION} ou ${OPTION}\\s*[:,]?$`);
// « Le CTAI est négocié avec la préfecture ; qui signe au final ? »: a clause that states something
// before the question is context, not a part to answer « Oui » to. It has a verb of its own.
const STATED = /\b(?:est|sont|a|ont|ai|avons|sommes|suis|etes|va|vont|fait|font|peut|peuvent|doit|doivent|voulons|veut|veulent|souhaite|souhaitons|pense|pensons|sais|savons|vois|lu|entendu|dit|prevoit|travaille|travaillons|prepare|preparons|\w{3,}(?:ons|ez|ent|e|ee|ees|es|ait|aient))\b/;

function isStatement(piece: string, rest: readonly string[]): boolean {
  const words = piece.split(/\s+/).filter((w) => /\w/.test(w));
  return (
    words.length >= 4 &&
    !isQuestionLike(piece) &&
    !LEADING_CONTEXT.test(piece) &&
    !LEADING_CIRCUMSTANCE.test(piece) &&
    !CHOICE_ONLY.test(piece) &&
    !INDIRECT_YES_NO.test(piece) &&
    !INDIRECT_OPEN.test(piece) &&
    STATED.test(piece) &&
    rest.some((r) => isQuestionLike(r) && !isEmptyQuestion(r.replace(/[?!.…]+$/, '')))
  );
}


interface SplitQuestion {
  readonly parts: string[];
  /** clauses that state something before a question of the same sentence */
  readonly stated: string[];
}

function splitParts(questions: readonly string[]): SplitQuestion {
  const out: string[] = [];
  const stated: string[] = [];
  for (const sentence of questions.flatMap((question) => fold(question).split(/(?<=\?)\s+/))) {
    const marked = sentence.replace(AND_AFTER_INVERSION, '$1\u0000').replace(CLAUSE_WITH_INVERSION, '\u0000').replace(PART_START, '\u0000').replace(/,?\s+(?:ainsi que|de meme que)\s+/g, '\u0000');
    const pieces = marked.split('\u0000').map((p) => p.trim().replace(/^[,;:]\s*/, '')).filter((p) => p.replace(/[?.!\s]/g, '').length > 0);
    // « Pour un PTAI : qui…, quel… » and « Entre CTAI et PTAI, quel… »: a leading phrase is the parts' context;
    // « … et quand ? » is too short to stand alone.
    const merged: string[] = [];
    let prefix = '';
    pieces.forEach((piece, i) => {
      const words = piece.split(/\s+/).filter((w) => /\w/.test(w));
      // « Parmi les territoires de 2021, combien… », « Concrètement, de quelles façons… »: the part starts there.
      if (i < pieces.length - 1 && merged.length === 0 && (/^parmi\b/.test(piece) || words.length < 2)) prefix = `${prefix}${piece} `;
      else if (i < pieces.length - 1 && merged.length === 0 && isStatement(piece, pieces.slice(i + 1))) stated.push(piece);
      else if (i < pieces.length - 1 && !isQuestionLike(piece) && merged.length === 0 && (LEADING_CONTEXT.test(piece) || LEADING_CIRCUMSTANCE.test(piece) || CHOICE_ONLY.test(piece))) prefix = `${prefix}${piece} `;
      // « …, est-ce vrai ? » after a claim: the claim is the yes/no question.
      else if (merged.length > 0 && isEmptyQuestion(piece.replace(/[?!.…]+$/, ''))) merged[merged.length - 1] = `${merged[merged.length - 1] ?? ''} ?`.replace(/\s*\?\s*\?$/, ' ?');
      else if (words.length < 2 && merged.length > 0) merged[merged.length - 1] = `${merged[merged.length - 1] ?? ''} ${piece}`;
      else merged.push(`${prefix}${piece}`);
    });
    out.push(...merged);
  }
  return { parts: out, stated };
}

function schemesIn(folded: string): Scheme[] {
  const found: Scheme[] = [];
  if (/\bctai\b|contrats? territori\w* (?:d'|pour l')accueil|\bcontrats?\b/.test(folded)) found.push('CTAI');
  if (/\bptai\b|projets? territori\w* d'accueil/.test(folded)) found.push('PTAI');
  return found;
}

/** Who is not a collectivity: an association, a company, a person. */
export const NOT_A_COLLECTIVITY =
  /\bassociations?\b|entreprises?|\bsocietes?\b|\bong\b|fondations?|particuliers?|\bcitoyens?\b|bailleurs?|\bc[ci]as\b|etablissements? (?:public|scolaire|de sante)|\bsyndicats?\b|\bsem\b|\bspl\b|\bgip\b|groupements? d'interet|\boffices?\b|\bepic\b|\bcentres? (?:communal|intercommunal) d'action sociale/;
/** « le CCAS de la ville », « le syndicat mixte du département »: what is not a collectivity, with the collectivity it belongs to. */
const NOT_A_COLLECTIVITY_OF = new RegExp(`(?:${NOT_A_COLLECTIVITY.source})(?:\\s+[a-z']+){0,2}?\\s+(?:de la|de l'|du|des|de|d')\\s*[a-z-]+`, 'g');

/**
 * « les petits projets ponctuels », « une stratégie d'ensemble »: the scheme a question names by its approach,
 * as the journey reads it (targeted actions: a PTAI; a strategy: a CTAI).
 */
function impliedSchemes(folded: string): Scheme[] {
  if (!/ponctuel|strategie|cible/.test(folded)) return [];
  const approach = parseApproach(folded);
  if (!approach.ok) return [];
  return [approach.value === 'targeted' ? 'PTAI' : 'CTAI'];
}

function kindIn(folded: string): CollectivityKind | undefined {
  // « grandes agglomérations » is the CTAI's target, not a communauté d'agglomération
  const text = folded
    .replace(NOT_A_COLLECTIVITY_OF, ' ')
    .replace(/grandes? agglo\w*/g, ' ')
    .replace(/\b(communaute|urbaine|metropole|region|departement)s\b/g, '$1')
    .replace(/(?<!\bde |\bdes )\bcommunes\b/g, 'commune').replace(/\bville(s)? de (marseille|tours|besancon|poitiers|le havre)\b/g, ' ');
  if (/\bvillage\b/.test(text)) return 'commune';
  const parsed = parseCollectivityKind(text);
  return parsed.ok && parsed.value !== 'other' ? parsed.value : undefined;
}

function fieldsIn(folded: string): IntegrationField[] {
  const parsed = parseFields(folded.replace(/\bautres?\b/g, ' '));
  return parsed.ok ? parsed.value.filter((f) => f !== 'other') : [];
}

// A pronoun or an inverted subject standing for a scheme named elsewhere in the message.
const ANAPHORIC = /-(?:t-)?(?:il|elle|ils|elles)\b|\b(?:le|la|les|l'|y|en|lui) (?:signe|signent|negocie|porte|finance|impose|concerne|peut|peuvent|doit|doivent|faut|compte|comporte)|\b(?:qui|comment|ou) (?:le|la|les|l')|\blequel\b|\blaquelle\b|\bce (?:dispositif|contrat|projet)\b|^(?:et )?(?:pour )?(?:un|le|les|l') ?(?:autre|deuxieme|second)\b/;

const CHOICE_AT_END = new RegExp(`[,:]\\s*(${OPTION}) ou (${OPTION})\\s*\\??$`);
const CHOICE_ANYWHERE = new RegExp(`\\b(${OPTION}) ou (${OPTION})\\b`);
/** Who or what a choice is usually between: actors and schemes. */
const ACTOR = /\b(?:ctai|ptai|contrat|projet|maires?|prefets?|prefecture|etat|ministeres?|regions?|departements?|communes?|metropoles?|collectivites?|associations?|dgef|diair|intercommunalites?|epci|communautes?)\b/;
const NOT_AN_OPTION = /^(?:pas|non|bien|plus|moins|autre|autres|rien|si|oui|l'autre|les deux)$/;

/** The two options of « qui signe, le maire ou le préfet ? », « le CTAI ou le PTAI, lequel… », or undefined. */
function choiceIn(folded: string, yesNo: boolean): readonly [string, string] | undefined {
  const text = folded.replace(/\s*\?\s*$/, ' ?');
  const atEnd = CHOICE_AT_END.exec(text);
  const anywhere = atEnd ?? CHOICE_ANYWHERE.exec(text);
  if (!anywhere) return undefined;
  const options = [anywhere[1] ?? '', anywhere[2] ?? ''].map((o) => o.trim()) as [string, string];
  const heads = options.map((o) => o.replace(/^(?:par |avec )?(?:(?:les|le|la|une|un|des|du|aux|au)\s|l')?/, ''));
  if (heads.some((h) => NOT_AN_OPTION.test(h) || h.length < 2)) return undefined;
  const asksWhich = /\b(?:qui|lequel|laquelle|lesquels|lesquelles|quel|quelle|quels|quelles)\b/.test(text);
  const actors = heads.every((h) => ACTOR.test(h));
  const byWhom = options.every((o) => /^(?:par|avec) /.test(o)) || /^(?:par|avec) /.test(options[0]);
  if (!(asksWhich && (atEnd || actors)) && !(actors && (atEnd || (yesNo && byWhom)))) return undefined;
  return options;
}

/** « a lu dans la presse que… », « a appris par un collègue que… »: what was read or heard. */
const REPORTED = /\b(?:lu|entendu|appris|vu|note|remarque)\b[^.]{0,40}?\b(?:qu'|que )(.+)$/;
/** « combien de métropoles en 2019-2020 ? et en 2021 ? », « qui signe un CTAI ? et pour un PTAI ? »: a part that only changes the year or the scheme. */
const ELLIPSIS = /^(?:et |mais |puis )?(?:(en|depuis) ((?:19|20)\d\d)|(?:pour|dans) (?:un |le |les )?(ctai|ptai))\s*\?*$/;

function elliptic(part: string, previous: string): string {
  const match = ELLIPSIS.exec(part.trim());
  if (!match || previous === '' || (match[2] && !WH_START.test(previous))) return part;
  const head = previous.replace(/\s*\?\s*$/, '');
  if (match[2]) return /\b(?:19|20)\d\d(?:-(?:19|20)?\d\d)?\b/.test(head) ? `${head.replace(/\b(?:19|20)\d\d(?:\s*(?:-|et|a)\s*(?:19|20)?\d\d)?\b/, match[2])} ?` : `${head} ${match[1] ?? 'en'} ${match[2]} ?`;
  const scheme = match[3] ?? '';
  const other = scheme === 'ctai' ? 'ptai' : 'ctai';
  return new RegExp(`\\b${other}\\b`).test(head) ? `${head.replace(new RegExp(`\\b${other}\\b`), scheme)} ?` : part;
}

const BARE_QUESTION = /^(?:(?:et |mais )?(?:il|elle|ils|elles|on|le maire|mon maire|mes elus) (?:me |nous )?(?:demande|demandent|veut savoir|veulent savoir|aimerait savoir|voudrait savoir) )?(combien|quand|pourquoi|comment|lesquels|lesquelles|depuis quand|a combien)\s*[?.!…]*$/;

// « ne faisait pas », « n'est plus »; not « ne … que » (a restriction) nor « n'est-ce pas » (asks to confirm).
const NEGATION = /\b(?:ne|n')\s*(?!est-ce pas)(?:[a-z'-]+\s+){0,3}?(?:pas|plus|jamais|point)\b/;

const SMALL = /\bpetite?s? (?:communes?|villes?|collectivites?|mairies?)\b|\bptite?\b|\bvillage\b|\brurale?\b|\bcommune de (?:\d[\d\s.]*|quelques centaines d')\s*habitants\b/;

export function analyzeQuestion(typed: string): AnalyzedQuestion {
  const message = normalizeQuestion(typed);
  const all = sentences(message);
  let questionSentences = askingSentences(all);
  if (questionSentences.length === 0) questionSentences = all.slice(-1);
  const asking = new Set(questionSentences);
  const context = all.filter((s) => !asking.has(s)).join(' ');
  const last = questionSentences[questionSentences.length - 1] ?? '';
  if (isEmptyQuestion(fold(last).replace(OPENER, ''))) {
    // The real question is in the context: « … veulent savoir qui négocie le contrat. Que leur dire ? »,
    // or it is a claim to confirm: « il pense que la commune devra payer. Est-ce le cas ? »
    const asked = all.filter((s) => s !== last && (INDIRECT_YES_NO.test(fold(s)) || INDIRECT_OPEN.test(fold(s))));
    // A claim that points back (« il pense que c'est facultatif ») needs the sentences before it: the whole context is read then.
    const claims = all.filter((s) => s !== last && CLAIM.test(fold(s)) && !/^(?:c'|ce |cela |ca |il |elle |ils |elles |y )/.test(CLAIM.exec(fold(s))?.[1] ?? ''));
    if (asked.length > 0) {
      questionSentences = asked.map((s) => fold(s).replace(new RegExp(`^.*?\\b${ASKING_VERB}\\s+`), '').replace(/^.*?\bs'interroge(?:nt)? sur\s+/, 'quels sont ').replace(/[.!…]+$/, ' ?'));
    } else if (claims.length > 0) {
      questionSentences = claims.map((s) => `est-ce que ${(CLAIM.exec(fold(s))?.[1] ?? '').replace(/[.!…]+$/, '')} ?`);
    } else {
      questionSentences = [`${all.filter((s) => s !== last).join(' ').replace(/[.!…]+$/, '')} ?`];
    }
  }
  const wholeFolded = fold(message);
  const asked = questionSentences.map((s) => fold(s).replace(OPENER, ''));
  const questionText = asked.join(' ');
  const questionFolded = fold(questionText);
  const wholeSchemes = schemesIn(questionFolded).length > 0 ? schemesIn(questionFolded) : schemesIn(wholeFolded).length > 0 ? schemesIn(wholeFolded) : impliedSchemes(questionFolded);
  const wholeKind = kindIn(questionFolded) ?? kindIn(wholeFolded);
  const wholeFields = fieldsIn(wholeFolded);

  const { parts: rawParts, stated } = splitParts(asked);
  const typedParts = rawParts.length > 0 ? rawParts : [questionFolded];
  const parts = typedParts.map((text, i): QuestionPart => {
    let folded = elliptic(fold(text).replace(OPENER, ''), i > 0 ? fold(typedParts[i - 1] ?? '') : '').replace(/\ben (?:deux|2|trois|3|quelques) mots\b/g, ' ');
    // « …que l'État mobilise des crédits. Il me demande combien. »: a bare question word asks about the context.
    const bare = BARE_QUESTION.exec(folded);
    if (bare && context !== '') {
      const contextFolded = fold(context);
      const claimed = CLAIM.exec(contextFolded)?.[1] ?? REPORTED.exec(contextFolded)?.[1] ?? contextFolded;
      folded = `${bare[1] ?? ''} ${claimed.replace(/[.!?…]+$/, '')} ?`;
    }
    // « la même année que nous » : the year is in the context.
    if (/meme annee|cette annee-la/.test(folded) && !/\b20\d\d\b/.test(folded)) folded = `${folded} ${(wholeFolded.match(/\b20\d\d\b/g) ?? []).join(' ')}`.trim();
    const own = schemesIn(folded);
    const fields = fieldsIn(folded);
    const yesNo = isYesNo(folded);
    const choice = choiceIn(folded, yesNo);
    return {
      text: folded,
      folded,
      // « Est-il signé par le maire ou par le préfet ? » asks which one, not yes or no.
      yesNo: yesNo && !choice,
      negated: yesNo && NEGATION.test(folded.replace(/\bn'est-ce pas\b/g, ' ')),
      ...(choice ? { choice } : {}),
      schemes: own.length > 0 ? own : wholeSchemes,
      anaphoric: own.length === 0 && ANAPHORIC.test(folded),
      kind: kindIn(folded) ?? wholeKind,
      fields: fields.length > 0 ? fields : wholeFields,
    };
  });
  const fullContext = [context, ...stated].filter((c) => c !== '').join(' ');
  return { parts, folded: wholeFolded, questionFolded, context: fold(fullContext), small: SMALL.test(wholeFolded) };
}

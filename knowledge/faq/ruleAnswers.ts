// Questions about eligibility and obligations (« une commune peut-elle… », « faut-il… », « est-ce
// obligatoire… ») answered by the scheme rules of knowledge/schemes, the ones the application
// journey applies, with the seed sentence each rule rests on; not by retrieval.
import type { CommitmentKind, IntegrationField, RuleOutcome, RuleVerdict, Scheme } from '../schemes';
import { commitmentFormAccepted, ctaiEligibilityVerdict, ctaiSignatories, fieldFitsScheme, ptaiEligibility, schemeObligation, type ObligationTopic } from '../schemes';
import { seedRef, type Reason } from '../seedReferences';
import { NOT_A_COLLECTIVITY, type AnalyzedQuestion, type QuestionPart } from './questionAnalysis';

export interface RuleAnswer {
  /** the verdict the answer opens on; none for an open question */
  readonly verdict?: RuleVerdict;
  readonly reasons: readonly Reason[];
}

const OBLIGATION = /\bfaut\b|\bfaudra|\bfallait\b|\bdoi[st]\b|\bdoivent\b|\bdevra|\bdevons\b|\bdevez\b|oblig|\brequis|\bexige|\bimpos|necessaire|necessit|indispensable|imperatif|forcement|\btenue?s?\b|\bcondition|empeche|facultati|optionnel|dispense|\bbesoin d/;
const ADVICE = /recommand|conseill|\butile\b|preferable/;
/** « déconseillé », « pas recommandé »: the advice asked about the other way round. */
const ADVISED_AGAINST = /deconseill|(?:pas|ni) (?:\w+ )?(?:recommande|conseille)|a eviter|inutile/;
// The question asks whether something may be left out: the rule's verdict is turned round.
const WITHOUT = /facultati|optionnel|dispense|se passer|pas (?:\w+ ){0,3}?(?:obligatoire|requis|necessaire|besoin|obligee?s?)\b|laisser (?:\w+ ){0,3}?de cote|mettre de cote|faire l'impasse|omettre|\bzapper|ecarter|exclure|renoncer/;
const LACKING = /\bsans\b|\bpas (?:\w+ ){0,2}d[e']|\baucun|\bni\b/;
// « doit-il être terminé avant de déposer ? », « à quel moment ? »: when it must be done, which the text never says.
const TIMING = /\b(?:termine|acheve|fini|finalise|boucle)e?s?\b|\bavant (?:de |le |la |l')?(?:depos|depot|candidat|soumi|envo)|au moment du depot|a quel moment|\bquand (?:doit|faut|le diag)|\bdelais?\b/;
// « doit-il être joint ? », « faut-il le transmettre ? »: sending a document, which the text never speaks of.
const ATTACHING = /\bjoin(?:t|te|ts|tes|dre)\b|\bjoign|\benvoy|\benvoi\b|transmet|transmis|\bfourni|annex|televers|piece jointe/;
const POSSIBILITY = /\bpeu[tx]\b|\bpeuvent\b|\bpouvons\b|\bpouvez\b|\bpourr|possible|eligible|ouverts?\b|\bacces\b|\bdroit\b|beneficier|demander|solliciter|deposer|\bporter\b|\bfaire\b|monter|\bsigner|signataire|conclu|negocier|\bentrer\b|candidat|pretendre|participer|passer par|rentre|lancer|s'adress|destine|\bc bon\b|\bok\b|quand meme|\badaptee?s?\b|convient|approprie|\bfait pour\b|envisageable|concevable|acceptable|admis\b|permis\b|autorise/;
const REQUIREMENT_VERB = /empeche|probleme|bloquant|obstacle|\bgene\b|genant|oblig|\bfaut\b|\bdoi[st]\b|\bdoivent\b|requis|exige|necessaire|necessit/;
const RESTRICTION = /\bseule?s? (?:les|des)\b|reserve|\bque pour\b|\bc que\b|uniquement (?:pour|aux?|les)|seulement (?:pour|aux?|les)|\bqu'aux\b|\bqu'a des\b/;
// « ne… qu'un seul champ »; not the relative « des besoins qu'un CTAI peut traiter ».
const EXCLUSIVE = /exclusivement|uniquement|seulement|\bjuste\b|\bun seul\b|\bune seule\b|(?:\bne\b|\bn')[^?,]{0,30}?\bqu'une?\b|\bseul truc\b/;
/** « c'est possible ? », « on peut ? », « c'est finançable ? »: whether something is allowed. */
const ASKS_IF_ALLOWED = /possible|\bpeu[tx]?\b|\bpeuvent\b|financ|subvention|\baide|\bok\b|envisageable|eligible|autorise/;
/** Whether a field belongs to a scheme, asked in other words. */
const ASKS_ABOUT_FIELD = /rentre|relev|fait partie|fait-il partie|vise|couvr|inclure|concern|financ|\bdans\b|domaine|entrer|porter sur|possible|\bpeu|commun|a la fois|quel dispositif/;
const SMALL_AMOUNT = /(?:financement|montant|budget|enveloppe|somme|subvention)s? (?:tres |assez )?(?:modeste|faible|petite?|reduite?|limitee?)|(?:modeste|faible|petite?|reduite?) (?:financement|montant|budget|enveloppe|somme|subvention)/;
/** « Quel dispositif est adapté à notre situation ? » asks which scheme fits, without naming one. */
const WHICH_SCHEME = /quel (?:dispositif|outil|cadre)|lequel|\badapte|convient|choisir|\bpour nous\b/;
const OPEN_TO_ALL = /\b(?:ouverts?|accessibles?|destines?|reserves?|possibles?|pour|concerne)\s+(?:a |aux )?(?:toutes? (?:les )?(?:collectivites?|communes?)|n'importe quelle (?:collectivite|commune|ville)|tout le monde|toute commune)\b/;
/** What a CTAI requires and a PTAI does not: after the CTAI's rule, the PTAI's is the way out. */
const CTAI_ONLY_REQUIREMENTS: readonly ObligationTopic[] = ['diagnostic', 'housing', 'strategy'];
const ANAPHORA = /^(?:cela|ca|ce|c'|cette|ce type|ce domaine|ce projet|est-ce le cas|est-ce (?:une?|bien une?|la|le|l') (?:forme|maniere|facon|moyen|type|action|engagement|possibilite)\b|est-ce (?:possible|envisageable|autorise|permis|faisable|acceptable|jouable)\b|(?:c'est|est-ce que c'est) (?:possible|envisageable|autorise|permis|faisable|acceptable|jouable)\b)|\b(?:cela|ce domaine|ce type de|ce projet)\b/;

// The alternative (the PTAI) is added unless a reason already points to it.
const outcome = (o: RuleOutcome): RuleAnswer => ({
  verdict: o.verdict,
  reasons: [...o.reasons, ...(o.alternative && !o.reasons.some((r) => r.text.includes('PTAI')) ? [o.alternative] : [])],
});

/** « En revanche, un PTAI… »: the other scheme's rule after a « Non », its comparison with the CTAI left out. */
function inContrast(text: string): string {
  const own = text.includes(' ; ') && /\bCTAI\b/.test(text.split(' ; ')[0] ?? '') ? text.split(' ; ').slice(1).join(' ; ') : text;
  return `En revanche, ${own.charAt(0).toLowerCase()}${own.slice(1)}`;
}

function turned(verdict: RuleVerdict | undefined): RuleVerdict | undefined {
  if (verdict === 'yes') return 'no';
  if (verdict === 'no') return 'yes';
  return verdict;
}

/** Several outcomes in one answer: the verdict of the first, the reasons of all, each once. */
function combine(answers: readonly RuleAnswer[], verdict?: RuleVerdict): RuleAnswer {
  const reasons: Reason[] = [];
  for (const a of answers) for (const r of a.reasons) if (!reasons.some((x) => x.text === r.text)) reasons.push(r);
  return { verdict: verdict ?? answers[0]?.verdict, reasons };
}

function orderedSchemes(part: QuestionPart): Scheme[] {
  return [...part.schemes].sort((a, b) => {
    const at = (s: Scheme): number => {
      const i = part.folded.search(s === 'CTAI' ? /\bctai|contrat/ : /\bptai|projet/);
      return i < 0 ? 999 : i;
    };
    return at(a) - at(b);
  });
}

function commitmentKindsIn(f: string): CommitmentKind[] {
  const kinds: CommitmentKind[] = [];
  if (/\bsalles?\b|\blocal\b|\blocaux\b/.test(f)) kinds.push('premises');
  if (/personnel|\bagents?\b|mise a disposition/.test(f)) kinds.push('staff');
  if (/communication|\brelai|relayer|informer|l'information aupres|diffus/.test(f)) kinds.push('communication');
  if (/association/.test(f)) kinds.push('association_support');
  if (/cofinanc|argent|\bsous\b|verser|\bpayer\b|mettre des sous|budget propre|financer elle|financer nous/.test(f)) kinds.push('cofinancing');
  return kinds;
}

function cirAnswer(part: QuestionPart): RuleAnswer | undefined {
  const f = part.folded;
  // « Les actions d'un CTAI complètent quel dispositif ? »: what they complement is the CIR, even unnamed.
  const complementAsked = !part.yesNo && /\bcomplet(?:e|ent)\b|\bcomplement\b|complementaires? d/.test(f) && /\b(?:quel\w*|quoi|lequel|laquelle)\b/.test(f);
  if (!complementAsked && (!/\bcir\b|integration republicaine/.test(f) || !/remplac|substitu|a la place|complementaire|doublon|concurren|\blien\b|articul|rapport/.test(f))) return undefined;
  const schemes = part.schemes.length > 0 ? orderedSchemes(part) : (['CTAI', 'PTAI'] as Scheme[]);
  const reasons = schemes.map((s) =>
    s === 'CTAI'
      ? { text: 'Les actions des CTAI sont complémentaires du contrat d’intégration républicaine (CIR) et s’inscrivent dans la stratégie nationale d’accueil et d’intégration des réfugiés.', ref: seedRef('ctai-cir') }
      : { text: 'Les PTAI sont complémentaires du contrat d’intégration républicaine (CIR).', ref: seedRef('ptai-cir') },
  );
  let verdict: RuleVerdict | undefined;
  if (part.yesNo) verdict = /remplac|substitu|a la place|doublon|concurren/.test(f) ? 'no' : 'yes';
  return { verdict, reasons };
}

function mustUseCtai(f: string): boolean {
  return (
    /(?:oblig\w*|doit|doivent|faut|forcement|tenue?s?|necessaire)\W+(?:\w+\W+){0,3}(?:passer par|signer|conclure|avoir|faire)\s+(?:un|le)\s+(?:ctai|contrat)/.test(f) &&
    /pour (?:en )?(?:obtenir|beneficier|avoir|toucher|recevoir)|financement|subvention|9 millions/.test(f)
  );
}

function obligationTopic(f: string, part: QuestionPart): ObligationTopic | undefined {
  if (/diagnostic|\bdiag\b|besoins? identifi/.test(f)) return 'diagnostic';
  if (/strategie nationale/.test(f)) return 'national_strategy';
  if (/lettre d'engagement/.test(f)) return 'letter_of_engagement';
  if (/minimum|minimal|plancher|\bseuil|trop (?:faible|petit|modeste)|petit montant|faible montant/.test(f)) return 'minimum_funding';
  if (/logement|heberg|\bloger\b|habitat/.test(f)) return 'housing';
  if (/tous les (?:champs|domaines)|plusieurs (?:champs|domaines)|\bcouvrir\b/.test(f)) return 'all_fields';
  if (/cofinanc|argent|\bsous\b|verser|\bpayer\b|seule option|seul moyen/.test(f) && !/de l'etat/.test(f)) return 'cofinancing';
  if (/\bengag|contribu|impliqu|particip/.test(f)) return 'commitment';
  if (/strategie (?:d'ensemble|globale)/.test(f)) return 'strategy';
  if (/\bprefets?\b/.test(f)) return 'prefect_signature';
  if (/signer/.test(f) && part.kind) return 'signing_duty';
  return undefined;
}

/**
 * A rule's answer to one part of a question, or undefined when no rule settles it. A yes/no part
 * that settles nothing alone is read again with the context before it: « Il n'a pas de diagnostic.
 * Peut-on quand même lancer un PTAI ? » asks about the diagnostic.
 */
export function ruleAnswer(part: QuestionPart, question: AnalyzedQuestion): RuleAnswer | undefined {
  const alone = ruleFor(part, question);
  if (alone || !part.yesNo) return alone;
  return question.context === '' ? undefined : ruleFor({ ...part, folded: `${question.context} ${part.folded}` }, question);
}

function ruleFor(part: QuestionPart, question: AnalyzedQuestion): RuleAnswer | undefined {
  // « Cela empêche-t-il… », « Ce domaine fait-il partie… »: the subject is in the context.
  const f = ANAPHORA.test(part.folded) ? `${question.folded} ${part.folded}` : part.folded;
  const schemes = orderedSchemes(part);
  const kind = part.kind;

  const cir = cirAnswer(part);
  if (cir) return cir;

  if (mustUseCtai(f)) {
    return {
      verdict: part.yesNo || /\bpense\b/.test(f) ? 'no' : undefined,
      reasons: [
        { text: 'Non : les CTAI visent les grandes agglomérations désireuses de déployer une stratégie d’ensemble.', ref: seedRef('ctai-cible') },
        { text: 'Les PTAI sont à destination de toute collectivité désireuse de s’engager plus ponctuellement, avec un financement de l’État d’ampleur variable.', ref: seedRef('ptai-ouverture') },
      ].map((r, i) => (i === 0 ? { ...r, text: r.text.replace(/^Non : l/, 'L') } : r)),
    };
  }

  // Who signs a PTAI: the text names the CTAI's signatories only.
  if (schemes.length === 1 && schemes[0] === 'PTAI' && /\bsign(?!ifi)|negoci/.test(f) && !/\bctai\b|contrat/.test(f)) {
    const silent = schemeObligation('PTAI', 'prefect_signature');
    return part.yesNo ? outcome(silent) : { reasons: silent.reasons };
  }

  // « Qui signe le contrat ? », « le contrat est signé par qui ? »: the prefect, said first, in the seed's own sentence.
  if (!part.yesNo && !part.choice && !schemes.includes('PTAI') && /\bqui\b/.test(part.folded) && /\bsign(?!ifi)|negoci|conclu/.test(part.folded) && !/\bavec qui\b|\bqui peut\b|\bqui peuvent\b|(?<!\bavec (?:les |des )?(?:grandes )?)collectivit|\bpeut signer/.test(part.folded)) {
    const signatories = ctaiSignatories();
    return { reasons: [{ ...signatories, text: `Le préfet : ${signatories.text.charAt(0).toLowerCase()}${signatories.text.slice(1)}` }] };
  }

  // Who negotiates a CTAI, asked as a yes/no about someone else than the prefect.
  if (part.yesNo && /negoci|sign/.test(f) && /ministere|ministre|\bdgef\b|\bdiair\b|etat direct|gouvernement|\bmaires?\b|\belus?\b|conseil municipal/.test(f) && !/prefet/.test(f)) {
    return { verdict: 'no', reasons: [{ text: 'Les CTAI sont négociés et signés par les préfets avec les collectivités.', ref: seedRef('ctai-signataires') }] };
  }

  // « Une association peut-elle signer un CTAI ? »: the text names the CTAI's signatories, all of them collectivities.
  if (part.yesNo && !kind && schemes[0] === 'CTAI' && /\bsign(?!ifi)|conclu|negoci|porter|beneficier/.test(f) && NOT_A_COLLECTIVITY.test(f)) {
    const signatories: Reason = { text: 'Les CTAI sont signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires.', ref: seedRef('ctai-signataires') };
    const support: Reason = { text: 'La collectivité peut en revanche soutenir l’association porteuse d’une action : c’est l’une des formes d’engagement attendues.', ref: seedRef('engagement-collectivite') };
    return { verdict: 'no', reasons: /association/.test(f) ? [signatories, support] : [signatories] };
  }

  // Forms of engagement: « peut-on prêter une salle comme participation ? », « le cofinancement est-il la seule option ? »
  const commitments = commitmentKindsIn(f);
  if (commitments.length > 0 && /engag|particip|contribu|compter|comme|suffi|limiter|option|soutenir|forme|obligatoirement|forcement|\bdoi|oblig|faut|plutot|se contenter/.test(f) && !/lettre d'engagement/.test(f)) {
    if (commitments.includes('cofinancing') && (OBLIGATION.test(f) || /seule option|seul moyen|seule forme/.test(f))) {
      const rule = outcome(schemeObligation(schemes[0] ?? 'PTAI', 'cofinancing'));
      // « n'est pas forcément obligée de mettre de l'argent, c'est bien cela ? »: asked the other way round.
      return WITHOUT.test(f) ? { ...rule, verdict: turned(rule.verdict) } : rule;
    }
    const accepted = commitments.filter((k) => k !== 'cofinancing');
    if (accepted.length > 0 && part.yesNo) return outcome(commitmentFormAccepted(accepted[0] ?? 'other'));
  }

  // « Le CTAI est-il ouvert à toute collectivité ? »: no, and the PTAI is the one that is.
  if (part.yesNo && schemes.length === 1 && OPEN_TO_ALL.test(f)) {
    const open: Reason = { text: 'Les PTAI sont à destination de toute collectivité désireuse de s’engager plus ponctuellement.', ref: seedRef('ptai-ouverture') };
    return schemes[0] === 'CTAI'
      ? { verdict: 'no', reasons: [{ text: 'Les CTAI visent les grandes agglomérations et sont signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires.', ref: seedRef('ctai-signataires') }, { ...open, text: inContrast(open.text) }] }
      : { verdict: 'yes', reasons: [open] };
  }

  const restricted = RESTRICTION.test(f) && !/(?:reserve\w*|que pour|c que|uniquement|seulement)\s+(?:aux? |les |le |un |une )?(?:ctai|ptai)/.test(f);
  // « un PTAI est-il possible avec un financement modeste ? »: the PTAI's funding has no minimum.
  if (part.yesNo && (schemes[0] ?? 'PTAI') === 'PTAI' && SMALL_AMOUNT.test(f)) {
    return { verdict: /minimum|plancher|\bseuil/.test(part.folded) ? 'no' : 'yes', reasons: schemeObligation('PTAI', 'minimum_funding').reasons };
  }

  // « Quels domaines pour un CTAI ? », « quels besoins le diagnostic d'un CTAI identifie-t-il ? »: the scheme's list of fields.
  if (!part.yesNo && schemes.length === 1 && part.fields.length === 0 && /\bquel(?:le)?s? (?:sont (?:les )?)?(?:domaines?|champs?|thematiques?|secteurs?|besoins?|sujets?|types? (?:de )?(?:projets?|actions?))\b/.test(part.folded)) {
    // A field the seed lists for the scheme, so that its answer is the list itself.
    const listed: IntegrationField = schemes[0] === 'CTAI' ? 'health' : 'mobility';
    return { reasons: fieldFitsScheme(schemes[0] as Scheme, listed).reasons };
  }

  // « PTAI ou CTAI pour une petite ville ? »: what each scheme says of this kind.
  if (kind && (schemes.length === 2 || (schemes.length === 0 && WHICH_SCHEME.test(f))) && (!part.yesNo || /\b(?:ptai|ctai) ou (?:un |le |en )?(?:ctai|ptai)\b|lequel|quel dispositif/.test(f))) {
    // « …coordonner les cours de français : quel dispositif ? »: what the PTAI says of the field named, after each scheme's rule for the kind.
    // Said for a kind the CTAI is not signed with, or for an action asked as targeted (« de manière ponctuelle »): the PTAI and its field.
    const field = part.fields[0];
    const ctai = outcome(ctaiEligibilityVerdict(kind, question.small));
    const ptaiOnly = field !== undefined && (ctai.verdict !== 'yes' || /ponctu/.test(question.folded)) && fieldFitsScheme('PTAI', field).verdict === 'yes';
    if (ptaiOnly) return { reasons: combine([outcome(ptaiEligibility(kind)), { reasons: fieldFitsScheme('PTAI', field).reasons }]).reasons };
    return { reasons: combine([ctai, outcome(ptaiEligibility(kind))]).reasons };
  }

  // Eligibility of a kind of collectivity, asked as a yes/no question.
  // « Ces thématiques sont-elles couvertes par ce type de contrat ? »: a question about fields, whatever the kind.
  const aboutFields = part.fields.length > 0 && /thematiques?|domaines?|champs?|couvert|couvr|besoins|traite/.test(part.folded);
  if (part.yesNo && kind && !aboutFields && POSSIBILITY.test(f) && !/domaine|fait[- ](?:il |elle )?partie|\bvises?\b|rentre|relev/.test(f) && !restricted && !OBLIGATION.test(part.folded) && !((LACKING.test(f) || WITHOUT.test(f)) && obligationTopic(f, part))) {
    const funding = /financ|subvention|argent|aide|soutien de l'etat/.test(f);
    const scheme = schemes[0] ?? (funding ? 'PTAI' : undefined);
    const field = part.fields[0];
    if (scheme === 'CTAI') {
      const base = outcome(ctaiEligibilityVerdict(kind, question.small));
      return base;
    }
    if (scheme === 'PTAI') {
      const base = outcome(ptaiEligibility(kind));
      return field ? combine([base, outcome(fieldFitsScheme('PTAI', field))], base.verdict) : base;
    }
  }

  // « Quelles autres formes d'engagement pouvons-nous proposer ? »
  if (!part.yesNo && /formes? d'engagement|engagement (?:de la collectivite|attendu)|(?:comment|de quelle maniere)\b.*\b(?:s'|se |nous |vous )(?:engager|impliquer|investir)|autres? formes?/.test(f) && !/lettre d'engagement/.test(f)) {
    return outcome(commitmentFormAccepted('cofinancing'));
  }

  // « Les PTAI sont-ils réservés aux… », « ctai c que pour les métropoles ? », « c obligé d'être une grande agglo ? »
  const stateFunding = /financ|subvention|argent|soutien de l'etat/.test(f);
  if ((restricted || (/grandes? agglo/.test(f) && OBLIGATION.test(f))) && (schemes.length > 0 || stateFunding) && !part.fields.length) {
    // State funding asked of no scheme: the PTAI is the one open to every collectivity.
    const scheme: Scheme = schemes[0] ?? 'PTAI';
    return scheme === 'CTAI'
      ? { verdict: 'no', reasons: [{ text: 'Les CTAI visent les grandes agglomérations et sont signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires.', ref: seedRef('ctai-signataires') }] }
      : { verdict: 'no', reasons: [{ text: 'Les PTAI sont à destination de toute collectivité désireuse de s’engager plus ponctuellement, sans stratégie d’ensemble ni CTAI préalable.', ref: seedRef('ptai-ouverture') }] };
  }

  // A field of action: « un CTAI peut-il porter exclusivement sur l'emploi ? », « le sport rentre-t-il dans un CTAI ? »
  const fields = part.fields.filter((x) => x !== 'housing' || (!OBLIGATION.test(f) && !WITHOUT.test(f)));
  if (fields.length > 0 && EXCLUSIVE.test(f) && schemes.length > 0) {
    const scheme = schemes[0] as Scheme;
    if (scheme === 'CTAI' && !fields.includes('housing')) return { verdict: 'no', reasons: schemeObligation('CTAI', 'housing').reasons };
    if (scheme === 'PTAI') return combine([outcome(fieldFitsScheme('PTAI', fields[0] ?? 'other'))], 'yes');
  }

  // « Un PTAI peut-il porter sur un seul champ ? »
  if (part.yesNo && schemes[0] === 'PTAI' && /\bun seul (?:champ|domaine|secteur)|une seule (?:thematique|action)|un (?:unique |seul )?champ\b/.test(f) && !OBLIGATION.test(f)) {
    return { verdict: 'yes', reasons: schemeObligation('PTAI', 'several_fields').reasons };
  }

  if (OBLIGATION.test(f) || ADVICE.test(f) || (part.yesNo && (LACKING.test(f) || WITHOUT.test(f) || /existe|y a-t-il|y a t il|il y a\b|trop (?:faible|petit|modeste)|\bminimum\b|plancher/.test(f)))) {
    const topic = obligationTopic(f, part);
    if (/volontaire/.test(f) && (kind === 'departement' || kind === 'region' || /departements|regions/.test(f))) {
      const signatories = { text: 'Les CTAI sont signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires.', ref: seedRef('ctai-signataires') };
      return { verdict: part.yesNo ? (/tenu|oblige/.test(f) ? 'no' : 'yes') : undefined, reasons: [signatories] };
    }
    if (topic && (schemes.length > 0 || topic === 'commitment' || topic === 'cofinancing')) {
      const targets = schemes.length > 0 ? schemes : (['PTAI'] as Scheme[]);
      const answers = targets.map((s) => outcome(schemeObligation(s, topic)));
      let verdict = answers[0]?.verdict;
      if (ADVICE.test(f) && topic === 'diagnostic' && !REQUIREMENT_VERB.test(f)) verdict = ADVISED_AGAINST.test(f) ? 'no' : 'yes';
      else if (WITHOUT.test(f) || (LACKING.test(f) && POSSIBILITY.test(f) && !REQUIREMENT_VERB.test(f))) verdict = turned(verdict);
      if (topic === 'minimum_funding' && /variable/.test(f)) verdict = 'yes';
      if (part.yesNo && topic === 'diagnostic' && ATTACHING.test(f)) {
        // What the text says of the diagnostic, then that it says nothing of sending it: no verdict.
        const said = combine(answers, verdict).reasons;
        const first = said[0];
        if (first) return { reasons: [...said, { text: 'Le texte ne dit pas s’il faut joindre le diagnostic au dossier : la préfecture de votre département pourra vous le préciser.', ref: first.ref }] };
      }
      if (part.yesNo && topic === 'diagnostic' && verdict === 'yes' && TIMING.test(f)) {
        // The text says a diagnostic grounds the actions, never by when it must be done: no verdict, the date left to the prefecture.
        const required = combine(answers, verdict).reasons;
        const first = required[0];
        if (first) return { reasons: [first, { text: 'Le texte ne dit pas à quel moment le diagnostic doit être terminé : la préfecture de votre département pourra vous le préciser.', ref: first.ref }] };
      }
      // « Un CTAI peut-il se passer d'actions sur le logement ? » → Non, and the PTAI, which does not require it.
      if (targets.length === 1 && targets[0] === 'CTAI' && part.yesNo && CTAI_ONLY_REQUIREMENTS.includes(topic)) {
        const other = schemeObligation('PTAI', topic);
        if (other.verdict !== 'yes') answers.push({ reasons: other.reasons.map((r) => ({ ...r, text: inContrast(r.text) })) });
      }
      // « Un département qui veut une action ponctuelle peut-il passer par un PTAI ? »: the kind's own eligibility too.
      if (part.yesNo && kind && verdict === 'yes' && targets.length === 1 && targets[0] === 'PTAI' && POSSIBILITY.test(f)) answers.push(outcome(ptaiEligibility(kind)));
      const combined = combine(answers, verdict);
      return part.yesNo ? combined : { reasons: combined.reasons };
    }
    // « Quelle action doit-il obligatoirement contenir ? », « qu'est-ce qui n'est pas obligatoire pour un PTAI ? »
    if (!part.yesNo && schemes.length > 0 && /oblig|impos|requis|exig|contenir|comporter|necessaire/.test(f)) {
      return combine(schemes.map((s) => (s === 'CTAI' ? outcome(schemeObligation('CTAI', 'housing')) : outcome(schemeObligation('PTAI', /pas (?:\w+ )?(?:oblig|requis|exig|impos|necessaire)/.test(f) ? 'diagnostic' : 'several_fields')))));
    }
    if (part.yesNo && schemes.length > 0 && /thematique|\btheme|domaine|champ|volet|action/.test(f) && /impos|oblig|requis|incontournable|ne (?:\w+ ){0,3}pas (?:\w+ )?(?:laisser|ecarter|omettre|exclure)/.test(f)) {
      return outcome(schemeObligation(schemes[0] as Scheme, schemes[0] === 'CTAI' ? 'housing' : 'all_fields'));
    }
    if (part.yesNo && /actions? concretes?/.test(f) && schemes[0] === 'CTAI') {
      return { verdict: 'yes', reasons: [{ text: 'Les CTAI visent les grandes agglomérations désireuses de déployer une stratégie d’ensemble, déclinée dans des actions concrètes.', ref: seedRef('ctai-cible') }] };
    }
  }

  if (part.yesNo && /variable/.test(f) && schemes[0] === 'PTAI') return { verdict: 'yes', reasons: schemeObligation('PTAI', 'minimum_funding').reasons };
  // « Le financement d'un PTAI est-il d'un montant fixe ? »: it varies, so no.
  if (part.yesNo && /\bfixes?\b|forfaitaire|\bforfait\b|meme montant|montant unique/.test(f) && /financ|montant|subvention|aide/.test(f) && schemes[0] === 'PTAI') return { verdict: 'no', reasons: schemeObligation('PTAI', 'minimum_funding').reasons };

  // Fields of action that fit a scheme.
  // « cours de français, c'est possible ? » names no scheme: it is possible when either scheme takes the field.
  const asksIfAllowed = ASKS_IF_ALLOWED.test(f);
  const anyScheme = schemes.length === 0 && part.yesNo && asksIfAllowed;
  if (fields.length > 0 && (schemes.length > 0 || anyScheme || /dispositif/.test(f)) && (asksIfAllowed || ASKS_ABOUT_FIELD.test(f))) {
    const targets = schemes.length > 0 ? schemes : (['CTAI', 'PTAI'] as Scheme[]);
    const answers = targets.map((s) => outcome(fieldFitsScheme(s, fields[0] ?? 'other')));
    const fitting = answers.filter((a) => a.verdict === 'yes');
    if (!part.yesNo) return combine(fitting.length > 0 ? fitting : answers, undefined);
    if (anyScheme && fitting.length > 0) return combine(fitting, 'yes');
    const verdict = answers.every((a) => a.verdict === 'yes') ? 'yes' : answers.find((a) => a.verdict !== 'yes')?.verdict;
    return { ...combine(answers), verdict };
  }

  return undefined;
}

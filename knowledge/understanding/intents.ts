// What the official wants, from the words of the message and the question on screen. Each rule is a
// family of French phrasings; the rules are tried in a fixed order, most specific first.
import { predictIntent } from './classifier';
import type { Entities, Intent, Pending, Target } from './types';

const ERASE_WORDS = /\b(supprim\w*|effac\w*|detrui\w*|vire[rz]?|retir\w*|enlev\w*|oubli\w*)\b/;
const PERSONAL = /\b(donnees|infos|informations|coordonnees)( perso\w*)?\b|\bme concern\w*|\bmon (nom|mail|tel\w*|adresse|numero|portable)\b|\bmes (donnees|infos|informations|coordonnees|traces)\b|\bses donnees\b|\bvos serveurs\b|\bvos fichiers\b|\bde vos (bases|serveurs)\b/;
const ERASE = /\b(supprim\w*|effac\w*|detrui\w*|retir\w*|oubli\w*)\b.{0,60}\b(mes|nos|les|toutes? (les|mes)) (donnees|informations|infos|coordonnees)\b|\b(donnees|informations) (personnelles|me concernant)\b.{0,40}\b(supprim|effac)\w*|\brgpd\b.{0,80}\b(effac|supprim|droit)\w*|\b(effacement|suppression) (de |des |de l'ensemble des )?(mes |nos )?(donnees|informations)|\bdroit a l'oubli\b|\bdroit a l'effacement\b/;
const RESTART = /\b(tout )?(effacer|annuler|supprimer) (tout )?(et|pour) (tout )?(recommencer|repartir|refaire)\b|\brefaire (le|tout le|mon|notre) dossier\b|\bbase vierge\b|\bnouveau depart\b|\breprendre de zero\b|\bdossier vierge\b|\b(tout )?recommenc\w*|\breset\b|\b(reprendre|refaire|ressaisir) .{0,40}\b(depuis le (tout )?debut|a zero|depuis la premiere etape|integralement|entierement)\b|\brepartir (de|a) zero\b|\brepar?t\w* (de|a) zero\b|\bon repart\b|\breprendre (tout )?(a|de|depuis) zero\b|\btout reprendre (depuis le debut|a zero|du debut)\b|\b(depuis|du) le debut\b.{0,20}\b(tout|refaire)|\btout refaire\b|\bon efface tout et\b|\bfaire table rase\b|\bremettre a zero\b|\breinitialis\w*\b|\bnouveau dossier vierge\b|\bredemarrer\b/;
const CANCEL = /\b(je|on) quitte\b|\bmettons (cette etape|cette question|ca|cela) de cote\b|\bje (m'arrete|dois partir|dois y aller|ferme|finirai|terminerai|continuerai|reprendrai|reviendrai)\b|\bon (reprendra|fera la suite|termine plus tard|s'arrete)\b|\ba demain\b|\bstop pour\b|\bpour aujourd'hui\b|\bje reviens plus tard\b|\b(suspend\w*|en suspens|interromp\w*|je sauvegarde|je (file|me sauve)|on (finira|terminera|continuera)|en rester la|on en reste la|on s'arrete|je m'arrete|nous nous arretons|on arrete|j'arrete|arretons|arreter|arrete|stop|stoppe[rz]?|annule[rz]?|annulation|laisse[rz]? tomber|on laisse tomber|je laisse tomber|abandonn\w*|on fait une pause|je fais une pause|pause|je reprendrai|on reprendra|nous reprendrons|je continuerai|on continuera|je reviendrai|on reviendra|a plus tard|je dois (y aller|partir|filer)|je dois vous laisser|on s'arrete|arretons[- ]nous|quitter|sortir du formulaire|plus le temps|on verra (ca )?(plus tard|demain|lundi))\b/;
const SOURCE = /\bquelle (est (la|votre) )?source\b|\bd'apres quoi\b|\bsur quelle base\b|\bcitez\b|\bc'est (ecrit|dit) quelque part\b|\bvous tirez ca\b|\bvotre source\b|\bou (est-ce|c'est) (ecrit|precise|indique)\b|\bquel passage\b|\b(source|sources)\b|\bd'ou\s*\??\s*$|\bd'ou (ca|cela|c'est|vous) \w+|\bquel (document|texte)( officiel)? (mentionne|dit|prevoit|indique|parle)|\b(trouve|lu|pris|tire|vu) (ca|cela|cette info\w*)? ?ou\b|\btire de quel\b|\b(le |un )?lien vers\b|\bref(\.|erence)? du texte\b|\bc'est officiel\b|\bvotre interpretation\b|\bc'est (ecrit|marque|dit) ou\b|\bquel(le)? (article|decret|circulaire|instruction)\b|\bd'ou (vient|viennent|sort|sortent|tenez|tirez)\b|\bca (sort|vient) d'ou\b|\bsur quel(le)? (texte|base|document|fondement)\b|\bquel (texte|document) (dit|prevoit|indique)\b|\bvous vous appuyez\b|\b(?:tu te|vous vous|on se) (?:bases?|basez|fondes?|fondez|appuies?|appuyez) sur quoi\b|\bciter\b.{0,30}\b(?:reference|texte|source|circulaire|article|decret)\b|\bvous (vous basez|vous fondez)\b|\bou (est-ce que c'est|c'est|est-ce) (ecrit|dit|marque)\b|\bc'est (ecrit|marque) ou\b|\bla reference (de|du) (cette|ce)\b|\bquelle reference\b|\bou avez-vous (lu|trouve)\b|\bou l'avez-vous\b|\bsur quoi vous (basez|appuyez|fondez)\b|\bpreuve\b|\bjustifi\w* (cette|cela|ca)\b/;
const FEEDBACK = /\bca (ne )?m'aide (pas|beaucoup|bien)\b|\bpas du tout ce que je (demandais|voulais)\b|\bvous ne repondez pas\b|\b(tres )?bonne reponse\b|\bmerci(,)? (c'est|c'etait) (clair|parfait|utile|top|tres clair)\b|\bmerci pour (l'info|l'explication|les infos|la precision)\b|\b(ne |n')?repond (pas|a cote)\b|\b(ta|votre) (reponse|explication)\b|\bexactement ce qu'il (me|nous) fallait\b|\bclair,? merci\b|\bmerci,? (c'est |tres )?clair\b|\bje comprends mieux\b|\b(super|bonne|excellente|mauvaise|tres bonne|belle) reponse\b|\bfaux ce que vous dites\b|\bce que vous dites est faux\b|\btrop vague\b|\bpas compris (ta|votre) reponse\b|\b(c'etait|c'est|tres|super|vraiment|parfaitement) (clair|utile|precis|limpide)\b|\b(reponse|explication|recommandation|info) (claire|utile|parfaite|precise|top|nulle|pas claire|incomplete|fausse|a cote)\b|\ba cote de la plaque\b|\bhors sujet\b|\bca ne repond pas\b|\bne repond pas a ma question\b|\bvous n'avez pas (compris|repondu)\b|\bpas (tres )?(utile|clair|claire)\b|\bn'importe quoi\b|\bexactement ce que je (voulais|cherchais)\b|\bmerci pour (la|cette|votre|ces) (reponse|explication|precision|info|information)s?\b|\b(reponse|c'est) (a cote|nulle|bof|inutile)\b|\bje ne suis pas satisfait\b|\bca m'aide (beaucoup|pas)\b|\bca m'a (bien )?aide\b|\bpas du tout ce que\b|👍|👎|\bbien explique\b|\bmal explique\b|\bvotre reponse\b|\bla reponse (est|etait)\b|\bvotre recommandation (est|etait)\b|\btop merci\b|\bgenial\b|\bparfait,? merci\b|\bmerci,? (c'est )?(parfait|top|super|genial|clair)\b|\btres bien explique\b|\bvous etes (nul|top|genial)\b|\b(pratique|genial|top|utile|bien fait|efficace|simple)\b.{0,20}\b(votre|ton|cet|ce) (truc|outil|assistant|bot|chatbot|formulaire)\b|\b(votre|ton|cet|ce) (truc|outil|assistant|bot|chatbot|formulaire)\b.{0,20}\b(pratique|genial|top|utile|bien fait|efficace)\b/;
const STATUS = /\b(la prefecture|l'instructeur) (a-t-elle|a-t-il|a) (repondu|statue|tranche|examine|regarde)\b|\bquand (aurai-je|aurons-nous|vais-je avoir) (une|la) reponse\b|\bou en est l'instruction\b|\bavancement de (mon|notre) dossier\b|\b(mon|notre) dossier a-t-il ete\b|\bstatut\b|\betat d'instruction\b|\bou ca en est\b|\bon aura (une|la) reponse\b|\baurons-nous\b|\bdelai\b|\binstruction\b|\betat d'avancement\b|\b(ou en est|ou en sont|il en est ou|ca en est ou|en est ou|c'est ou|ca avance)\b|\bdes nouvelles\b|\b(bien )?(recu|reçu)\b.{0,20}\b(dossier|candidature)|\b(dossier|candidature)\b.{0,40}\b(recu|valide|accepte|refuse|instruit|traite|examine)\b|\ba-t-il ete (valide|recu|traite|accepte|instruit|examine)\b|\b(toujours )?rien recu\b|\bquand (aurons|aurai|aura|aurais|saurons|saurai|vais-je)\b|\bdelai (d'instruction|de reponse)\b|\breponse de la prefecture\b|\bla prefecture (a|l'a) (repondu|valide|statue|regarde)\b|\bavez-vous (des|du) nouveau\b|\bdecision\b.{0,30}\b(prefecture|dossier)\b|\bou en est (mon|notre|le) dossier\b|\bmon dossier (est|a)\b.{0,20}\b(ou|quoi|valide|accepte|refuse)\b/;
const REPLY_PREFECTURE = /\b(le |un |du |au )?(mail|message|courrier|courriel|appel) de la prefecture\b|\bvoici (la|notre|ma) reponse\b|\bprefecture\b.{0,50}\b(demande|demandait|veut|voulait|souhaite|a demande|reclame|attend|m'a (ecrit|demande)|nous a (ecrit|demande))\b|\b(suite|en reponse) (a|au|aux) (la |votre |leur |son |sa )?(demande|mail|message|courrier|remarque|question|observation|relance)s?\b|\b(reponse|repondre|je reponds|nous repondons) a la prefecture\b|\bcomme (demande|souhaite) par la prefecture\b|\bvoici (le|la|les) (bon|bonne|document|piece|element|complement|precision|correction)s?\b|\bmessage de la prefecture\b|\b(l'|un |une )?instructeur\w* (demande|veut|m'a)\b|\bdemande de (complements?|precisions?|corrections?)\b|\bci-joint\b|\bvous trouverez\b|\bje vous (confirme|transmets|envoie|informe)\b/;
/** What answers a message: a yes or a no said first, a document promised, a date. */
const ANSWERS_PREFECTURE = /^(oui|non|ok|d'accord|bien sur|entendu|tout a fait|effectivement)\b|\bje vous (l'|la |le |les |en )?(envoie|envoi|envoierai|enverrai|transmets|transmettrai|fais parvenir|ferai parvenir|adresse|adresserai)\b|\b\d{1,2}(er)? (janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b/;
const PROGRESS = /\bcombien de temps (encore|reste|il reste)\b|\bon a bientot (fini|termine)\b|\ba quelle etape\b|\bc'est (encore )?long\b|\bencore (longtemps|beaucoup)\b|\bencore des questions\b|\bderniere (etape|question)\b|\bpourcentage\b|\bbientot fini\b|^(quelle )?etape\W*$|\bil (me |nous )?reste (quoi|combien|beaucoup)\b|\bme reste quoi\b|\bou (en )?suis[- ]je\b|\bou en (sommes-nous|est-on)\b|\bou j'en suis\b|\bou (on|nous) en (est|sommes)\b|\bon en est ou\b|\bon en est a (quelle|combien|quel)\b|\bon est a quelle (etape|question)\b|\bquelle etape\b|\bil (me|nous)? ?reste (combien|beaucoup|encore|quoi|quelles?)\b|\breste-t-il (beaucoup|combien|encore)\b|\bcombien (de questions|d'etapes|de temps|reste|en reste|de sections)\b|\bavancement\b|\bprogression\b|\bj'ai perdu le fil\b|\bc'est (encore )?long\b|\bc'est bientot fini\b|\bon a (bientot )?fini\b|\bqu'est-ce qu'il (me |nous )?reste\b|\bce qu'il reste\b|\bcombien d'actions\b|\b(quelle|a quelle) partie\b|\bon en est\b|\bou en est le dossier\b|\bou en est mon dossier\b/;
const SUMMARY = /\bqu'est-ce que (j'ai|vous avez) (rempli|saisi|note|enregistre)\b|\bvous avez (note|enregistre) quoi\b|\bce que vous avez (note|enregistre|retenu)\b|\bafficher (le |mon )?(recap\w*|resume|dossier)\b|\bvoir (mes|les) reponses\b|\bqu'avez-vous (note|enregistre)\b|\brappel\w*[- ]moi\b|\bce que j'ai (deja )?(coche|choisi|note|ecrit)\b|\b(revoir|relire)\b.{0,30}\b(dossier|ensemble|tout|brouillon|reponses)\b|\bqu'est-ce que j'avais (mis|dit|ecrit|note)\b|\bmontre[rz]?[- ]moi\b|\bmontrez moi\b|\bliste des actions\b|\brenvoyer le recapitulatif\b|\brecapitulatif\b|\bresume\b|\brecap\w*\b|\b(revoir|relire|voir|montrer|afficher|rappeler|lister|consulter) (ce que|tout ce que|l'ensemble|les (actions|reponses|informations|infos|elements)|mes (reponses|actions|informations)|le dossier|mon dossier|notre dossier|ce qui a ete)\b|\bce que j'ai (deja )?(saisi|rempli|dit|repondu|entre|indique|mis)\b|\bmes reponses\b|\b(voir|afficher|montrer) (le|mon|notre) dossier\b|\bvue d'ensemble\b|\bce qui est (deja )?(enregistre|saisi)\b|\bles actions (deja )?saisies\b/;
const HELP = /\bje (ne )?sais pas (quoi|comment) (repondre|mettre|ecrire|indiquer)\b|\bque faut-il (repondre|mettre|ecrire)\b|\b(pouvez-vous |vous pouvez )?(reformuler|reformulez)\b|\bje ne comprends pas (la|votre) question\b|\bc'est-a-dire\s*\?|\bun exemple\s*\?|\bexemple de reponse\b|\bcomment (dois-je|faut-il) repondre\b|\bje (ne )?(comprends|comprend|capte|pige|vois) (pas|rien|plus)\b|\bj'ai pas compris\b|\bje n'ai pas compris\b|\bpas (certaine?|sure?|sur) de (saisir|comprendre|bien comprendre)\b|\bqu'est-ce (qu'il|que je dois|qu'on doit|que vous attendez)\b|\bqu'attendez-vous\b|\bqu'est-ce que vous (voulez|attendez)\b|\b(je|on) (dois|doit)? ?(mets?|mettre|coche[rz]?|reponds|ecris|indique|note|remplis|renseigne) (quoi|lequel|laquelle|lesquels|quel|quelle)\b|\bje (le )?(mets?|coche|note|ecris|indique|renseigne) (ou|ou pas|comment)\b|\bje (mets?|met|coche|mettre|indique) (le |la |l')?\w+ ou (le |la |l')?\w+\b|\bque (dois-je|faut-il|doit-on|dois je) (mettre|repondre|indiquer|ecrire|cocher|saisir|renseigner)\b|\b(dois-je|doit-on|faut-il|faut[- ]il|faut|dois je|je dois|on doit|il faut) (que je )?(les )?(mettre|indiquer|mentionner|compter|ecrire|remplir|renseigner|cocher|coller|repondre|saisir|donner|preciser|valoriser|inclure (les|l'ensemble|uniquement))\b|\bc'est obligatoire (de|d')\b|\best-ce obligatoire\b|^(aide|help|au secours|\?+)\W*$|\b(comment )?(fonctionne|marche|utiliser|s'utilise) (cet |cette |l'|le )?(assistant|outil|chatbot|bot|robot)\b|\b(besoin d'aide|besoin d'un coup de main|aidez-moi|aide-moi|a l'aide|de l'aide)\b|\b(je|on) (mets?|met|coche|compte|indique|note|ecris|inclus|inclut|mentionne|renseigne|prends?)\b.{0,50}\bou (pas|non)\b|\bje (mets?|met) .{1,40} ou (le|la|l'|les|un|une)\b|\bun exemple\b|\bdonnez-moi un exemple\b|\bpar exemple\b\s*\?|\bcomment (je|on) (remplis|reponds|repond|fais|indique|mets|saisis)\b(?! pour (deposer|candidater|postuler|monter|faire|preparer|commencer|demarrer|lancer|s'inscrire|m'inscrire))|\bcomment (remplir|repondre|indiquer|valoriser|saisir|calculer|compter|estimer|chiffrer)\b|\b(titre|format|texte|reponse) (court|long|libre)\b|\bcombien de (lignes|caracteres|mots)\b|\bje (peux|pourrais) (le )?coller\b|\bdans (votre|la) liste\b|\bje (ne )?vois pas (les|de) (choix|boutons|cases|liste)\b|\bc'est dans quelle section\b|\bquelle section\b|\bformat attendu\b|\bquel format\b|\bsous quelle forme\b|\bje sais pas (trop )?(quoi|si|ou|comment)\b|\bje ne sais pas (quoi|si|comment|ou)\b|\bje suis perdue?\b|\bje met quoi\b|\bje mets quoi\b|\bc'est a dire\b|\bvous voulez dire quoi\b|\bque voulez-vous dire\b/;
const APPLY = /\b(inscrire|engager) (notre|ma|la) (commune|collectivite|ville|metropole|agglo\w*|communaute|intercommunalite)\b|\bnous sommes interesses?\b|\bon est interesses?\b|\brepondre a l'appel\b|\bcomment (on )?candidate\b|\bje veux m'inscrire\b|\bcommencer (la|une|ma|notre) (demarche|candidature|demande)\b|\b(deposer|preparer|monter|faire|commencer|demarrer|lancer|debuter|constituer|remplir|initier|engager|entamer|creer|ouvrir|presenter|soumettre|elaborer)\b.{0,40}\b(candidature|dossier|demande|ctai|ptai|procedure|projet|contrat territorial)\b|\b(voudrions|voudrais|voudrait|souhaite\w*|aimeri\w*|aimerai\w*|veut|veux|voulons|on va) (deposer|candidater|postuler|se lancer|participer|nous lancer|demarrer|commencer|y aller|contractualiser)\b|\bpour (deposer|candidater|postuler)\b|\bcandidat(er|ons|e|ure)\b|\bcontractualiser\b|\bse lancer\b|\bon (commence|y va|demarre)\b|\bnouvelle candidature\b|\bpostuler\b|\b(souhaite|souhaitons|souhaitent|souhaiterait|souhaiterais|souhaiterions|souhaiteraient|voudrions|voudrais|aimerions|aimerait|voudrait|voudraient|veut|veux|voulons|veulent|aimerais) (faire |monter |avoir |obtenir |signer |conclure |mettre en place |porter )?(un|une) (ctai|ptai|contrat territorial|projet territorial|candidature)\b|\bpar ou (on )?commence\b|\bcomment (on |je |nous )?(fait|fais|faisons|faire|dois faire|peut faire|peux faire) pour (deposer|candidater|postuler|s'inscrire|m'inscrire|monter|faire|preparer|commencer|demarrer|lancer)\b|\b(je|nous) (me |nous )?lan(ce|cons)\b|\bpreparer une candidature\b|\bs'engager dans\b|\bbeneficier (d'un|du) (ctai|ptai|dispositif)\b|\bentrer dans (la demarche|le dispositif)\b|\brejoindre (la demarche|le dispositif)\b|\bintegrer (la demarche|le dispositif)\b/;
const QUESTION_START = /^(c'est quoi|qu'est[- ]ce|quest ce|qu'est ce|comment|pourquoi|combien|quel|quelle|quels|quelles|qui|est[- ]ce|faut[- ]il|peut[- ]on|doit[- ]on|a quoi|y a[- ]t[- ]il|il y a|ya t il|que|quand|ou|une commune peut|peut-il|peut-elle|les? \w+ (peut|peuvent|doit|doivent|est|sont)[- ](il|elle|ils|elles)\b|est-il|est-elle|sont-ils|existe-t-il|pourriez-vous (m'indiquer|me dire|m'expliquer|preciser)|pouvez-vous (m'indiquer|me dire|m'expliquer)|savez-vous|je voudrais savoir|j'aimerais savoir|je me demandais|dites-moi)\b/;
const QUESTION_WORDS = /\b(c'est quoi|qu'est-ce que|qu'est-ce qu'un|est-ce que|est-ce qu'|qu'entend-on|que signifie|ca veut dire quoi|ca veut dire|difference entre|peut-on|faut-il|doit-on|y a-t-il|existe-t-il|est-il|est-elle|sont-ils|peuvent-ils|peut-il|peut-elle|combien|quel est|quelle est|quels sont|quelles sont|qui (signe|peut|finance|decide|instruit)|a qui|comment (ca|se) (passe|fait)|c'est pareil|ca compte comme|c'est possible|est-ce possible|on peut|je peux|on a le droit|suffit-il|suffit|plafond|minimum|maximum)\b/;
const CHITCHAT = /^(bonjour|bonsoir|salut|coucou|hello|hey|re|yo|merci|merci beaucoup|merci bien|super|top|cool|ok|okay|d'accord|ca va|comment ca va|comment allez-vous|bonne journee|bonne soiree|au revoir|a bientot|a plus|bye|ciao|bisous|lol|mdr|haha|hi)\b|\b(meteo|il fait (beau|chaud|froid|un temps)|blague|robot|une vraie personne|un humain|ton nom|tu t'appelles|qui es-tu|tu es qui|vous etes qui|comment tu vas|tu vas bien|vous allez bien|bon week-end|bonne fin de journee|me revoila|je suis de retour|rebonjour|foot|match|vacances|cafe)\b/;
const OFF_TOPIC = /\b(ca marche|au revoir|bonne journee|bonne soiree|a bientot|merci beaucoup|merci bien)\s*[.!]*$|\b(meteo|il fait (beau|chaud|froid|un temps|\d+ degres)|il pleut|pleut des cordes|blague|robot|vraie personne|un humain|tu t'appelles|ton nom|ton prenom|qui vous a programme|programme par|un cafe|me chercher un cafe|week-end|bonne annee|joyeux noel|bonnes fetes|bonne fin de (semaine|journee)|bon week|comment ca va|ca va\s*\??$|lol|mdr|vous allez bien|tu vas bien|me revoila|je suis de retour|foot|vacances|ouvert le|vous etes ouverts?|vous remercie encore|merci encore|etes-vous (un|une)|t'es qui)\b|^(ca va|salut|coucou|hello|bonjour|bonsoir|merci)\W*$/;
const CORRECTION_MARKER = /\bet pas\b|\b(correcte?|exacte?|bonne?) (est|c'est|sera)\b|\bje voulais (dire|mettre|ecrire)\b|\bil fallait lire\b|\bmauvais(e)? (numero|adresse|chiffre|montant|departement|nom)\b|\bje me suis trompee?\b|^non,? (le |la |les |l'|c'est |ce n'est )|\b(je me suis (trompee?|plante|mal exprimee?)|trompee?|erreur|errone\w*|pardon|oups|oula+|oulala|rectifi\w*|correction|je corrige|corriger|en fait|finalement|au fait|c'est faux|est faux|est fausse|sont faux|pas bon|pas le bon|pas la bonne|le bon (c'est|est|numero|chiffre)|la bonne (c'est|est|adresse)|je reviens sur|revenir sur ma reponse|ah non|non attendez|plutot|et non|au lieu de|j'ai mis|j'ai dit|j'ai donne|j'ai tape|j'ai indique|j'ai saisi|j'ai ecrit|que je vous ai (donne|indique|dit)|que j'ai (donne|mis|saisi|indique|tape|ecrit)|de tout a l'heure|tout a l'heure|precedemment|d'avant|plus haut|avant que j'oublie|petite precision|je precise|il faut lire|lire plutot|ce n'est pas|c'est pas)\b|\b(pas|non) (le |la |les |l')?\S+ mais\b|\brajout(e|ez|er)\b|\bajoutez\b|\benlevez\b|\bretirez\b|\d[\d ]*(?:k?€|euros?|habitants?|personnes?)?\s*,?\s*pas (?:de |le |la |les |l')?\d/;
const STRONG_CORRECTION = /\bet pas\b|\b(correcte?|exacte?|bonne?) (est|c'est|sera)\b|\bje voulais (dire|mettre|ecrire)\b|\bil fallait lire\b|\bmauvais(e)? (numero|adresse|chiffre|montant|departement|nom)\b|\b(je me suis (trompee?|plante)|trompee?|erreur|errone\w*|rectifi\w*|correction|je corrige|c'est faux|est faux|est fausse|pas bon|pas le bon|pas la bonne|le bon (c'est|est)|la bonne (c'est|est)|j'ai mis|j'ai dit|j'ai tape|g mis|j'ai saisi|j'ai indique|que je vous ai|que j'ai (donne|mis|saisi|indique)|et non|au lieu de|pas .{1,25} mais|en fait c'est|finalement c'est|c'est plutot|rajout\w*|ajoutez|enlevez|retirez|pas que)\b|\d[\d ]*(?:k?€|euros?|habitants?|personnes?)?\s*,?\s*pas (?:de |le |la |les |l')?\d/;
const EDIT_VERB = /\b(modifi\w*|chang\w*|editer|retoucher|revoir (le|la|les|l')|mettre a jour|mise a jour|revenir sur|reprendre (la|le|les) (partie|section)|revoir (la|le|les) (partie|section)|corriger (la|le|les|l'|mon|ma|mes)|je voulais (le|la|les|l'|plutot|modifier|parler)|non,? (je voulais|plutot|c'est) (le|la|les|l')|pas (cette|ce) (section|partie)|mauvaise section|c'est pas (ca|cette section))\b/;

const FIELD_TARGET_VALUE: ReadonlyArray<{ prefix: string; keys: Array<keyof Entities> }> = [
  { prefix: 'collectivity.name', keys: ['collectivityName'] },
  { prefix: 'collectivity.kind', keys: ['collectivityKind'] },
  { prefix: 'collectivity.departement', keys: ['departement'] },
  { prefix: 'collectivity.siren', keys: ['siren'] },
  { prefix: 'collectivity.population', keys: ['population', 'number'] },
  { prefix: 'contact.name', keys: ['personName'] },
  { prefix: 'contact.role', keys: ['role'] },
  { prefix: 'contact.email', keys: ['email'] },
  { prefix: 'contact.phone', keys: ['phone'] },
  { prefix: 'scheme.approach', keys: ['approach'] },
  { prefix: 'scheme.diagnostic', keys: ['diagnostic'] },
  { prefix: 'scheme.choice', keys: ['scheme'] },
  { prefix: 'fields.selection', keys: ['fields'] },
  { prefix: 'commitments.kinds', keys: ['commitments'] },
  { prefix: 'commitments.amount', keys: ['amount'] },
  { prefix: 'action.publics', keys: ['publics'] },
  { prefix: 'action.beneficiaries', keys: ['count', 'number'] },
  { prefix: 'action.cost', keys: ['amount'] },
  { prefix: 'action.stateShare', keys: ['amount'] },
];

/** The question a value belongs to, when the message names none (« c'est le 76 pas le 27 » → the département). */
export function targetOfValues(entities: Entities, pending: Pending): Target | undefined {
  const order: Array<[keyof Entities, Target]> = [
    ['departement', 'collectivity.departement'],
    ['siren', 'collectivity.siren'],
    ['email', 'contact.email'],
    ['phone', 'contact.phone'],
    ['personName', 'contact.name'],
    ['role', 'contact.role'],
    ['collectivityName', 'collectivity.name'],
    ['collectivityKind', 'collectivity.kind'],
    ['population', 'collectivity.population'],
    ['scheme', 'scheme.choice'],
    ['approach', 'scheme.approach'],
    ['diagnostic', 'scheme.diagnostic'],
    ['publics', 'action.publics'],
    ['count', 'action.beneficiaries'],
    ['fields', 'fields.selection'],
    ['commitments', 'commitments.kinds'],
  ];
  const found = order.find(([key, target]) => entities[key] !== undefined && target !== pending);
  return found?.[1];
}

/** The entities that hold a value of that question. */
export function valueKeysOf(target: Target | undefined): Array<keyof Entities> | undefined {
  return FIELD_TARGET_VALUE.find((candidate) => candidate.prefix === target)?.keys;
}

/** Whether the message gives a value for that question. */
function hasValueFor(target: Target | undefined, entities: Entities): boolean {
  const rule = FIELD_TARGET_VALUE.find((candidate) => candidate.prefix === target);
  return rule ? rule.keys.some((key) => entities[key] !== undefined) : false;
}

function sectionOf(id: string): string {
  return id.split('.')[0] ?? id;
}

export interface IntentInput {
  /** Folded text (lower case, no accents, SMS spellings spelled out). */
  folded: string;
  /** The same without openers (« bonjour », « attendez », « excusez-moi mais »). */
  core: string;
  raw: string;
  pending: Pending;
  entities: Entities;
}

/** The assistant itself, as officials name it (« votre truc », « ton bot », « l'outil »). */
const THE_TOOL = /\b(?:votre|ton|ce|cet|cette|l'|le|vos|tes|bon|bel|super) ?(?:bot|chatbot|robot|outil|truc|assistant|formulaire|appli|application|site|interface|systeme|machin|service|recapitulatif|recap|parcours|questionnaire)\b/;
/** A verdict on it: praise or complaint, a few letters' slip allowed by the stems. */
const VERDICT = /\b(?:nul\w*|top|super|genial\w*|bravo|sympa|chouette|excellent\w*|intuiti\w*|ergonomique|bon outil|bien fait|bien pense|pratiqu\w*|partiqu\w*|simple|efficace|rapide|lent\w*|compliqu\w*|penible|galere|enervant|agacant|inutile|utile|bien fait|mal fait|bugu?e?|beug\w*|plante|comprend rien|comprends rien|capte rien|marche pas|fonctionne pas|perdre (?:du|beaucoup de|mon|notre) temps|fait perdre|gain de temps|repet\w*)\b/;
/** The journey judged (« trop de questions », « les questions se répètent », « fait en 20 minutes »). */
const JOURNEY_VERDICT = /\b(?:juste |petite |une )?sugg?estion\s*[.!]*$|\bce serait (?:bien|top|pratique|utile) (?:de pouvoir|que l'outil|si l'outil|si on pouvait)\b|\btrop (?:de questions|long|lent|complique)\b|\bquestions? (?:se repet\w*|repetitives?|en boucle)\b|\b(?:fait|rempli|boucle|termine) (?:le|mon|notre) dossier en \d+|\bfranchement (?:top|nul|bien|super|genial|pratique)\b|\bperdre (?:beaucoup de |du )?temps\b/;

/** « ton bot comprend rien », « c'est super partique votre truc », « trop de questions »: a verdict on the assistant, not a question or an answer. */
function judgesTheTool(text: string, raw: string): boolean {
  if (/\?\s*$/.test(raw.trim())) return false;
  return (THE_TOOL.test(text) && VERDICT.test(text)) || JOURNEY_VERDICT.test(text);
}

/** « effacer mon dossier », « effacer tout, définitivement », « que vous effaciez tout ce que j'ai saisi »: everything erased, with nothing started again. */
const ERASES_THE_DOSSIER = /\b(?:effac\w*|supprim\w*|suprim\w*|detrui\w*)\b.{0,25}\b(?:mon dossier|le dossier|notre dossier|mes reponses|tout ce que (?:j'ai|nous avons|on a)|tout,? definitivement|tout definitivement|completement (?:le|mon|notre) dossier)\b|\b(?:effac\w*|supprim\w*|suprim\w*) (?:completement|definitivement|tout)\b/;
/** « reprendre mon dossier », « j'avais commencé un dossier hier, je peux le continuer ? »: a draft taken up again, outside the journey. */
const RESUMES = /\b(?:reprendre|reprend|reprends|continuer|continue|poursuivre|finir|terminer|rouvrir)\b.{0,12}\b(?:mon|notre|le|ma|du) (?:dossier|brouillon|candidature)\b|^(?:reprendre|continuer|rouvrir) (?:le |mon )?brouillon\b|\bj'avais commence (?:un|le|mon|notre) dossier\b/;
/** At a dossier submitted: a statement that something asked was sent (« RIB joint », « pièce manquante envoyée ce matin », « rep pref : … »). */
const SENT_TO_PREFECTURE = /\b(?:joint|jointe|joints|jointes|envoyee?s?|transmise?s?|deposee?s?) (?:ce matin|hier|aujourd'hui|ce jour|a l'instant|par mail|par courrier)\b|\b(?:rib|piece|pieces|document|documents|attestation|deliberation|justificatif)s? (?:manquante?s? )?(?:joint|jointe|joints|jointes|envoyee?s?|transmise?s?)\b|^(?:rep|reponse|repondre) (?:a la )?pref\w*\b|\bprenons acte\b|\bobservations de la prefecture\b/;

/** The intent of a message. */
export function classifyIntent({ folded, core, raw, pending, entities }: IntentInput): Intent {
  const text = withoutEmbeddedCommands(core || folded, pending);
  if (!text.replace(/[\s.!?,;:…-]/g, '')) return /\?/.test(raw) ? 'help' : 'chitchat';
  const inFlow = pending !== 'none' && pending !== 'submitted';
  const asks = /\?\s*$/.test(raw.trim()) || /\?/.test(raw) || QUESTION_START.test(text);

  if (ERASES_THE_DOSSIER.test(text) && !RESTART.test(text) && !/\b(action|champ|engagement|financeur|cofinancement)s?\b/.test(text)) return 'erase_data';
  if (ERASE.test(folded) || (ERASE_WORDS.test(folded) && PERSONAL.test(folded) && !/\b(supprim|retir|enlev)\w* (l'action|une action|cette action|le cofinancement|un champ|le champ)\b/.test(folded))) return 'erase_data';
  if (RESTART.test(text) && !/\bje (ne )?recommencerai\b/.test(text)) return 'restart';
  if (SOURCE.test(text) && !/\bsources? de financement\b|\bsource (de|du) (financement|budget)\b/.test(text)) return 'source';
  if (FEEDBACK.test(text) && !/\bvotre reponse\b.{0,20}\b(oui|non)\b/.test(text)) return 'feedback';
  if (judgesTheTool(text, raw)) return 'feedback';

  if (pending === 'submitted') {
    if (SUMMARY.test(text) && /\b(recapitulatif|resume|relire|revoir|renvoyer)\b/.test(text)) return 'summary';
    if (APPLY.test(text) && /\b(nouvelle|seconde|deuxieme|autre|nouveau)\b/.test(text)) return 'apply';
    if (REPLY_PREFECTURE.test(text) || SENT_TO_PREFECTURE.test(text)) return 'reply_prefecture';
    // A statement that answers the prefecture (« oui, elle passe en conseil le 15 janvier, je vous l'envoie ») is the reply, not a status question.
    if (!asks && ANSWERS_PREFECTURE.test(text)) return 'reply_prefecture';
    if (STATUS.test(text) || entities.reference || (/\b(dossier|candidature)\b/.test(text) && asks)) return 'status';
    if (!asks && hasAnyValue(entities)) return 'reply_prefecture';
  } else if (entities.reference && (STATUS.test(text) || asks || /\b(statut|etat)\b/.test(text))) return 'status';
  else if (!inFlow && STATUS.test(text) && /\b(dossier|candidature|depose|deposee|envoye)\b/.test(text) && !APPLY.test(text)) return 'status';

  const cancels = CANCEL.test(text) && !/\b(annul\w*|supprim\w*) (l'action|une action|cette action|le cofinancement)\b/.test(text) && !/\barreter de\b/.test(text);
  // A skip on an optional question is an answer, even asked as a question (« on peut passer ? »).
  if (inFlow && entities.skip && !HELP_ABOUT_OBLIGATION.test(text) && !(cancels && STRONG_CANCEL.test(text))) return 'answer';
  // On the review menu, asking whether one may submit (« on peut déposer ? ») is choosing to submit.
  // So is « ok c'est bon on dépose ? », in the present.
  if (pending === 'review.menu' && /^((ok|bon|alors|donc|parfait|super|c'est bon|ca y est)\W+)*(((est-ce qu')?(on|je|nous) (peut|peux|pouvons|pourrait|pourrais|pourrions)|(peut|puis|pouvons|pourrait|pourrions)-(on|je|nous)) (le |maintenant |donc |enfin )?(deposer|envoyer|soumettre|transmettre)|(on|je|nous) (le )?(depose|deposons|envoie|envoyons|soumet|soumettons|transmet|transmettons))\b/.test(text)) return 'answer';
  if (STRONG_HELP.test(text)) return 'help';

  // « on garde le logement, l'emploi on verra plus tard » answers the question on screen: putting one value off is no stop.
  const putsOffOnly = !CANCEL.test(text.replace(/\b(on )?(verra|voit|fera|ajoutera) (ca |cela )?plus tard\b|\bplus tard\b/g, ' '));
  if (CANCEL.test(text) && !/\b(annul\w*|supprim\w*) (l'action|une action|cette action|le cofinancement)\b/.test(text) && !/\barreter de\b/.test(text) && !(inFlow && putsOffOnly && answersPending(text, pending, entities))) {
    if (!(inFlow && pending === 'review.menu' && /\b(brouillon)\b/.test(text))) return 'cancel';
  }
  // « combien de temps dure un CTAI ? » asks about the scheme, not about the journey.
  if (PROGRESS.test(text) && !/\bcombien de temps (dure|durent|durera|va durer)\b/.test(text)) return 'progress';
  if (SUMMARY.test(text) && !/\bresume (de|du) (l'action|projet)\b/.test(text) && pending !== 'action.description') return 'summary';

  const edit = editOrCorrection(text, folded, pending, entities);
  if (edit) return edit;

  if (HELP.test(text) || (inFlow && isDefinitionOfPending(text, pending))) {
    // « aide-moi à comprendre ce qu'est un BPI » is still a question about the scheme.
    if (!(pending === 'none' && /\b(c'est quoi|qu'est-ce|difference|signifie)\b/.test(text) && !/\baide\b/.test(text))) return 'help';
  }

  if (!inFlow && pending !== 'submitted' && RESUMES.test(text) && !RESTART.test(text)) return 'apply';
  if (!inFlow) {
    if (APPLY.test(text) && !WISH_TO_KNOW.test(text) && !/\b(c'est quoi|qu'est-ce qu|difference|combien de temps|est-ce qu'une?|peut-(on|il|elle)|faut-il|doit-on|qui peut|date limite|delais?)\b|^(quel(le)?s?|quand|combien|jusqu'a quand|a quelle) /.test(text) && !asksWhetherAllowed(text, raw)) return 'apply';
  }

  if (OFF_TOPIC.test(text) && !(inFlow && answersPending(text, pending, entities) && !/\b(programme|robot|blague|meteo|cafe)\b/.test(text)) && !/\b(ctai|ptai|bpi|dossier|candidature|prefet)\b/.test(text)) return 'chitchat';
  if (asks && (QUESTION_WORDS.test(text) || QUESTION_START.test(text) || /\?\s*$/.test(raw.trim()))) {
    if (inFlow && answersPending(text, pending, entities) && !QUESTION_START.test(text) && !STRONG_QUESTION.test(text)) return 'answer';
    if (!(inFlow && /^(et )?(c'est|ca) (bon|ok)\b/.test(text))) {
      return questionByClassifier(text, raw, pending);
    }
  }
  if (CHITCHAT.test(text) && !(inFlow && answersPending(text, pending, entities))) {
    if (!inFlow || !/\b(oui|non|ok|d'accord)\b/.test(text) || !YES_NO_PENDING.has(pending)) return 'chitchat';
  }
    // An answer that carries any value stays an answer; only a message with none may be something else.
  const carriesValue = Object.keys(entities).some((key) => key !== 'target' && key !== 'section' && key !== 'actionIndex');
  // « Je voudrais déposer le dossier. » on the review menu is its first choice, whatever the classifier learnt of « dossier ».
  if (pending === 'review.menu' && !asks && /\b(deposer|deposons|depose|r?envoy\w*|r?envoie\w*|soumet\w*|transmet\w*)\b/.test(text)) return 'answer';
  if (inFlow) return carriesValue || text.split(' ').length < 3 || FREE_TEXT_PENDING.has(pending) ? 'answer' : byClassifier('answer', raw, pending);
  if (QUESTION_WORDS.test(text) || /\b(ctai|ptai|bpi|primo|prefet|prefecture|financement|integration|contrat|dispositif|seed|territoires? d'integration)\b/.test(text)) return questionByClassifier(text, raw, pending);
  return byClassifier('chitchat', raw, pending);
}

/** « répondre à la préfecture : … », « ci-joint … »: a message that says it is a reply, whether or not a message waits (folded text). */
export function saysItIsAReply(folded: string): boolean {
  return REPLY_PREFECTURE.test(folded);
}

/** The command words, as the rules read them. */
const COMMANDS: ReadonlyArray<RegExp> = [RESTART, SOURCE, FEEDBACK, CANCEL, PROGRESS, SUMMARY, HELP].map((pattern) => new RegExp(pattern.source, 'g'));
/** Words that may stand before a command at the head of its clause (« je vais interrompre », « vous pouvez annuler », « on peut tout recommencer »). */
const COMMAND_LEADS = new Set(['je', "j'", 'j', 'on', 'nous', 'vous', 'tu', 'il', 'bon', 'ok', 'alors', 'bref', 'finalement', 'attendez', 'euh', 'svp', 'merci', 'mais', 'et', 'donc', 'du', 'coup', 'est', 'ce', 'que', "qu'", 'qu', 'peux', 'peut', 'pouvez', 'pourriez', 'pourrait', 'pouvons', 'puis', 'vais', 'va', 'allons', 'dois', 'doit', 'faut', 'voudrais', 'voudrait', 'veux', 'veut', 'souhaite', 'aimerais', 'suis', 'obligee', 'oblige', 'de', "d'", 'd', 'ai', 'avoir', 'besoin', 'un', 'peu', 'encore', 'ne', "n'", 'n', 'pas', 'plutot', 'prefere', 'aller', 'me', 'm', "m'", 'moi', 'le', 'la', 'les', 'l', "l'"]);
/** Questions whose answer is free text (and the other funders, named in a sentence). */
const FREE_TEXT_ANSWERS: ReadonlySet<Pending> = new Set(['collectivity.name', 'contact.name', 'contact.role', 'action.title', 'action.description', 'action.carrier', 'budget.otherFunders']);

/**
 * In a free-text answer, a command word inside the sentence (« …du bâtiment et de l'aide à domicile », « les ateliers
 * qui recommencent ») is part of the answer: it is masked, and only a command at the head of its clause (« stop, je
 * reprendrai demain », « vous pouvez annuler ») or said alone (« de l'aide svp ») is read as one.
 */
function withoutEmbeddedCommands(text: string, pending: Pending): string {
  // A question (« pourriez-vous me donner un exemple ? ») is no free-text answer: its words are read as they are.
  if (!FREE_TEXT_ANSWERS.has(pending) || /\?\s*$/.test(text)) return text;
  // In a short message, a phrase (« super pratique votre outil », « tout recommencer ») is the command, and so is a command
  // word heading it (« aide svp », « source 2 », « de l'aide »); one word of its own before a lone command word
  // (« l'association Aide et Source », « Mairie, aide sociale ») makes that word part of a name.
  const short = text.split(/\s+/).length < 6;
  // « c'est quoi la source », « où en suis-je »: a short question without its mark is still one.
  if (short && QUESTION_START.test(text)) return text;
  let masked = text;
  for (const pattern of COMMANDS) {
    masked = masked.replace(pattern, (match: string, ...rest: unknown[]) => {
      // A command said of oneself (« je ne sais pas quoi mettre », « on arrête ») is one wherever it stands.
      if (/^(je|j'|on|nous|vous|tu)\b/.test(match)) return match;
      const offset = rest.find((item) => typeof item === 'number') as number;
      const clause = masked.slice(0, offset).split(/[.;:!?,()]/).pop() ?? '';
      const leads = clause.split(/[\s-]+|(?<=')/).filter(Boolean);
      // Two words of its own before it in the clause make it part of a phrase (« …du bâtiment et de l'aide »); « merci de tout annuler » is still the command.
      const ownWords = leads.filter((word) => !COMMAND_LEADS.has(word)).length;
      if (short) return /^\S+$/.test(match.trim()) && ownWords >= 1 ? ' '.repeat(match.length) : match;
      return ownWords < 2 ? match : ' '.repeat(match.length);
    });
  }
  return masked;
}

/** Intents the trained classifier may give in place of a default; the others need values or a target the rules read. */
const CLASSIFIED: ReadonlyArray<Intent> = ['apply', 'question', 'help', 'progress', 'summary', 'status', 'cancel', 'restart', 'feedback', 'source', 'chitchat', 'erase_data'];
const CONFIDENT = 0.9;
/** Questions whose answer is any text (a description, a title): never read as something else by the classifier. */
const FREE_TEXT_PENDING: ReadonlySet<Pending> = new Set(['collectivity.name', 'contact.name', 'contact.role', 'action.title', 'action.description', 'action.carrier']);

/** A question by the rules: whether something is allowed stays one, whatever the classifier makes of its words. */
function questionByClassifier(text: string, raw: string, pending: Pending): Intent {
  const intent = byClassifier('question', raw, pending);
  return intent === 'apply' && asksWhetherAllowed(text, raw) ? 'question' : intent;
}

/** A default of the rules, unless the classifier is confident of another intent that fits where the official is. */
function byClassifier(fallback: Intent, raw: string, pending: Pending): Intent {
  const inFlow = pending !== 'none' && pending !== 'submitted';
  const allowed = new Set<Intent>([fallback, ...CLASSIFIED.filter((intent) => !(inFlow && intent === 'apply') && !(inFlow && intent === 'status'))]);
  const predicted = predictIntent(raw, pending, allowed);
  if (predicted && predicted.confidence >= CONFIDENT) return predicted.intent;
  // Letter 4-grams absorb typos (« formualire », « modifer ») but are over-sure of short button-like messages: they
  // decide only for a message of three words or more, and only the intent the word model already leans to (at least one chance in two).
  if (!predicted || raw.trim().split(/\s+/).length < 3) return fallback;
  const byLetters = predictIntent(raw, pending, allowed, true);
  if (byLetters && byLetters.intent === predicted.intent && predicted.confidence >= 0.5 && byLetters.intent !== fallback && byLetters.confidence >= CONFIDENT) return byLetters.intent;
  return fallback;
}

/**
 * « une commune de 3000 habitants peut-elle faire un CTAI ? », « est-ce qu'on peut déposer un PTAI ? »:
 * whether something is allowed is a question, even with the words of a wish to apply; unless the
 * official also says they want it (« on voudrait déposer un CTAI, c'est possible ? »).
 */
const ASKS_IF_ALLOWED = /\b(peut|peuvent|pourrait|pourraient|puis|pouvons|pouvez|doit|doivent|faut)-(t-)?(il|elle|on|ils|elles|je|nous|vous)\b|\best[- ]ce qu|\b(a|ont) (le )?droit\b|\beligib\w*|\b(peut|peux|peuvent|pouvons|pourrait|pourrions|pourraient)\b|\best(-ce)? possible\b/;
const STATES_A_WISH = /\b(je|nous|on) (voudrais|voudrions|voudrait|souhaite|souhaitons|souhaiterait|souhaiterions|aimerais|aimerions|aimerait|veux|voulons|veut|va)\b|\b(je veux|on veut|nous voulons)\b|\b(souhait\w*|voudr\w*|veu[tx]|voul\w*|aimer\w*) (candidater|deposer|postuler|preparer|monter|signer|contractualiser|debuter|commencer|nous engager|s'engager|nous lancer|se lancer)\b|\b(commencer|debuter|demarrer|lancer|ouvrir|remplir|reprendre)( le| la| un| une| mon| notre| ma)? (dossier|candidature|procedure|demarche)\b/;

function asksWhetherAllowed(text: string, raw: string): boolean {
  if (STATES_A_WISH.test(text) || !ASKS_IF_ALLOWED.test(text)) return false;
  // The inverted forms ask by themselves; « on peut … » asks only with its question mark.
  return /\?\s*$/.test(raw.trim()) || /-(t-)?(il|elle|on|ils|elles|je|nous|vous)\b|\best[- ]ce qu/.test(text);
}

/** « je voudrais savoir si on peut faire un CTAI »: a wish to know, which asks; it applies for nothing. */
const WISH_TO_KNOW = /\b(voudrai\w*|souhait\w*|aimerai\w*|veux|voulais|cherche|besoin) (de )?(savoir|comprendre|connaitre|me renseigner|vous demander|demander|des renseignements|des informations|des precisions)\b|\bje me demande(s|ais)?\b/;

const STRONG_CANCEL = /\b(pause|j'arrete|on arrete|arretons|je reviens|je reviendrai|suspend\w*|stop|annul\w*|laisse tomber|je file|je sauvegarde)\b/;
const STRONG_HELP = /\bje (mets?|met|coche|ecris|indique) (quoi|lequel|laquelle)\b|\bqu'est-ce que je (dois )?(mets?|met|coche|ecris|reponds)\b/;
const STRONG_QUESTION = /-(t-)?(il|elle|ils|elles|on)\b|\best-ce\b|\bca veut dire\b|\bca compte\b|\bforcement\b|\bc'est possible\b|^si on\b|\bsuffit\b|\bc'est pareil\b|\ba-t-on\b/;
const YES_NO_PENDING: ReadonlySet<Pending> = new Set(['scheme.housing', 'actions.more', 'budget.otherFunders', 'review.confirm']);
const HELP_ABOUT_OBLIGATION = /\bc'est obligatoire\b|\best-ce obligatoire\b|\best-il obligatoire\b/;

function hasAnyValue(entities: Entities): boolean {
  return ['siren', 'email', 'phone', 'personName', 'amount', 'count', 'diagnostic', 'departement', 'population'].some((key) => entities[key as keyof Entities] !== undefined);
}

/** Whether the message holds a value for the question on screen. */
function answersPending(text: string, pending: Pending, entities: Entities): boolean {
  if (pending !== 'none' && pending !== 'submitted' && hasValueFor(pending, entities)) return !FREE_TEXT_PENDING.has(pending) || freeTextHasWords(pending, entities);
  if (YES_NO_PENDING.has(pending) && entities.yesNo !== undefined) return !/^(est-ce|faut-il|peut-on|doit-on)/.test(text);
  return false;
}

/** Words that say which question or how sure, and numbers: a free-text value made only of them (« 76 en fait ») is no value. */
const NO_VALUE_WORDS = /\b(en fait|plutot|pardon|finalement|c'est|le|la|les|l|de|du|et|pas|non|departement|siren|population|habitants|mail|telephone|numero)\b|\d+/g;

/** Greetings and thanks said alone (« merci », « bonjour ! »): no one's name or role. */
const SMALL_TALK_ONLY = /^(bonjour|bonsoir|salut|coucou|hello|merci|merci bien|ok|okay|d'accord|super|top|cool|parfait|ca va|au revoir|a bientot|bonne journee|bonne soiree)$/;

function freeTextHasWords(pending: Pending, entities: Entities): boolean {
  const keys = valueKeysOf(pending as Target) ?? [];
  return keys.some((key) => {
    const value = entities[key];
    if (typeof value !== 'string') return false;
    const plain = value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    return !SMALL_TALK_ONLY.test(plain.replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ').trim()) && plain.replace(NO_VALUE_WORDS, ' ').replace(/[^a-z]/g, '').length >= 3;
  });
}

/** « c'est quoi le SIREN ? » on the SIREN question asks how to answer it: help, not the FAQ. */
const PENDING_SUBJECT: Partial<Record<Pending, RegExp>> = {
  'collectivity.siren': /\bsiren|siret\b/,
  'collectivity.kind': /\b(epci|type|metropole|interco\w*)\b/,
  'commitments.kinds': /\b(coordination|pilotage|engagement)\b/,
  'scheme.approach': /\b(strategie d'ensemble|actions ciblees)\b/,
  'action.publics': /\b(public)\b/,
};

function isDefinitionOfPending(text: string, pending: Pending): boolean {
  const subject = PENDING_SUBJECT[pending];
  if (!subject) return false;
  return /\b(c'est quoi|quelle difference|la diff\w*|qu'est-ce que)\b/.test(text) && subject.test(text) && /\b(liste|coche|je mets|je met|dans votre|c'est le siret|c'est quoi la diff)\b|c'est quoi (le|la) \w+,? c'est (le|la)/.test(text);
}

/** « (et) le département c'est … », « sa fonction : … »: a question named first, then its value. */
const NAMES_THEN_VALUE = /^(?:(?:et|ah|oh|aussi|au fait|pardon|sinon|puis|alors|euh|par contre)\W+)*(?:le|la|l'|sa|son|ses|leur|notre|mon|ma)\s?[a-z' -]{2,40}?\s(?:c'est|est|sera|:)\s/;

function editOrCorrection(text: string, folded: string, pending: Pending, entities: Entities): Intent | undefined {
  // « c'est quoi un BPI ? » asks; it corrects nothing.
  if (/\b(c'est quoi|qu'est-ce|que signifie|ca veut dire)\b/.test(text)) return undefined;
  const target = entities.target;
  const pendingSection = sectionOf(pending);
  // « enlevez le logement des champs » names what goes, not the new list: never stored as the list, the list's question is opened.
  if (/\b(enlev|retir|supprim|ote[rz]\b|oter\b)\w*/.test(text) && (entities.fields || entities.commitments) && /^(fields|commitments)/.test(target ?? '')) return 'edit';
  const editVerb = EDIT_VERB.test(text);
  // « au fait, les communes… peuvent-elles… ? »: a word of correction among the openers of a question corrects nothing.
  const questionShaped = /\?\s*$/.test(folded) && (QUESTION_START.test(text) || STRONG_QUESTION.test(text));
  const marker = questionShaped ? CORRECTION_MARKER.test(text) : CORRECTION_MARKER.test(folded);
  const valueTarget = target && target.includes('.') ? target : targetOfValues(entities, pending);
  const namedSomethingElse = target !== undefined && target !== pending && !(target === 'fields.selection' && pending === 'action.field');
  // « Quelle section souhaitez-vous modifier ? » — « le téléphone du contact »: naming one question edits that question.
  if (pending === 'review.section' && target && target.includes('.') && !['fields.selection', 'commitments.kinds'].includes(target) && !hasValueFor(target, entities) && !/\?/.test(folded)) return 'edit';
  // Editing: a wish to change a named part, without the new value.
  if (editVerb && target && !hasValueFor(target, entities) && !/\b(je corrige|rectifi\w*)\b/.test(text)) {
    if (pending === 'review.section' && !/\b(modifi|chang|revenir)\w*/.test(text)) return undefined;
    if (target !== pending || /\b(modifi|chang)\w*/.test(text)) return 'edit';
  }
  // « sa fonction c'est directrice… » at the review, « et le département c'est le 76 » in the contact: another
  // question named, then its value, corrects that question (not the one on screen, in its own section).
  if (target && target.includes('.') && namedSomethingElse && hasValueFor(target, entities) && NAMES_THEN_VALUE.test(text) && (pending.startsWith('review.') || sectionOf(target) !== pendingSection)) return 'correct';
  if (!marker && !editVerb) return undefined;
  if (pending === 'none' || pending === 'submitted') return undefined;
  if (pending.startsWith('review.') && editVerb && target) return 'edit';
  const correctionTarget = namedSomethingElse ? target : valueTarget;
  if (!correctionTarget || correctionTarget === pending) return undefined;
  if (sectionOf(correctionTarget) === pendingSection && correctionTarget === pending) return undefined;
  // The value must belong to another question than the one on screen, or that question be named.
  const strong = STRONG_CORRECTION.test(folded) || /«[^»]+»/.test(folded) || /["“][^"”]+["”]/.test(folded);
  if (namedSomethingElse && (hasValueFor(target, entities) || strong || !valueKeysOf(target))) {
    if (hasValueFor(target, entities) || strong) return 'correct';
  }
  if (valueTarget && valueTarget !== pending && !answersPending(text, pending, entities) && (strong || hasValueFor(valueTarget, entities))) return 'correct';
  return undefined;
}

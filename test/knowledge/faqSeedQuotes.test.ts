import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inSeedWords, SEED_SENTENCES, seedSentenceOf } from '../../knowledge/faq/seedQuotes';
import { createFaqService } from '../../knowledge/faq/faqService';

// The seed lives beside the repository (see DESIGN.md): every sentence quoted must be copied from it verbatim.
const SEED_PATH = path.resolve(__dirname, '../../../shared/seed/territoires-integration.txt');

describe('Seed sentences quoted by the FAQ', () => {
  const seed = readFileSync(SEED_PATH, 'utf8');

  test.each(SEED_SENTENCES.map((s) => [s.quote.slice(0, 50), s]))('When the sentence %p is quoted, then it appears verbatim in the seed, and its subject is one of its words', (_label, sentence) => {
    expect(seed).toContain(sentence.quote);
    if (sentence.subject) expect(sentence.quote.startsWith(sentence.subject[0])).toBe(true);
  });

  test('When a sentence of the base rewords a seed sentence, then the seed sentence replaces it, its marker kept', () => {
    const text = "Un CTAI comporte obligatoirement des actions en faveur de l'accès au logement [2].";

    expect(inSeedWords(text)).toBe('Les CTAI comportent obligatoirement des actions en faveur de l’accès au logement [2].');
  });

  test('When the seed sentence points back (« Ces actions »), then it is shown with the subject it stands for', () => {
    expect(seedSentenceOf("Les actions d'un CTAI sont complémentaires du contrat d'intégration républicaine (CIR) et s'inscrivent dans les priorités de la stratégie nationale d'accueil et d'intégration des réfugiés.")).toMatch(/^Les actions des CTAI, complémentaires au contrat d’intégration républicaine/);
  });

  test('When a sentence holds words of its own, or is a glossary entry, then it stays as it is', () => {
    const own = 'Les PTAI sont à destination de toute collectivité, une commune rurale comme une petite intercommunalité, sans seuil de population [1].';
    const entry = 'BPI signifie bénéficiaires de la protection internationale [1].';

    expect(inSeedWords(own)).toBe(own);
    expect(inSeedWords(entry)).toBe(entry);
  });

  test('When the seed sentence would not fit the length left, then the base sentence stays', () => {
    const text = 'Un PTAI peut mobiliser un financement de l’État d’ampleur variable, sans minimum [1].';

    expect(inSeedWords(text, text.length + 20)).toBe(text);
    expect(inSeedWords(text).length).toBeGreaterThan(text.length + 20);
  });

  test('When the option of a choice question opens the sentence, then it stays in front of the quote', () => {
    expect(inSeedWords('Le préfet : les CTAI sont négociés et signés par les préfets avec les métropoles, les communautés urbaines, ainsi qu’avec les départements et les régions volontaires [1].')).toBe(
      'Le préfet : les CTAI sont négociés et signés par les préfets avec les métropoles, les communautés urbaines ainsi qu’avec les départements et les régions volontaires [1].',
    );
  });

  test('When « Que signifie PTAI ? » is asked, then the answer quotes the seed sentence, « plus ponctuellement » included, within 400 characters', async () => {
    const faq = await createFaqService();

    const result = await faq.answer('Que signifie PTAI ?');

    expect(result.answer).toContain('Les projets territoriaux d’accueil et d’intégration (PTAI) sont à destination de toute collectivité désireuse de s’engager plus ponctuellement');
    expect(result.answer.length).toBeLessThanOrEqual(400);
  });
});

describe('Definitions and refusals met in a blind set', () => {
  test.each([
    ['La DGEF, c’est quel organisme au juste ?', 'Direction générale des étrangers en France'],
    ['J’ai vu passer l’abréviation C.T.A.I. dans un courriel du cabinet du préfet, vous pouvez me la développer ?', 'contrat'],
    ['Pour une note au maire, comment présenter en une phrase ce qu’est la Diair (nom complet) ?', 'Délégation interministérielle à l'],
  ])('When %p asks what a name stands for, then the answer spells it out', async (question, spelled) => {
    const faq = await createFaqService();

    const result = await faq.answer(question);

    expect(result.answered).toBe(true);
    expect(result.answer).toContain(spelled);
  });

  test('When a word is typed in capitals to stress it (« laquelle n’était PAS… »), then it is not an unknown acronym that refuses', async () => {
    const faq = await createFaqService();

    const result = await faq.answer('Parmi ces villes, laquelle n’était PAS dans la première vague 2019-2020 : Dijon, Nancy, Tours, Rennes ?');

    expect(result.answered).toBe(true);
    expect(result.answer).toContain('Tours');
  });

  test('When « le montant d’un PTAI est-il fixe ? » is asked, then the variable amount answers it instead of a refusal', async () => {
    const faq = await createFaqService();

    const result = await faq.answer('Le montant du financement d’un PTAI est-il fixe ?');

    expect(result.answered).toBe(true);
    expect(result.answer).toContain('ampleur variable');
  });
});

// One understanding step per turn: the message and the question on screen → an intent and its entities.
import { extractEntities, leadingYesNo, plainOf } from './entities';
import { classifyIntent, targetOfValues, valueKeysOf } from './intents';
import { fold, stripOpeners, withoutOpeners } from './text';
import type { Entities, Intent, Pending, Understanding } from './types';

/** Entities that only make sense for some intents (a skip is an answer; a target, a correction or an edit). */
function keepFor(intent: Intent, entities: Entities, pending: Pending, text: string): Entities {
  const kept: Entities = { ...entities };
  if (intent !== 'answer') {
    delete kept.skip;
    // Outside an answer, only a « oui » or a « non » said first is a yes or a no.
    const leading = kept.yesNo === undefined ? undefined : leadingYesNo(text);
    if (leading === undefined) delete kept.yesNo;
    else kept.yesNo = leading;
  }
  if (intent === 'correct') {
    delete kept.section;
    if (!kept.target || kept.target === pending || !kept.target.includes('.')) {
      const byValue = targetOfValues(kept, pending);
      if (byValue) kept.target = byValue;
    }
    // A correction carries the new value of its target, nothing else.
    const keys = valueKeysOf(kept.target);
    if (keys) for (const key of Object.keys(kept) as Array<keyof Entities>) if (!keys.includes(key) && key !== 'target' && key !== 'actionIndex') delete kept[key];
  } else if (intent === 'edit') {
    // Editing « les champs » or « les engagements » opens the section, which is that one question.
    if (kept.target === 'fields.selection') kept.target = 'fields';
    if (kept.target === 'commitments.kinds') kept.target = 'commitments';
    if (kept.target && kept.target.includes('.')) delete kept.section;
  } else {
    delete kept.target;
    if (!(intent === 'answer' && pending === 'review.section') && intent !== 'progress' && intent !== 'summary') delete kept.section;
  }
  return kept;
}

export function understand(text: string, pending: Pending = 'none'): Understanding {
  const raw = (text ?? '').slice(0, 4000);
  const folded = fold(raw);
  const core = stripOpeners(folded);
  const entities = extractEntities(raw, pending);
  const intent = classifyIntent({ folded, core, raw, pending, entities });
  // Only an answer is read whole as the value asked for; anything else keeps only what it names.
  const read = intent === 'answer' ? entities : extractEntities(raw, pending, { wholeAnswer: false });
  return { intent, entities: keepFor(intent, read, pending, raw), core: withoutOpeners(raw, plainOf(raw)) };
}


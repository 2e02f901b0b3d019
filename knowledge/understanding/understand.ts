// One understanding step per turn: the message and the question on screen → an intent and its entities.
import { extractEntities } from './entities';
import { classifyIntent, targetOfValues } from './intents';
import { fold, stripOpeners } from './text';
import type { Entities, Intent, Pending, Understanding } from './types';

/** Entities that only make sense for some intents (a skip is an answer; a target, a correction or an edit). */
function keepFor(intent: Intent, entities: Entities, pending: Pending): Entities {
  const kept: Entities = { ...entities };
  if (intent !== 'answer') delete kept.skip;
  if (intent !== 'answer' && intent !== 'reply_prefecture') delete kept.yesNo;
  if (intent === 'correct') {
    delete kept.section;
    if (!kept.target || kept.target === pending || !kept.target.includes('.')) {
      const byValue = targetOfValues(kept, pending);
      if (byValue) kept.target = byValue;
    }
  } else if (intent !== 'edit') {
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
  return { intent, entities: keepFor(intent, entities, pending) };
}

export type { Entities, Intent, Pending, Understanding } from './types';
export { QUESTION_IDS, INTENTS } from './types';

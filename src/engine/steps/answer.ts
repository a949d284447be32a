/**
 * `answer`: the resident types a short answer, checked against accepted answers in any language:
 * the answer alone, or inside a sentence ("it has 6 digits"), unless the sentence turns it around
 * ("not 6"). "Skip" or "don't know" typed is the Skip button.
 */
import type { z } from 'zod';
import type { AnswerStep } from '../../flows/schema.js';
import { isAside } from '../asides.js';
import { FORWARDED_LENGTH } from '../check.js';
import { lessonKey } from '../flowset.js';
import { saidInside, saysWord } from '../match.js';
import type { Texts } from '../types.js';
import { normalizeAnswer } from '../normalize.js';
import { payload } from '../payloads.js';
import type { StepBehaviour } from './behaviour.js';

type Answer = z.infer<typeof AnswerStep>;

const QUESTION_TAG = / (?:phai|dung|co phai|duoc) khong$/;

/** A pasted message (long: a link may be an answer here, "which address is real?") or something said aside. */
function notAnAnswer(texts: Texts, text: string): boolean {
  return text.length >= FORWARDED_LENGTH || isAside(texts, text);
}

export const answer: StepBehaviour<Answer> = {
  kind: 'answer',
  hintKey: 'hint.answer',
  show(step, turn) {
    return {
      text: turn.text(step.text),
      ...(step.image ? { image: step.image } : {}),
      choices: [{ payload: payload.skip(step.id), label: turn.t('buttons.skip') }],
    };
  },
  answer(step, input, turn, compiled) {
    const p = turn.state.current!;
    if (input.type === 'payload' ? input.payload.type === 'skip' : saysWord(turn.env.texts, 'words.skip', input.text)) {
      turn.score(lessonKey(compiled.flow.id, step.id), false);
      turn.emit({ type: 'answer_checked', flowId: compiled.flow.id, stepId: step.id, correct: false });
      return { type: 'advance', replies: [] };
    }
    if (input.type === 'payload') return { type: 'unplaced' };
    // "Có 6 số phải không": the answer asked as a question; the tag is no "không" that turns it around.
    const typed = normalizeAnswer(input.text).replace(QUESTION_TAG, '');
    if (!typed) return { type: 'unplaced' };
    const accepted = [...(step.accept.vi ?? []), ...(step.accept.en ?? [])].map(normalizeAnswer);
    if (!accepted.includes(typed) && !accepted.some((a) => saidInside(typed, a))) {
      // Not an answer at all ("không hiểu", "cảm ơn", a pasted message): step.ts says what fits, no try spent.
      if (notAnAnswer(turn.env.texts, input.text)) return { type: 'unplaced' };
      p.tries += 1;
      return {
        type: 'stay',
        replies: [{ text: turn.text(step.retry), choices: [{ payload: payload.skip(step.id), label: turn.t('buttons.skip') }] }],
      };
    }
    const firstTry = p.tries === 0;
    turn.score(lessonKey(compiled.flow.id, step.id), firstTry);
    turn.emit({ type: 'answer_checked', flowId: compiled.flow.id, stepId: step.id, correct: firstTry });
    if (step.save) p.vars[step.save] = input.text.trim().slice(0, 200);
    return { type: 'advance', replies: [{ text: step.correct ? turn.text(step.correct) : turn.t('answer.right') }] };
  },
};

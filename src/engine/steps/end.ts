/** `end`: the recap, the score in words, and what to learn next. */
import type { z } from 'zod';
import type { EndStep } from '../../flows/schema.js';
import { payload } from '../payloads.js';
import { endExtras } from '../referral.js';
import { missedForReview } from '../review.js';
import { localize } from '../text.js';
import type { Choice } from '../types.js';
import type { StepBehaviour } from './behaviour.js';

type End = z.infer<typeof EndStep>;

export const end: StepBehaviour<End> = {
  kind: 'end',
  hintKey: 'hint.menu',
  show(step, turn) {
    const p = turn.state.current;
    const parts = [turn.text(step.text)];
    // Right the first time counts; the rest is said as how to try again («học lại»), not as a bare "0 of 2".
    if (p && p.total > 0) parts.push(turn.t(p.right === p.total ? 'end.score_all' : 'end.score_some', { right: p.right, total: p.total }));
    // The promise only where it is kept: a question of this lesson was missed and there is a review to bring it back in.
    if (p && turn.flows.practiceFlowId && missedForReview(turn.state, turn.flows, p.flowId, p.startedAt)) parts.push(turn.t('end.review_later'));
    const choices: Choice[] = [];
    const titles: string[] = [];
    for (const id of step.suggest) {
      const next = turn.flows.byId.get(id);
      if (!next) continue;
      const title = localize(next.flow.title, turn.locale);
      titles.push(`• ${title}`);
      choices.push({ payload: payload.lesson(id), label: title });
    }
    if (titles.length) parts.push(`${turn.t('end.suggest')}\n${titles.join('\n')}`);
    const extras = endExtras(turn, turn.state.current?.flowId ?? '');
    parts.push(...extras.lines);
    if (extras.first && !choices.some((c) => c.payload === extras.first!.payload)) choices.unshift(extras.first);
    choices.push({ payload: payload.command('menu'), label: turn.t('buttons.menu') });
    return { text: parts.join('\n\n'), ...(step.image ? { image: step.image } : {}), choices, ...(extras.link ? { link: extras.link } : {}) };
  },
  // An end step is never waited on: the lesson is complete as soon as it is shown.
  answer: () => ({ type: 'unplaced' }),
};

// A question asked in the page before a step that is hard to undo on a weak signal (signing out,
// revoking a link): under the button tapped, "No" (the one that stands out) and "Yes". Not
// window.confirm, which some in-app browsers (Zalo's, Facebook's) block, answering "no" without
// showing anything: signing out or revoking could not be done at all there.

import { el } from './dom.js';
import { say } from './session.js';

/** The open question under each button. */
const questions = new Map();
/** Numbers the questions' texts, by which each question is named for screen readers. */
let asked = 0;

/**
 * Ask under `button`; `onYes` runs on "Yes". `words`: `say`'s words (a key of the page's strings,
 * or a function giving the text) for the question and the two answers, said again after a language
 * switch. Test ids follow the button's: `<id>-ask`, `<id>-stay`, `<id>-yes`.
 */
export function askFirst(button, { ask, stay, yes, onYes }) {
  let box = questions.get(button);
  if (box) box.remove();
  const testid = button.dataset.testid;
  const text = el('p', { id: `ask-${++asked}` });
  const no = el('button', { type: 'button', class: 'primary', 'data-testid': `${testid}-stay`, onclick: () => answerNo(button) });
  const go = el('button', { type: 'button', class: 'secondary danger', 'data-testid': `${testid}-yes`, onclick: () => {
    closeQuestion(button);
    onYes();
  } });
  box = el('div', { class: 'ask', role: 'group', 'aria-labelledby': text.id, 'data-testid': `${testid}-ask`, onkeydown: (e) => e.key === 'Escape' && answerNo(button) },
    text, el('div', { class: 'ask-actions' }, no, go));
  say(text, ask);
  say(no, stay);
  say(go, yes);
  button.after(box);
  button.setAttribute('aria-expanded', 'true');
  questions.set(button, box);
  box.scrollIntoView({ block: 'nearest' });
  no.focus({ preventScroll: true });
}

/** "No": the question goes, and focus goes back to the button that asked it. */
function answerNo(button) {
  closeQuestion(button);
  button.focus();
}

function closeQuestion(button) {
  questions.get(button)?.remove();
  questions.delete(button);
  if (button.isConnected) button.setAttribute('aria-expanded', 'false');
}

/** Every open question goes (the panel it was on is left, or the person signed out). */
export function closeQuestions() {
  for (const button of [...questions.keys()]) closeQuestion(button);
}

/**
 * Button payloads. Short, because Zalo sends a tapped button back as plain text, and
 * self-describing, so a tap on an old message can be recognised as old.
 */
import { ADDRESS_FORMS, type AddressForm } from './address.js';
import { COMMANDS, type Command } from './match.js';

export type Payload =
  | { type: 'option'; stepId: string; index: number }
  | { type: 'next'; stepId: string }
  | { type: 'skip'; stepId: string }
  | { type: 'lesson'; flowId: string }
  | { type: 'command'; command: Command }
  | { type: 'language'; locale: 'vi' | 'en' }
  /** Address me so (xưng hô): one of the six forms. */
  | { type: 'address'; form: AddressForm }
  | { type: 'delete'; confirm: boolean }
  /** Practise the quiz-bank items of one scam type (from an alert or a coach's link). */
  | { type: 'practice'; scamType: string }
  /** May coaches see my progress? */
  | { type: 'consent'; follow: boolean }
  /** Start this lesson after the current one. */
  | { type: 'queue'; flowId: string }
  /** My commune is this one (an index into the deployment's list, offered a moment ago). */
  | { type: 'area'; index: number }
  | { type: 'alerts'; on: boolean }
  /** Yes, check the message I just sent. */
  | { type: 'check'; yes: boolean }
  /** Report the message just checked to officials: ask for consent, or the answer. */
  | { type: 'report'; answer: 'ask' | 'yes' | 'no' };

export const payload = {
  option: (stepId: string, index: number) => `o:${stepId}:${index}`,
  next: (stepId: string) => `n:${stepId}`,
  skip: (stepId: string) => `k:${stepId}`,
  lesson: (flowId: string) => `l:${flowId}`,
  command: (command: Command) => `c:${command}`,
  language: (locale: 'vi' | 'en') => `c:lang:${locale}`,
  address: (form: AddressForm) => `c:addr:${form}`,
  delete: (confirm: boolean) => `c:delete:${confirm ? 'yes' : 'no'}`,
  practice: (scamType: string) => `t:${scamType}`,
  consent: (follow: boolean) => `c:follow:${follow ? 'yes' : 'no'}`,
  queue: (flowId: string) => `q:${flowId}`,
  area: (index: number) => `a:${index}`,
  alerts: (on: boolean) => `c:alerts:${on ? 'on' : 'off'}`,
  check: (yes: boolean) => `c:check:${yes ? 'yes' : 'no'}`,
  report: (answer: 'ask' | 'yes' | 'no') => (answer === 'ask' ? 'c:report' : `c:report:${answer}`),
};

const COMMAND_NAMES: ReadonlySet<string> = new Set(COMMANDS);

/** Parse a payload; `undefined` for anything we did not make (it is then treated as text). */
export function parsePayload(raw: string): Payload | undefined {
  const [kind, a, b, extra] = raw.split(':');
  if (extra !== undefined || !a) return undefined;
  switch (kind) {
    case 'o': {
      const index = Number(b);
      return Number.isInteger(index) && index >= 0 ? { type: 'option', stepId: a, index } : undefined;
    }
    case 'n':
      return b === undefined ? { type: 'next', stepId: a } : undefined;
    case 'k':
      return b === undefined ? { type: 'skip', stepId: a } : undefined;
    case 'l':
      return b === undefined ? { type: 'lesson', flowId: a } : undefined;
    case 'a': {
      const index = Number(a);
      return b === undefined && Number.isInteger(index) && index >= 0 ? { type: 'area', index } : undefined;
    }
    case 'q':
      return b === undefined ? { type: 'queue', flowId: a } : undefined;
    case 't':
      return b === undefined && /^[a-z]+$/.test(a) ? { type: 'practice', scamType: a } : undefined;
    case 'c':
      if (a === 'lang' && (b === 'vi' || b === 'en')) return { type: 'language', locale: b };
      if (a === 'addr') {
        const form = ADDRESS_FORMS.find((f) => f === b);
        return form ? { type: 'address', form } : undefined;
      }
      if (a === 'delete' && (b === 'yes' || b === 'no')) return { type: 'delete', confirm: b === 'yes' };
      if (a === 'follow' && (b === 'yes' || b === 'no')) return { type: 'consent', follow: b === 'yes' };
      if (a === 'alerts' && (b === 'on' || b === 'off')) return { type: 'alerts', on: b === 'on' };
      if (a === 'check' && (b === 'yes' || b === 'no')) return { type: 'check', yes: b === 'yes' };
      if (a === 'report' && (b === undefined || b === 'yes' || b === 'no')) return { type: 'report', answer: b ?? 'ask' };
      if (b === undefined && COMMAND_NAMES.has(a)) return { type: 'command', command: a as Command };
      return undefined;
    default:
      return undefined;
  }
}

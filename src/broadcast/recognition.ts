/**
 * How well an area's residents recognise each scam type: of their quiz answers on questions of that
 * type (quiz-bank items and lesson quiz steps), the share answered right. Read from the residents'
 * own quiz histories (`ResidentState.quiz`), found through the area's audience set, so it touches
 * only that area: every resident up to RECOGNITION_EXACT_MAX, above that a uniform random sample of
 * RECOGNITION_SAMPLE residents (the answer says so, with an approximate 95 % margin per type).
 * Genuine look-alikes count towards the type they resemble: telling them apart is recognising it.
 */
import type { FlowSet } from '../engine/flowset.js';
import { BANK_SCAM_TYPES, type BankScamType } from '../flows/schema.js';
import type { AreaRef } from '../accounts/schema.js';
import type { Keys } from '../store/keys.js';
import { perItem, type ScriptedRedis } from '../store/redis.js';
import { areaPath } from './contract.js';

export const RECOGNITION_EXACT_MAX = 20_000;
export const RECOGNITION_SAMPLE = 5_000;
const CHUNK = 500;

export interface ScamTypeRecognition {
  scamType: BankScamType;
  /** Residents who answered at least one question of this type. */
  residents: number;
  answers: number;
  right: number;
  /** right / answers; null without answers. */
  share: number | null;
  /** ± on `share` at 95 % when sampled (residents taken as the unit), else 0. */
  margin: number;
}

export interface Recognition {
  areaResidents: number;
  exact: boolean;
  sampleSize: number;
  byScamType: ScamTypeRecognition[];
}

/** Which scam type each quiz history key trains: `bank/<item>` and `<lesson>/<quiz step>`. */
export function scamTypeIndex(flows: FlowSet): (key: string) => string | undefined {
  const lessonSteps = new Map<string, string>();
  for (const { flow } of flows.list) {
    for (const step of flow.steps) if (step.kind === 'quiz') lessonSteps.set(`${flow.id}/${step.id}`, step.scamType);
  }
  return (key) => (key.startsWith('bank/') ? flows.bank.get(key.slice(5))?.scamType : lessonSteps.get(key));
}

export async function recognition(deps: { redis: ScriptedRedis; keys: Keys; flows: FlowSet }, area: AreaRef): Promise<Recognition> {
  const { redis, keys } = deps;
  const setKey = keys.audienceArea(areaPath(area));
  const areaResidents = await redis.scard(setKey);
  const exact = areaResidents <= RECOGNITION_EXACT_MAX;
  let ids: string[];
  if (exact) {
    ids = [];
    let cursor = '0';
    const seen = new Set<string>();
    do {
      const [next, members] = await redis.sscan(setKey, cursor, 'COUNT', 1000);
      cursor = next;
      for (const m of members) if (!seen.has(m)) (seen.add(m), ids.push(m));
    } while (cursor !== '0');
  } else {
    ids = await redis.srandmember(setKey, RECOGNITION_SAMPLE);
  }
  const typeOf = scamTypeIndex(deps.flows);
  const tally = new Map<string, { residents: number; answers: number; right: number }>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    // One HGET per resident: each resident's state is in a Redis Cluster slot of its own.
    for (const doc of await perItem(redis, ids.slice(i, i + CHUNK), (p, id) => p.hget(keys.resident(id).state, 'doc'))) {
      if (typeof doc !== 'string') continue;
      const quiz = quizOf(doc);
      const mine = new Map<string, { answers: number; right: number }>();
      for (const [key, h] of Object.entries(quiz)) {
        const type = typeOf(key);
        if (!type || type === 'legit') continue;
        const t = mine.get(type) ?? { answers: 0, right: 0 };
        t.answers += h.right + h.wrong;
        t.right += h.right;
        mine.set(type, t);
      }
      for (const [type, t] of mine) {
        const all = tally.get(type) ?? { residents: 0, answers: 0, right: 0 };
        all.residents++;
        all.answers += t.answers;
        all.right += t.right;
        tally.set(type, all);
      }
    }
  }
  const byScamType = BANK_SCAM_TYPES.map((scamType): ScamTypeRecognition => {
    const t = tally.get(scamType) ?? { residents: 0, answers: 0, right: 0 };
    const share = t.answers ? t.right / t.answers : null;
    const margin = exact || share === null ? 0 : 1.96 * Math.sqrt((share * (1 - share)) / Math.max(1, t.residents));
    return { scamType, residents: t.residents, answers: t.answers, right: t.right, share, margin: Math.round(margin * 1000) / 1000 };
  });
  return { areaResidents, exact, sampleSize: ids.length, byScamType };
}

/** The quiz histories of a stored state document, without validating the rest of it. */
function quizOf(doc: string): Record<string, { right: number; wrong: number }> {
  try {
    const quiz = (JSON.parse(doc) as { quiz?: unknown }).quiz;
    if (!quiz || typeof quiz !== 'object') return {};
    const out: Record<string, { right: number; wrong: number }> = {};
    for (const [k, v] of Object.entries(quiz as Record<string, { right?: unknown; wrong?: unknown }>)) {
      const right = Number(v?.right ?? 0);
      const wrong = Number(v?.wrong ?? 0);
      if (Number.isFinite(right) && Number.isFinite(wrong)) out[k] = { right: Math.max(0, right), wrong: Math.max(0, wrong) };
    }
    return out;
  } catch {
    return {};
  }
}

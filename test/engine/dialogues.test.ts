/**
 * Dialogue tests as data: each file in test/engine/cases/ is a conversation (inputs and what
 * must come back). A new behaviour usually needs only a new case file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadAreas } from '../../src/accounts/areas.js';
import { AddressForm } from '../../src/engine/address.js';
import { STEP_BEHAVIOURS } from '../../src/engine/steps/registry.js';
import { fixtureFlows, Resident } from './harness.js';

const CASES_DIR = join(import.meta.dirname, 'cases');

const Alert = z.object({ from: z.string(), text: z.object({ vi: z.string(), en: z.string().optional() }), scamType: z.string().optional(), lessonId: z.string().optional() });

const Turn = z
  .object({
    send: z.string().optional(),
    tap: z.string().optional(),
    start: z.boolean().optional(),
    /** An official's alert as the shell hands it over (`content` absent: cancelled). */
    alert: z.object({ alertId: z.string(), content: Alert.optional() }).strict().optional(),
    /** A review follow-up. */
    reminder: z.boolean().optional(),
    /** A lesson link as the shell hands it over after looking the code up. */
    referral: z
      .object({
        code: z.string(),
        link: z
          .object({ lessonId: z.string(), senderName: z.string().optional(), coachId: z.string().optional(), depth: z.number(), address: AddressForm.optional() })
          .strict()
          .optional(),
        invalid: z.enum(['unknown', 'expired', 'revoked']).optional(),
      })
      .strict()
      .optional(),
    /** Milliseconds since the previous turn (default one minute). */
    after: z.number().optional(),
    /** Each string must appear in the replies, in this order. */
    says: z.array(z.string()).default([]),
    /** Strings that must not appear. */
    notSays: z.array(z.string()).default([]),
    /** Exact labels of the last reply's buttons. */
    choices: z.array(z.string()).optional(),
    image: z.string().optional(),
    /** The link the last reply carries. */
    link: z.object({ url: z.string(), label: z.string() }).optional(),
    /** Event types, in order, exactly. */
    events: z.array(z.string()).optional(),
    /** A subset of the state afterwards (`null` = deleted). */
    state: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .strict();

/** A commune as the app lists it; its province's name, when not given, is the last part of its place. */
const Commune = z
  .object({
    ref: z.object({ province: z.string(), district: z.string().optional(), commune: z.string() }),
    name: z.string(),
    place: z.string(),
    province: z.object({ name: z.string(), aliases: z.array(z.string()).optional() }).optional(),
  })
  .strict()
  .transform((c) => ({ ...c, province: c.province ?? { name: c.place.split(', ').at(-1)! } }));
const Case = z
  .object({
    name: z.string(),
    flows: z.array(z.string()),
    /** The deployment's communes (the area question is asked only when there are some). */
    areas: z.array(Commune).optional(),
    /** Or the communes of an area list file, as the app reads it (AREAS_FILE), e.g. data/areas.sample.json. */
    areasFile: z.string().optional(),
    turns: z.array(Turn).min(1),
  })
  .strict();

const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const kindsSeen = new Set<string>();

describe('dialogue cases', () => {
  for (const file of files) {
    const c = Case.parse(parse(readFileSync(join(CASES_DIR, file), 'utf8')));
    it(`${file}: ${c.name}`, () => {
      const flows = fixtureFlows(...c.flows);
      const areas = c.areasFile ? loadAreas(c.areasFile).communes() : c.areas;
      const r = new Resident(flows, areas ? { areas } : {});
      c.turns.forEach((t, n) => {
        const where = `${file} turn ${n + 1}`;
        if (t.alert) r.send({ type: 'alert', ...t.alert }, t.after);
        else if (t.reminder) r.send({ type: 'reminder' }, t.after);
        else if (t.referral) r.send({ type: 'referral', ...t.referral }, t.after);
        else if (t.tap) r.tap(t.tap);
        else if (t.start) r.send({ type: 'start' }, t.after);
        else r.send(t.send ?? '', t.after);
        let from = 0;
        for (const s of t.says) {
          const at = r.said.indexOf(s, from);
          expect(at, `${where}: expected "${s}" in:\n${r.said}`).toBeGreaterThanOrEqual(0);
          from = at + s.length;
        }
        for (const s of t.notSays) expect(r.said, where).not.toContain(s);
        if (t.choices) expect(r.choices, where).toEqual(t.choices);
        if (t.link) expect(r.last.replies.at(-1)?.link, where).toEqual(t.link);
        if (t.image) expect(r.last.replies.some((x) => x.image === t.image), where).toBe(true);
        if (t.events) expect(r.last.events.map((e) => e.type), where).toEqual(t.events);
        if (t.state === null) expect(r.state, where).toBeNull();
        else if (t.state) expect(r.state, where).toMatchObject(t.state);
        for (const e of r.last.events) {
          if (e.type !== 'step_shown') continue;
          const s = flows.byId.get(e.flowId)?.steps.find((x) => x.id === e.stepId);
          if (s) kindsSeen.add(s.kind);
        }
      });
    });
  }

  it('every step kind in the registry is exercised by some case', () => {
    expect([...kindsSeen].sort()).toEqual(Object.keys(STEP_BEHAVIOURS).sort());
  });
});

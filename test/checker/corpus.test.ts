/**
 * The checker against the labelled corpus (test/checker/corpus.yaml), with floors on both classes so
 * that neither "everything is a scam" nor "nothing is" can pass. `npm run bench:check` prints the detail.
 */
import { describe, expect, it } from 'vitest';
import { BANK_SCAM_TYPES } from '../../src/flows/schema.js';
import { expectationMisses, FLOORS, LANGS, loadCorpus, meetsFloors, runCorpus, score } from './corpus.js';
import { rules } from './shipped-rules.js';

const corpus = loadCorpus();

describe('the corpus', () => {
  it('has at least 100 messages with unique ids', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    expect(new Set(corpus.map((m) => m.id)).size).toBe(corpus.length);
  });

  it('has scams of every type in the content brief, and genuine look-alikes', () => {
    for (const type of BANK_SCAM_TYPES) expect(corpus.filter((m) => m.type === type && m.label === 'scam').length, type).toBeGreaterThanOrEqual(4);
    expect(corpus.filter((m) => m.label === 'legit').length).toBeGreaterThanOrEqual(40);
  });

  it('has both labels in every language', () => {
    for (const lang of LANGS) {
      expect(corpus.filter((m) => m.lang === lang && m.label === 'scam').length, lang).toBeGreaterThanOrEqual(10);
      expect(corpus.filter((m) => m.lang === lang && m.label === 'legit').length, lang).toBeGreaterThanOrEqual(10);
    }
  });

  it('marks messages written without diacritics truthfully', () => {
    for (const m of corpus) {
      const hasMarks = /[\u0300-\u036fđĐ]/.test(m.text.normalize('NFD'));
      if (m.lang === 'vi-nodiacritics') expect(hasMarks, m.id).toBe(false);
      if (m.lang === 'vi') expect(hasMarks, m.id).toBe(true);
    }
  });
});

describe('floors', () => {
  const results = runCorpus(rules, corpus);
  const all = score(results);

  it(`catches ≥ ${FLOORS.recall * 100}% of scams, with ≥ ${FLOORS.precision * 100}% precision`, () => {
    expect(all.recall).toBeGreaterThanOrEqual(FLOORS.recall);
    expect(all.precision).toBeGreaterThanOrEqual(FLOORS.precision);
  });

  it(`flags ≤ ${FLOORS.maxFalsePositiveRate * 100}% of genuine messages`, () => {
    expect(all.falsePositiveRate).toBeLessThanOrEqual(FLOORS.maxFalsePositiveRate);
  });

  it('holds in every language', () => {
    for (const lang of LANGS) expect(meetsFloors(score(results.filter((r) => r.lang === lang))), lang).toBe(true);
  });

  it('would fail for a checker that calls everything a scam, or nothing', () => {
    const everything = score(corpus.map((m) => ({ label: m.label, flagged: true })));
    const nothing = score(corpus.map((m) => ({ label: m.label, flagged: false })));
    expect(everything.falsePositiveRate).toBeGreaterThan(FLOORS.maxFalsePositiveRate);
    expect(everything.precision).toBeLessThan(FLOORS.precision);
    expect(nothing.recall).toBeLessThan(FLOORS.recall);
    expect(meetsFloors(everything)).toBe(false);
    expect(meetsFloors(nothing)).toBe(false);
    expect(meetsFloors(all)).toBe(true);
  });

  it('gives the messages with an expected answer that risk, that scam type, and none of the signs they must not show', () => {
    const signIds = new Set([...rules.patterns.map((p) => p.id), 'link.alone', 'legit.official-link']);
    for (const r of results.filter((x) => x.expect)) {
      for (const id of r.expect!.without ?? []) expect(signIds.has(id) || id.startsWith('link.'), `${r.id}: no sign ${id}`).toBe(true);
    }
    const misses = results.flatMap((r) => expectationMisses(r).map((m) => `${r.id}: ${m}`));
    expect(misses).toEqual([]);
    expect(results.filter((r) => r.expect).length).toBeGreaterThanOrEqual(40);
  });

  it('would fail for a checker that flags any message with a link or a number', () => {
    const naive = score(corpus.map((m) => ({ label: m.label, flagged: /\.[a-z]{2,}\b|\d{6,}/i.test(m.text) })));
    expect(meetsFloors(naive)).toBe(false);
  });
});

/** The engine stays pure: nothing under src/engine/ may import I/O, a web framework or a channel. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FORBIDDEN = /from '(node:|ioredis|express|botbuilder|i18next|\.\.\/(store|channels|conversation|http)\/)/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('engine purity', () => {
  it('imports no I/O', () => {
    const offenders = files('src/engine').filter((f) => FORBIDDEN.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

/** The area list: both shapes (communes under the province, or under districts), checks, names, and load errors naming the file and JSON path. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AreasError, DEFAULT_AREAS_FILE, loadAreas, parseAreas } from '../../src/accounts/areas.js';
import { testRedis } from '../helpers/redis.js';
import { startTestServer } from '../helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'hocso-areas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function loadError(file: string): AreasError {
  try {
    loadAreas(file);
  } catch (err) {
    if (err instanceof AreasError) return err;
    throw err;
  }
  throw new Error(`${file} loaded without error`);
}

const sample = loadAreas();

describe('the shipped sample', () => {
  it('is the default, says it is sample data, and has both shapes', () => {
    expect(sample.file).toBe(DEFAULT_AREAS_FILE);
    expect(sample.data.note).toMatch(/sample/i);
    expect(sample.data.provinces.length).toBeGreaterThanOrEqual(2);
    expect(sample.data.provinces.length).toBeLessThanOrEqual(3);
    expect(sample.data.provinces.some((p) => p.communes && !p.districts)).toBe(true);
    expect(sample.data.provinces.some((p) => p.districts)).toBe(true);
  });
});

describe('describeArea', () => {
  it.each([
    [{ province: '01', commune: '00004' }, 'Phường Ba Đình, Thành phố Hà Nội'],
    [{ province: '02', district: '026', commune: '00715' }, 'Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang'],
    [{ province: '02', district: '027' }, 'Huyện Mèo Vạc, Tỉnh Hà Giang'],
    [{ province: '15' }, 'Tỉnh Lào Cai'],
    // An account made with an older list still shows something.
    [{ province: '01', commune: '99999' }, 'commune 99999, Thành phố Hà Nội'],
    [{ province: '77' }, 'province 77'],
  ])('%j → %s', (ref, name) => {
    expect(sample.describeArea(ref)).toBe(name);
  });
});

describe('check', () => {
  it('accepts areas in the list at each depth', () => {
    for (const ref of [{ province: '01' }, { province: '01', commune: '00008' }, { province: '02', district: '026' }, { province: '02', district: '026', commune: '00721' }]) {
      expect(sample.check(ref), JSON.stringify(ref)).toEqual({ ok: true });
    }
  });

  it.each([
    [{ province: '99' }, 'province', 'no province has code 99 in data/areas.sample.json'],
    [{ province: '01', commune: '99999' }, 'commune', 'Thành phố Hà Nội (01) has no commune 99999 in data/areas.sample.json'],
    [{ province: '01', district: '026' }, 'district', 'Thành phố Hà Nội (01) has no district 026 in data/areas.sample.json'],
    [{ province: '02', district: '027', commune: '00715' }, 'commune', 'Huyện Mèo Vạc (027) has no commune 00715 in data/areas.sample.json'],
    [{ province: '02', commune: '00715' }, 'commune', 'Tỉnh Hà Giang (02) has no commune 00715 in data/areas.sample.json; it is in Huyện Đồng Văn (026): give 02/026/00715'],
  ])('%j → %s: %s', (ref, field, message) => {
    expect(sample.check(ref)).toEqual({ ok: false, field, message });
  });
});

describe('parse (as admins type areas)', () => {
  it.each([
    ['01', { province: '01' }],
    ['01/00004', { province: '01', commune: '00004' }],
    ['02/026', { province: '02', district: '026' }],
    ['02/026/00715', { province: '02', district: '026', commune: '00715' }],
    [' 15/02833 ', { province: '15', commune: '02833' }],
  ])('%s', (text, ref) => {
    expect(sample.parse(text)).toEqual({ ok: true, ref });
  });

  it.each(['', 'Hà Nội', '01/00004/1/2', '1/00004', '01//00004'])('refuses %j', (text) => {
    const parsed = sample.parse(text);
    expect(parsed.ok).toBe(false);
  });
});

describe('loading errors name the file and the JSON path', () => {
  it('a missing file', () => {
    const err = loadError(join(dir, 'nope.json'));
    expect(err.message).toBe(`${join(dir, 'nope.json')}: cannot read the area list (ENOENT); set AREAS_FILE to the deployment's list of provinces and communes (see data/areas.sample.json)`);
  });

  it('not JSON', () => {
    const file = write('broken.json', '{ "provinces": [ ');
    expect(loadError(file).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON: `));
  });

  it('a bad code deep inside', () => {
    const file = write('bad-code.json', {
      provinces: [
        { code: '01', name: 'A', communes: [{ code: '00004', name: 'B' }] },
        { code: '02', name: 'C', districts: [{ code: '026', name: 'D', communes: [{ code: '00715', name: 'E' }, { code: 'x1', name: 'F' }] }] },
      ],
    });
    expect(loadError(file).message).toBe(`${file}: provinces[1].districts[0].communes[1].code: an administrative code of 2–5 digits, as in the area list`);
  });

  it('one line per problem: a missing name, an unknown field, a province with neither communes nor districts', () => {
    const file = write('several.json', {
      provinces: [{ code: '01', communes: [{ code: '00004', name: 'B', people: 3 }] }, { code: '02', name: 'C' }],
    });
    const lines = loadError(file).message.split('\n');
    expect(lines).toEqual([
      `${file}: provinces[0].name: Invalid input: expected string, received undefined`,
      `${file}: provinces[0].communes[0]: Unrecognized key: "people"`,
      `${file}: provinces[1]: a province needs "communes" (since the 2025 reform) or "districts", each with its "communes"`,
    ]);
  });

  it('codes listed twice', () => {
    const file = write('twice.json', {
      provinces: [
        { code: '01', name: 'A', communes: [{ code: '00004', name: 'B' }, { code: '00004', name: 'B2' }] },
        { code: '01', name: 'A2', communes: [{ code: '00008', name: 'C' }] },
      ],
    });
    expect(loadError(file).message.split('\n')).toEqual([
      `${file}: provinces[0].communes[1].code: commune code 00004 is listed twice`,
      `${file}: provinces[1].code: province code 01 is listed twice`,
    ]);
  });

  it('an empty list', () => {
    expect(() => parseAreas({ provinces: [] }, 'areas.json')).toThrow('areas.json: provinces: Too small: expected array to have >=1 items');
    expect(() => parseAreas([], 'areas.json')).toThrow('areas.json: (top level): Invalid input: expected object, received array');
  });

  it('the server refuses to start with a broken list, naming the file', async () => {
    const file = write('server.json', { provinces: [{ code: '01', name: 'A', communes: [{ code: '4', name: 'B' }] }] });
    const redis = await testRedis();
    try {
      await expect(startTestServer({ redis, env: { AREAS_FILE: file } })).rejects.toThrow(`${file}: provinces[0].communes[0].code: an administrative code`);
    } finally {
      await redis.quit();
    }
  });
});

/**
 * The deployment's administrative areas: provinces, their communes (since the 2025 reform most
 * provinces have no districts) or their districts and those districts' communes. Loaded once at
 * start-up from AREAS_FILE and validated with zod; every account's area must be in it.
 *
 * @example
 * const areas = loadAreas('data/areas.sample.json');
 * areas.check({ province: '01', commune: '99999' });
 * // → { ok: false, field: 'commune', message: 'Thành phố Hà Nội (01) has no commune 99999 in data/areas.sample.json' }
 * areas.describeArea({ province: '01', commune: '00004' }); // → 'Phường Ba Đình, Thành phố Hà Nội'
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { CommuneOption } from '../engine/types.js';
import { PROJECT_ROOT } from '../paths.js';
import { AreaRef } from './schema.js';

export const DEFAULT_AREAS_FILE = 'data/areas.sample.json';

/** The same code rule as an account's AreaRef. */
const AreaCode = AreaRef.shape.province;
const name = z.string().trim().min(1).max(100);

const Commune = z.object({ code: AreaCode, name }).strict();
const District = z.object({ code: AreaCode, name, communes: z.array(Commune).min(1) }).strict();
const Province = z
  .object({
    code: AreaCode,
    name,
    /** Other names residents type for the province ("HN", "Sài Gòn"); its name without spaces ("Hanoi") needs no listing. */
    aliases: z.array(name).max(20).optional(),
    districts: z.array(District).min(1).optional(),
    communes: z.array(Commune).min(1).optional(),
  })
  .strict()
  .refine((p) => p.districts !== undefined || p.communes !== undefined, {
    message: 'a province needs "communes" (since the 2025 reform) or "districts", each with its "communes"',
  });

export const AreasFile = z
  .object({
    /** Where the list comes from; the sample says it is sample data. */
    note: z.string().optional(),
    provinces: z.array(Province).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const duplicate = (path: (string | number)[], what: string, code: string) =>
      ctx.addIssue({ code: 'custom', path: [...path, 'code'], message: `${what} code ${code} is listed twice` });
    const provinces = new Set<string>();
    file.provinces.forEach((p, i) => {
      if (provinces.has(p.code)) duplicate(['provinces', i], 'province', p.code);
      provinces.add(p.code);
      // Commune codes are unique in the whole province, so "province/commune" is never ambiguous.
      const districts = new Set<string>();
      const communes = new Set<string>();
      p.communes?.forEach((c, j) => {
        if (communes.has(c.code)) duplicate(['provinces', i, 'communes', j], 'commune', c.code);
        communes.add(c.code);
      });
      p.districts?.forEach((d, j) => {
        if (districts.has(d.code)) duplicate(['provinces', i, 'districts', j], 'district', d.code);
        districts.add(d.code);
        d.communes.forEach((c, k) => {
          if (communes.has(c.code)) duplicate(['provinces', i, 'districts', j, 'communes', k], 'commune', c.code);
          communes.add(c.code);
        });
      });
    });
  });
export type AreasFile = z.infer<typeof AreasFile>;

/** The area list could not be read or is not valid; the message names the file and each JSON path. */
export class AreasError extends Error {
  override name = 'AreasError';
  constructor(readonly file: string, readonly problems: string[]) {
    super(problems.map((p) => `${file}: ${p}`).join('\n'));
  }
}

/** `provinces[1].communes[0].code` */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(top level)';
}

export type AreaField = 'province' | 'district' | 'commune';
export type AreaCheck = { ok: true } | { ok: false; field: AreaField; message: string };

interface Named {
  code: string;
  name: string;
}

export class AreaList {
  private readonly provinces: ReadonlyMap<string, z.infer<typeof Province>>;

  /** `file` is only used in messages ("… in data/areas.sample.json"). */
  constructor(readonly data: AreasFile, readonly file: string) {
    this.provinces = new Map(data.provinces.map((p) => [p.code, p] as const));
  }

  /** Is every code of `ref` in the list, at the place the ref puts it? */
  check(ref: AreaRef): AreaCheck {
    const where = ` in ${this.file}`;
    const province = this.provinces.get(ref.province);
    if (!province) return { ok: false, field: 'province', message: `no province has code ${ref.province}${where}` };
    let parent: Named = province;
    let communes = province.communes ?? [];
    if (ref.district !== undefined) {
      const district = province.districts?.find((d) => d.code === ref.district);
      if (!district) return { ok: false, field: 'district', message: `${label(province)} has no district ${ref.district}${where}` };
      parent = district;
      communes = district.communes;
    }
    if (ref.commune !== undefined && !communes.some((c) => c.code === ref.commune)) {
      const inDistrict = ref.district === undefined ? province.districts?.find((d) => d.communes.some((c) => c.code === ref.commune)) : undefined;
      const hint = inDistrict ? `; it is in ${label(inDistrict)}: give ${ref.province}/${inDistrict.code}/${ref.commune}` : '';
      return { ok: false, field: 'commune', message: `${label(parent)} has no commune ${ref.commune}${where}${hint}` };
    }
    return { ok: true };
  }

  /**
   * The area's name for display, most precise first: "Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang".
   * A code no longer in the list (the list was replaced) shows as the code.
   */
  describeArea(ref: AreaRef): string {
    const province = this.provinces.get(ref.province);
    const district = ref.district === undefined ? undefined : province?.districts?.find((d) => d.code === ref.district);
    const communes = ref.district === undefined ? province?.communes : district?.communes;
    const commune = ref.commune === undefined ? undefined : communes?.find((c) => c.code === ref.commune);
    const parts: string[] = [];
    if (ref.commune !== undefined) parts.push(commune?.name ?? `commune ${ref.commune}`);
    if (ref.district !== undefined) parts.push(district?.name ?? `district ${ref.district}`);
    parts.push(province?.name ?? `province ${ref.province}`);
    return parts.join(', ');
  }

  /** Every commune with its place in the list, for residents to pick theirs by name (or their province's). */
  communes(): CommuneOption[] {
    const out: CommuneOption[] = [];
    for (const p of this.data.provinces) {
      const province = { name: p.name, ...(p.aliases ? { aliases: p.aliases } : {}) };
      for (const c of p.communes ?? []) out.push({ ref: { province: p.code, commune: c.code }, name: c.name, place: `${c.name}, ${p.name}`, province });
      for (const d of p.districts ?? []) {
        for (const c of d.communes) out.push({ ref: { province: p.code, district: d.code, commune: c.code }, name: c.name, place: `${c.name}, ${d.name}, ${p.name}`, province });
      }
    }
    return out;
  }

  /**
   * An area written as codes with slashes, as admins type it: `01` (a province), `01/00004`
   * (a commune directly under the province, or else a district), `02/026/00715`.
   * Returns an AreaRef to `check()`, or a message when the text is not codes at all.
   */
  parse(text: string): { ok: true; ref: AreaRef } | { ok: false; message: string } {
    const parts = text.trim().split('/');
    const codes = z.array(AreaCode).min(1).max(3).safeParse(parts);
    if (!codes.success) {
      return { ok: false, message: `"${text}" is not an area: write province/commune (e.g. 01/00004) or province/district/commune, with the codes of ${this.file}` };
    }
    const [province, second, third] = codes.data as [string, string?, string?];
    if (second === undefined) return { ok: true, ref: { province } };
    if (third !== undefined) return { ok: true, ref: { province, district: second, commune: third } };
    const p = this.provinces.get(province);
    const isDistrict = !p?.communes?.some((c) => c.code === second) && p?.districts?.some((d) => d.code === second);
    return { ok: true, ref: isDistrict ? { province, district: second } : { province, commune: second } };
  }
}

function label(area: Named): string {
  return `${area.name} (${area.code})`;
}

/** Validate parsed JSON as an area list; `file` names it in errors. */
export function parseAreas(json: unknown, file: string): AreaList {
  const parsed = AreasFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 20).map((i) => `${jsonPath(i.path)}: ${i.message}`);
    if (parsed.error.issues.length > 20) problems.push(`… and ${parsed.error.issues.length - 20} more problems`);
    throw new AreasError(file, problems);
  }
  return new AreaList(parsed.data, file);
}

/**
 * Read and validate the area list. A relative `file` is taken from the project folder.
 * Throws AreasError naming the file and, for each problem, its JSON path.
 */
export function loadAreas(file: string = DEFAULT_AREAS_FILE): AreaList {
  const path = isAbsolute(file) ? file : resolve(PROJECT_ROOT, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new AreasError(file, [
      `cannot read the area list (${typeof code === 'string' ? code : 'error'}); set AREAS_FILE to the deployment's list of provinces and communes (see ${DEFAULT_AREAS_FILE})`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AreasError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseAreas(json, file);
}

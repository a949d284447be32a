/** JSON that may be damaged (a manual edit, a half-written value, another program's): undefined instead of a throw. */
export function safeJson(raw: string | null | undefined): unknown {
  if (raw === null || raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

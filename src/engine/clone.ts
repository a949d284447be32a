/**
 * A deep copy of plain data: objects, arrays and primitives, which is all a resident's state is
 * (it is JSON in Redis and zod-checked on the way in). `structuredClone` does the same through V8's
 * serializer and cost about half of the engine's time per turn; this walk is several times cheaper.
 */
export function clonePlain<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clonePlain) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = clonePlain((value as Record<string, unknown>)[key]);
  return out as T;
}

/**
 * Coaches, officials and admins: who they are, what they may do, and which area they serve.
 * One zod schema per shape; the admin API, the CLI and the OpenAPI document all use these.
 */
import { z } from 'zod';

export const ROLES = ['coach', 'official', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const areaCode = z.string().regex(/^[0-9]{2,5}$/, 'an administrative code of 2–5 digits, as in the area list');

/**
 * An area at the depth it is given: a province, or a district in it, or a commune in that.
 * (Since the 2025 reform most provinces have no districts; then the commune sits under the province.)
 */
export const AreaRef = z
  .object({
    province: areaCode,
    district: areaCode.optional(),
    commune: areaCode.optional(),
  })
  .strict();
export type AreaRef = z.infer<typeof AreaRef>;

export const AccountId = z.string().regex(/^[a-z0-9]{10}$/);

/** As stored. `tokenHash` is the SHA-256 of the bearer token; the token itself is shown once and never kept. */
export const Account = z
  .object({
    id: AccountId,
    name: z.string().trim().min(1).max(80),
    role: Role,
    area: AreaRef,
    disabled: z.boolean(),
    createdAt: z.number().int(),
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type Account = z.infer<typeof Account>;

/** What the API shows of an account. */
export const PublicAccount = Account.omit({ tokenHash: true });
export type PublicAccount = z.infer<typeof PublicAccount>;

export const NewAccount = z
  .object({
    name: z.string().trim().min(1).max(80).describe('Shown to residents: "Anh Minh of the community digital technology team sent you this lesson".'),
    role: Role,
    area: AreaRef,
  })
  .strict();
export type NewAccount = z.infer<typeof NewAccount>;

/** Does `outer` (an account's area) contain `inner` (a resident's or an audience's area)? */
export function areaCovers(outer: AreaRef, inner: AreaRef): boolean {
  if (outer.province !== inner.province) return false;
  if (outer.district !== undefined && outer.district !== inner.district) return false;
  if (outer.commune !== undefined && outer.commune !== inner.commune) return false;
  return true;
}

export function publicAccount(account: Account): PublicAccount {
  const { tokenHash: _hidden, ...rest } = account;
  return rest;
}

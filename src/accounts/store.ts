/**
 * Accounts in Redis. A bearer token is 32 random bytes; only its SHA-256 is stored, with an index
 * from the hash to the account, so a request is authenticated with one lookup and a leaked
 * database does not leak tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Keys } from '../store/keys.js';
import type { ScriptedRedis } from '../store/redis.js';
import { Account, type NewAccount } from './schema.js';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => `hs_${randomBytes(32).toString('base64url')}`;
const newId = () => randomBytes(5).toString('hex');

export class AccountNotFoundError extends Error {
  override name = 'AccountNotFoundError';
  constructor(id: string) {
    super(`No account has id ${id}; run "npm run admin -- list" to see them.`);
  }
}

export class AccountStore {
  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: Keys,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Create an account; the token is returned this once. */
  async create(input: NewAccount): Promise<{ account: Account; token: string }> {
    const token = newToken();
    const account: Account = { id: newId(), ...input, disabled: false, createdAt: this.clock(), tokenHash: hashToken(token) };
    await this.redis
      .multi()
      .set(this.keys.account(account.id), JSON.stringify(account))
      .set(this.keys.accountToken(account.tokenHash), account.id)
      .sadd(this.keys.accounts, account.id)
      .exec();
    return { account, token };
  }

  async get(id: string): Promise<Account | undefined> {
    const raw = await this.redis.get(this.keys.account(id));
    if (!raw) return undefined;
    const parsed = Account.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async list(): Promise<Account[]> {
    const ids = (await this.redis.smembers(this.keys.accounts)).sort();
    const accounts = await Promise.all(ids.map((id) => this.get(id)));
    return accounts.filter((a): a is Account => a !== undefined).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The enabled account a bearer token belongs to, if any. */
  async byToken(token: string): Promise<Account | undefined> {
    if (!token || token.length > 200) return undefined;
    const id = await this.redis.get(this.keys.accountToken(hashToken(token)));
    const account = id ? await this.get(id) : undefined;
    return account && !account.disabled ? account : undefined;
  }

  async setDisabled(id: string, disabled: boolean): Promise<Account> {
    const account = await this.get(id);
    if (!account) throw new AccountNotFoundError(id);
    const next = { ...account, disabled };
    await this.redis.set(this.keys.account(id), JSON.stringify(next));
    return next;
  }

  /** Replace the account's token (the old one stops working at once); the new one is returned this once. */
  async newToken(id: string): Promise<{ account: Account; token: string }> {
    const account = await this.get(id);
    if (!account) throw new AccountNotFoundError(id);
    const token = newToken();
    const next = { ...account, tokenHash: hashToken(token) };
    await this.redis
      .multi()
      .del(this.keys.accountToken(account.tokenHash))
      .set(this.keys.accountToken(next.tokenHash), id)
      .set(this.keys.account(id), JSON.stringify(next))
      .exec();
    return { account: next, token };
  }
}

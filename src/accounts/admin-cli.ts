/**
 * `npm run admin -- <command>`: accounts from the terminal, on the Redis of REDIS_URL (or REDIS_CLUSTER_NODES) / REDIS_PREFIX.
 *
 * @example
 * npm run admin -- add --name "Anh Minh" --role coach --area 01/00004
 * npm run admin -- list
 * npm run admin -- disable k3j4h5g6f7
 * npm run admin -- token k3j4h5g6f7
 * npm run admin -- audiences
 * npm run admin -- links
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { LinkStore } from '../coaching/link-store.js';
import { rebuildAudiences, type Bookkeeping } from '../conversation/audience.js';
import { createLogger } from '../log.js';
import { ResidentStore } from '../store/resident-store.js';
import { RedisUnavailableError } from '../store/errors.js';
import { createKeys } from '../store/keys.js';
import { connectRedis, type ScriptedRedis } from '../store/redis.js';
import { AreasError, loadAreas, type AreaList } from './areas.js';
import { NewAccount, ROLES, Role, type Account } from './schema.js';
import { AccountNotFoundError, AccountStore } from './store.js';

const USAGE = `Usage: npm run admin -- <command>

  add --name "Anh Minh" --role coach --area 01/00004
        create an account; prints its id and its token (once)
        --role: ${ROLES.join(', ')}
        --area: province, province/commune or province/district/commune codes from AREAS_FILE
  list                 every account: id, role, name, area, status
  disable <id>         the account's token stops working
  enable <id>          it works again
  token <id>           a new token; the old one stops working
  audiences            rebuild the alerts' audiences from the residents' data (after an
                       upgrade, or when an alert seems to miss residents); safe while the bot runs
  links                once after upgrading to links that expire: gives older lesson links their
                       expiry and takes residents' anonymous ids out of their own links; safe while the bot runs

Uses REDIS_URL (or REDIS_CLUSTER_NODES) and REDIS_PREFIX, like the server.`;

/** A mistake in how the command was typed: the message, and the usage when the command itself was not understood. */
class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, readonly showUsage = false) {
    super(message);
  }
}

interface Io {
  out(line: string): void;
}

type Command =
  | { kind: 'add'; input: NewAccount }
  | { kind: 'list' }
  | { kind: 'audiences' | 'links' }
  | { kind: 'disable' | 'enable' | 'token'; id: string };

/** Check everything that does not need Redis, so a typo never waits on a connection. */
function parseCommand(argv: string[], areas: AreaList): Command {
  const [command, ...rest] = argv;
  if (command === 'add') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { name: { type: 'string' }, role: { type: 'string' }, area: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length) throw new UsageError(`add takes only --name, --role and --area (got "${positionals.join(' ')}")`, true);
    const missing = (['name', 'role', 'area'] as const).filter((k) => values[k] === undefined);
    if (missing.length) throw new UsageError(`add needs ${missing.map((k) => `--${k}`).join(', ')}`, true);
    const role = Role.safeParse(values.role);
    if (!role.success) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${values.role}")`);
    const parsed = areas.parse(values.area!);
    if (!parsed.ok) throw new UsageError(`--area ${parsed.message}`);
    const check = areas.check(parsed.ref);
    if (!check.ok) throw new UsageError(`--area ${values.area}: ${check.message}`);
    const input = NewAccount.safeParse({ name: values.name, role: role.data, area: parsed.ref });
    if (!input.success) throw new UsageError(input.error.issues.map((i) => `--${String(i.path[0] ?? 'name')}: ${i.message}`).join('; '));
    return { kind: 'add', input: input.data };
  }
  if (command === 'list') {
    if (rest.length) throw new UsageError(`list takes no arguments (got "${rest.join(' ')}")`, true);
    return { kind: 'list' };
  }
  if (command === 'audiences' || command === 'links') {
    if (rest.length) throw new UsageError(`${command} takes no arguments (got "${rest.join(' ')}")`, true);
    return { kind: command };
  }
  if (command === 'disable' || command === 'enable' || command === 'token') {
    if (rest.length !== 1 || !rest[0]) throw new UsageError(`${command} needs one account id, e.g. npm run admin -- ${command} k3j4h5g6f7`);
    return { kind: command, id: rest[0] };
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given', true);
}

function showToken(io: Io, account: Account, token: string): void {
  io.out(`  id:    ${account.id}`);
  io.out(`  token: ${token}`);
  io.out('');
  io.out('Keep this token now: it is shown only this once (only its hash is stored).');
  io.out(`Give it to ${account.name} privately. If it is lost, make a new one: npm run admin -- token ${account.id}`);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  '));
}

async function run(command: Command, store: AccountStore, areas: AreaList, io: Io, bookkeeping: Bookkeeping): Promise<void> {
  switch (command.kind) {
    case 'audiences': {
      const { residents, added, removed } = await rebuildAudiences(bookkeeping, new ResidentStore(bookkeeping.redis, bookkeeping.keys, createLogger('silent')));
      const n = (x: number, what: string) => `${x.toLocaleString('en')} ${what}${x === 1 ? '' : 's'}`;
      io.out(`Audiences rebuilt from ${n(residents, 'resident')}: ${n(added, 'membership')} added, ${removed.toLocaleString('en')} removed.`);
      return;
    }
    case 'links': {
      const { links, sharers, expiries } = await new LinkStore(bookkeeping.redis, bookkeeping.keys).tidy();
      io.out(`Lesson links looked at: ${links.toLocaleString('en')}; residents' ids taken out: ${sharers.toLocaleString('en')}; expiries set: ${expiries.toLocaleString('en')}.`);
      return;
    }
    case 'add': {
      const { account, token } = await store.create(command.input);
      io.out(`Created ${account.role} account "${account.name}" (${areas.describeArea(account.area)}).`);
      showToken(io, account, token);
      return;
    }
    case 'list': {
      const accounts = await store.list();
      if (!accounts.length) {
        io.out('No accounts yet. Create one: npm run admin -- add --name "Anh Minh" --role admin --area 01');
        return;
      }
      const rows = accounts.map((a) => [a.id, a.role, a.name, areas.describeArea(a.area), a.disabled ? 'disabled' : 'active']);
      for (const line of table([['id', 'role', 'name', 'area', 'status'], ...rows])) io.out(line);
      return;
    }
    case 'disable':
    case 'enable': {
      const account = await store.setDisabled(command.id, command.kind === 'disable');
      io.out(
        command.kind === 'disable'
          ? `Disabled ${account.id} (${account.name}): its token no longer works. Undo with: npm run admin -- enable ${account.id}`
          : `Enabled ${account.id} (${account.name}): its token works again.`,
      );
      return;
    }
    case 'token': {
      const { account, token } = await store.newToken(command.id);
      io.out(`New token for ${account.id} (${account.name}); the old one no longer works.`);
      showToken(io, account, token);
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const io: Io = { out: (line) => process.stdout.write(line + '\n') };
  const fail = (message: string, code = 1) => {
    process.stderr.write(message + '\n');
    return code;
  };
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let config: Config;
  let areas: AreaList;
  let command: Command;
  try {
    config = loadConfig();
    areas = loadAreas(config.AREAS_FILE);
    command = parseCommand(argv, areas);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AreasError) return fail(err.message);
    if (err instanceof UsageError) return fail(err.showUsage ? `${err.message}\n\n${USAGE}` : err.message, 2);
    // node:util parseArgs: an unknown option or a missing value.
    if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) return fail(`${(err as Error).message}\n\n${USAGE}`, 2);
    throw err;
  }
  let redis: ScriptedRedis | undefined;
  try {
    redis = await connectRedis(config);
    const keys = createKeys(config.REDIS_PREFIX);
    await run(command, new AccountStore(redis, keys), areas, io, { redis, keys });
    return 0;
  } catch (err) {
    if (err instanceof RedisUnavailableError || err instanceof AccountNotFoundError) return fail(err.message);
    throw err;
  } finally {
    await redis?.quit().catch(() => undefined);
  }
}

/** Exit once the output is written: ioredis leaves a command-timeout timer running for a few seconds after quit(). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exit, (err: unknown) => {
  process.stderr.write(`admin failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
  exit(1);
});

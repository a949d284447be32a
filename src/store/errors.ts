/** Named failures of the store, each saying what to do. */

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  /** `where`: the redacted REDIS_URL, or (`kind` 'cluster') the REDIS_CLUSTER_NODES tried. */
  constructor(readonly where: string, cause?: unknown, readonly kind: 'single' | 'cluster' = 'single') {
    super(
      kind === 'cluster'
        ? `Cannot reach the Redis Cluster at ${where} (REDIS_CLUSTER_NODES: ${reason(cause)}). Start a local one ` +
            `(three masters on 127.0.0.1:7001-7003) with: .ci/redis-cluster, point REDIS_CLUSTER_NODES at some nodes ` +
            `of a running cluster, or leave it unset to use the single Redis of REDIS_URL.`
        : `Cannot reach Redis at ${where}. Start one with: redis-server --daemonize yes --port 6379 --save "" --appendonly no ` +
            `(or: docker compose up -d redis), or point REDIS_URL at a running server.`,
      { cause },
    );
  }
}

/** ioredis' own words (e.g. "None of startup nodes is available", or a node that is not in cluster mode). */
const reason = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');

/** Too many turns of one resident collided; the caller may answer "busy, try again". */
export class TurnConflictError extends Error {
  override name = 'TurnConflictError';
  constructor(readonly attempts: number) {
    super(`Gave up after ${attempts} attempts: other turns of this resident kept committing first.`);
  }
}

/** Named failures of the store, each saying what to do. */

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
  constructor(readonly where: string, cause?: unknown) {
    super(
      `Cannot reach Redis at ${where}. Start one with: redis-server --daemonize yes --port 6379 --save "" --appendonly no ` +
        `(or: docker compose up -d redis), or point REDIS_URL at a running server.`,
      { cause },
    );
  }
}

/** Too many turns of one resident collided; the caller may answer "busy, try again". */
export class TurnConflictError extends Error {
  override name = 'TurnConflictError';
  constructor(readonly attempts: number) {
    super(`Gave up after ${attempts} attempts: other turns of this resident kept committing first.`);
  }
}

/**
 * A TCP proxy in front of the real Redis, so a test can make Redis "go away" at a chosen moment
 * (for instance as the commit script is sent) without touching the Redis other tests use.
 */
import net from 'node:net';

export interface TcpProxy {
  url: string;
  /** Cut every connection the next time a client sends bytes matching `pattern`, and refuse new ones. */
  cutOn(pattern: RegExp): void;
  /** Cut everything now and refuse new connections. */
  down(): void;
  /** Accept connections again. */
  up(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort = 6379, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let accepting = true;
  let trigger: RegExp | undefined;

  const cutAll = () => {
    accepting = false;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };

  const server = net.createServer((client) => {
    if (!accepting) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk) => {
      if (trigger && trigger.test(chunk.toString('latin1'))) {
        trigger = undefined;
        cutAll();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    cutOn(pattern) {
      trigger = pattern;
    },
    down: cutAll,
    up() {
      accepting = true;
    },
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { ping, REDIS_MISSING_MESSAGE, redisAvailable, startRedis, type RedisServer } from './redis-server.js';

const name = (title: string) => (redisAvailable() ? title : `${title} (skipped: ${REDIS_MISSING_MESSAGE})`);

async function clientPing(port: number): Promise<string> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => {}); // the rejection of connect() carries the error
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

describe('redis-server test harness', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it.skipIf(!redisAvailable())(name('starts, survives kill() + restart() on the same port, and stop() ends it'), async () => {
    server = await startRedis();
    if (!server) throw new Error('startRedis() returned undefined although redis-server is available');
    const { port } = server;
    expect(server.url).toBe(`redis://127.0.0.1:${port}`);
    expect(await ping(port)).toBe(true);
    expect(await clientPing(port)).toBe('PONG');

    await server.kill();
    expect(await ping(port)).toBe(false);
    await expect(clientPing(port)).rejects.toThrow();

    await server.restart();
    expect(server.port).toBe(port);
    expect(await ping(port)).toBe(true);
    expect(await clientPing(port)).toBe('PONG');

    await server.stop();
    expect(await ping(port)).toBe(false);
    await server.stop(); // idempotent
  });

  it.skipIf(!redisAvailable())(name('passes extra args and reports a server that cannot start, with its output'), async () => {
    server = await startRedis({ args: ['--maxmemory', '1mb'] });
    if (!server) throw new Error('startRedis() returned undefined although redis-server is available');
    const client = new Redis(server.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    await client.connect();
    expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(1024 * 1024)]);
    client.disconnect();

    await expect(startRedis({ args: ['--no-such-option', 'x'] })).rejects.toThrow(/did not start[\s\S]*no-such-option/i);
  });
});

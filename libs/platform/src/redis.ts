import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * Where Redis is, as users write it in REDIS_URL:
 * - `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS): one server;
 * - `redis+cluster://[user:password@]host:port,host:port,…` (or `rediss+cluster://`): a Redis
 *   Cluster; the listed nodes are only the seeds, the client discovers the rest of the cluster.
 */
export type RedisTarget =
  | { cluster: false; url: string }
  | { cluster: true; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/;

/** Parses REDIS_URL; throws with a readable message when it is neither form. */
export function parseRedisUrl(url: string): RedisTarget {
  const m = CLUSTER_URL.exec(url);
  if (!m) {
    if (!/^rediss?\+cluster:/.test(url)) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new Error('must be redis://host:port, rediss://… or redis+cluster://host:port,host:port');
      }
      if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error('must use redis://, rediss://, redis+cluster:// or rediss+cluster://');
      return { cluster: false, url };
    }
    throw new Error('a cluster URL lists seed nodes as redis+cluster://host:port,host:port (no path or query)');
  }
  const [, scheme, auth, hostList] = m;
  const nodes = hostList!.split(',').map((entry) => {
    const hm = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry.trim());
    const port = hm ? Number(hm[2]) : NaN;
    if (!hm || port < 1 || port > 65_535) throw new Error(`cluster node '${entry}' is not host:port`);
    return { host: hm[1]!.replace(/^\[|\]$/g, ''), port };
  });
  let username: string | undefined;
  let password: string | undefined;
  if (auth) {
    const i = auth.indexOf(':');
    username = decodeURIComponent(i >= 0 ? auth.slice(0, i) : auth) || undefined;
    password = i >= 0 ? decodeURIComponent(auth.slice(i + 1)) : undefined;
  }
  return { cluster: true, nodes, username, password, tls: scheme === 'rediss' };
}

/** ioredis Cluster or single-server client. */
export function isCluster(redis: Redis | Cluster): redis is Cluster {
  return (redis as Cluster).isCluster === true;
}

/** A busy Redis answers in milliseconds; seconds without a byte means the network is gone, not that Redis is slow. */
export const FAIL_FAST_SOCKET_TIMEOUT_MS = 3_000;
/** Longer than any blocking command the platform sends (BullMQ caps BZPOPMIN at 10 s, the SSE reader blocks 5 s). */
export const DEAD_SOCKET_TIMEOUT_MS = 30_000;

/**
 * BullMQ needs maxRetriesPerRequest: null on blocking connections; the connection keeps retrying
 * with a capped backoff, so a Redis restart pauses work instead of crashing the service. A fail-fast
 * (producer) connection rejects instead, within FAIL_FAST_SOCKET_TIMEOUT_MS even in a partition.
 *
 * The one factory of every Redis connection in the platform. With a `redis+cluster://` URL it makes
 * an ioredis Cluster; the platform's keys are built so that every multi-key command and Lua script
 * stays in one slot (the `{…}` hash-tagged queue prefix is the start of every key). The returned
 * value is typed as Redis because Cluster has the same command surface; use `duplicateRedis` rather
 * than `.duplicate(options)`, whose signature differs.
 */
export function createRedis(url: string, name: string, options: { failFast?: boolean } = {}): Redis {
  const target = parseRedisUrl(url);
  const retryStrategy = (times: number) => Math.min(times * 200, 5_000);
  // Producers fail fast while Redis is away (the outbox keeps the work); consumers wait for it. A refused
  // connection is seen at once, but a partition is silent: the socket stays open and a command waits for its
  // reply until the network heals, so a request that takes a rate-limit token hung for the whole partition.
  // socketTimeout declares a fail-fast connection dead when a sent command gets no byte back in
  // FAIL_FAST_SOCKET_TIMEOUT_MS, and maxRetriesPerRequest 0 rejects the commands it carried (with null,
  // ioredis keeps them and re-sends them once the connection is back, so the caller still waits for the heal).
  // BullMQ wants null only on blocking connections (workers); a Queue producer may fail fast. Connections that
  // block (XREAD BLOCK, BZPOPMIN) must not inherit either: duplicateRedis(r, { maxRetriesPerRequest: null, socketTimeout: DEAD_SOCKET_TIMEOUT_MS }).
  // Consumers keep their commands across reconnects (null), but a connection the network lost without a
  // word (a partition that outlived it, a NAT or load balancer that forgot it) would leave a worker waiting on
  // it forever: no command of the platform waits longer than BullMQ's 10-second block, so DEAD_SOCKET_TIMEOUT_MS
  // without a byte back means it is dead, and the commands go again on a new one.
  const failFast: RedisOptions = options.failFast
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 0, socketTimeout: FAIL_FAST_SOCKET_TIMEOUT_MS }
    : { enableOfflineQueue: true, maxRetriesPerRequest: null, socketTimeout: DEAD_SOCKET_TIMEOUT_MS };
  if (!target.cluster) {
    return new Redis(url, {
      ...failFast,
      enableReadyCheck: true,
      connectionName: name,
      retryStrategy,
    });
  }
  const redisOptions: RedisOptions = {
    ...failFast,
    enableReadyCheck: true,
    connectionName: name,
    username: target.username,
    password: target.password,
    ...(target.tls ? { tls: {} } : {}),
  };
  const clusterOptions: ClusterOptions = {
    redisOptions,
    enableOfflineQueue: !options.failFast,
    enableReadyCheck: true,
    clusterRetryStrategy: retryStrategy,
    // Slots move during resharding and failover: follow MOVED/ASK and refresh the map.
    maxRedirections: 16,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2_000,
  };
  return new Cluster(target.nodes, clusterOptions) as unknown as Redis;
}

/** A new connection to the same Redis (single server or cluster) with some options changed. */
export function duplicateRedis(redis: Redis, overrides: Partial<RedisOptions> = {}): Redis {
  const r = redis as Redis | Cluster;
  if (isCluster(r)) {
    const clusterLevel: Partial<ClusterOptions> = {};
    if (overrides.enableOfflineQueue !== undefined) clusterLevel.enableOfflineQueue = overrides.enableOfflineQueue;
    return r.duplicate([], { ...clusterLevel, redisOptions: overrides }) as unknown as Redis;
  }
  return r.duplicate(overrides);
}

export type { Redis };

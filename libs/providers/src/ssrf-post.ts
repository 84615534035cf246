import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { AddressAllowList } from './address-policy.js';
import { guardedLookup, SafeFetchError } from './ssrf-fetch.js';

export interface SafePostOptions {
  allowList?: AddressAllowList;
  headers: Record<string, string>;
  timeoutMs: number;
  /** At most this much of the answer is kept (for the delivery log); the rest is discarded. */
  maxResponseBytes?: number;
}

export interface PostResult {
  status: number;
  /** The start of the answer's body, for the log. */
  body: string;
}

/**
 * POSTs to a URL a user gave us (outbound webhooks) under the same rules as safeFetch: http(s) only,
 * no credentials, every resolved address public or allow-listed — checked in the socket's own lookup,
 * so DNS rebinding cannot swap the address after the check — no redirects followed (a 3xx is an
 * answer like any other), and the whole exchange bounded in time.
 */
export function safePost(url: string, body: string, options: SafePostOptions): Promise<PostResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new SafeFetchError('protocol', 'not a valid URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new SafeFetchError('protocol', `protocol ${target.protocol} is not allowed`));
  if (target.username || target.password) return Promise.reject(new SafeFetchError('protocol', 'credentials in URLs are not allowed'));
  const allowList = options.allowList ?? new AddressAllowList('');
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !allowList.permits(literal)) return Promise.reject(new SafeFetchError('address', `${literal} is not a public address`));
  const where = `${target.protocol}//${target.host}${target.pathname}`;
  const max = options.maxResponseBytes ?? 2048;
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => req.destroy(new SafeFetchError('timeout', `no answer from ${where} within ${options.timeoutMs} ms`)), options.timeoutMs);
    const req = client.request(
      target,
      {
        method: 'POST',
        agent: false,
        lookup: guardedLookup(allowList),
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'muse-studio-webhooks', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < max) chunks.push(chunk.subarray(0, max - size));
          size += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (error) => {
          clearTimeout(deadline);
          reject(error instanceof SafeFetchError ? error : new SafeFetchError('network', `${where}: ${error.message}`));
        });
      },
    );
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error instanceof SafeFetchError ? error : new SafeFetchError('network', `${where}: ${error.message}`));
    });
    req.end(body);
  });
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AddressAllowList } from './address-policy.js';

export type SafeFetchErrorCode = 'protocol' | 'address' | 'redirect' | 'status' | 'content-type' | 'size' | 'timeout' | 'network';

export class SafeFetchError extends Error {
  constructor(
    readonly code: SafeFetchErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SafeFetchError';
  }

  /** Worth trying again later: the far side was slow or broken, not refused by our policy. */
  get retryable(): boolean {
    return this.code === 'timeout' || this.code === 'network' || (this.code === 'status' && (this.status ?? 0) >= 500);
  }
}

export interface SafeFetchOptions {
  allowList?: AddressAllowList;
  /** Largest body accepted, checked against Content-Length and while streaming. */
  maxBytes: number;
  /** Accepted media types: exact (`audio/mpeg`) or a family prefix ending in `/` (`audio/`). */
  contentTypes: readonly string[];
  /** Whole-fetch deadline, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
}

export interface FetchedFile {
  body: Buffer;
  contentType: string;
  finalUrl: string;
}

/**
 * Downloads a provider's result without letting the URL reach inside our network: only http(s),
 * every resolved address must be public (or explicitly allow-listed) — checked in the socket's own
 * DNS lookup so the address checked is the address connected to — redirects are followed by hand
 * and each hop is checked again, and size, media type and time are bounded.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<FetchedFile> {
  const allowList = options.allowList ?? new AddressAllowList('');
  const deadline = Date.now() + options.timeoutMs;
  let current = url;
  for (let hop = 0; ; hop++) {
    const target = parseTarget(current);
    const response = await request(target, allowList, deadline);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= (options.maxRedirects ?? 3)) throw new SafeFetchError('redirect', `too many redirects fetching ${url}`);
      current = new URL(response.headers.location, target).toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new SafeFetchError('status', `GET ${redact(target)} answered ${status}`, status);
    }
    const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!options.contentTypes.some((t) => (t.endsWith('/') ? contentType.startsWith(t) : contentType === t))) {
      response.resume();
      throw new SafeFetchError('content-type', `unexpected content type '${contentType || 'none'}' from ${redact(target)}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      response.destroy();
      throw new SafeFetchError('size', `${redact(target)} is ${declared} bytes, over the ${options.maxBytes} byte limit`);
    }
    const body = await readBody(response, options.maxBytes, deadline, target);
    return { body, contentType, finalUrl: target.toString() };
  }
}

function parseTarget(raw: string): URL {
  let target: URL;
  try {
    target = new URL(raw);
  } catch {
    throw new SafeFetchError('protocol', 'not a valid URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new SafeFetchError('protocol', `protocol ${target.protocol} is not allowed`);
  if (target.username || target.password) throw new SafeFetchError('protocol', 'credentials in URLs are not allowed');
  return target;
}

/** A URL for logs: no query string (provider URLs often carry signatures). */
function redact(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** A socket lookup that refuses non-public (and not allow-listed) addresses: the address checked is the one connected to. */
export function guardedLookup(allowList: AddressAllowList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => !allowList.permits(a.address));
      if (refused || list.length === 0) {
        return callback(new SafeFetchError('address', `${hostname} resolves to a non-public address (${refused?.address ?? 'none'})`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function request(target: URL, allowList: AddressAllowList, deadline: number): Promise<IncomingMessage> {
  // An IP literal never goes through DNS lookup, so it is checked here.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !allowList.permits(literal)) {
    return Promise.reject(new SafeFetchError('address', `${literal} is not a public address`));
  }
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new SafeFetchError('timeout', 'download deadline passed'));
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // agent: false — a fresh connection per request: every connect goes through the guarded lookup, and no
    // pooled keep-alive socket (which the server may have closed meanwhile) is ever reused.
    const req = client.get(target, { agent: false, lookup: guardedLookup(allowList), timeout: remaining, headers: { accept: '*/*', 'user-agent': 'muse-studio-fetcher' } }, resolve);
    req.on('timeout', () => req.destroy(new SafeFetchError('timeout', `no answer from ${redact(target)} in time`)));
    req.on('error', (error) => reject(error instanceof SafeFetchError ? error : new SafeFetchError('network', `${redact(target)}: ${error.message}`)));
  });
}

function readBody(response: IncomingMessage, maxBytes: number, deadline: number, target: URL): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => response.destroy(new SafeFetchError('timeout', `download of ${redact(target)} took too long`)), Math.max(0, deadline - Date.now()));
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy(new SafeFetchError('size', `${redact(target)} exceeded the ${maxBytes} byte limit`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    response.on('error', (error) => {
      clearTimeout(timer);
      reject(error instanceof SafeFetchError ? error : new SafeFetchError('network', error.message));
    });
    response.on('close', () => {
      clearTimeout(timer);
      if (!response.complete) reject(new SafeFetchError('network', `download of ${redact(target)} was cut short`));
    });
  });
}

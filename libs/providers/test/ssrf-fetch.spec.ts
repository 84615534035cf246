import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressAllowList, isPublicAddress, safeFetch, SafeFetchError } from '../src/index.js';

describe('address policy', () => {
  it('refuses loopback, private, link-local, CGNAT and IPv4-smuggling IPv6 forms; accepts public', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1', '224.0.0.1']) {
      expect([a, isPublicAddress(a)]).toEqual([a, false]);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
  });

  it('lets an explicit allow-list open exactly the listed blocks', () => {
    const allow = new AddressAllowList('127.0.0.1/32, ::1');
    expect(allow.permits('127.0.0.1')).toBe(true);
    expect(allow.permits('::1')).toBe(true);
    expect(allow.permits('127.0.0.2')).toBe(false);
    expect(allow.permits('10.0.0.1')).toBe(false);
    expect(() => new AddressAllowList('localhost')).toThrow(/not an IP/);
  });
});

describe('safeFetch', () => {
  let server: http.Server;
  let base: string;
  const mp3 = Buffer.alloc(4096, 1);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/song.mp3') {
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(mp3.length) });
        res.end(mp3);
      } else if (req.url === '/to-song') {
        res.writeHead(302, { location: '/song.mp3' });
        res.end();
      } else if (req.url === '/to-private') {
        res.writeHead(302, { location: 'http://10.0.0.7/x.mp3' });
        res.end();
      } else if (req.url === '/to-metadata-by-name') {
        res.writeHead(301, { location: 'http://localhost:1/latest/meta-data' });
        res.end();
      } else if (req.url === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html></html>');
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'audio/mpeg' }); // no length: the stream is cut at the limit
        res.end(Buffer.alloc(64 * 1024));
      } else if (req.url === '/hang') {
        res.writeHead(200, { 'content-type': 'audio/mpeg' });
        res.write('x');
      } else {
        res.writeHead(500);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const opts = (extra: Partial<Parameters<typeof safeFetch>[1]> = {}) => ({ allowList: new AddressAllowList('127.0.0.1/32'), maxBytes: 10_000, contentTypes: ['audio/'], timeoutMs: 2000, ...extra });
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (e) {
      return e instanceof SafeFetchError ? e.code : String(e);
    }
  };

  it('downloads from an allow-listed host, following a redirect', async () => {
    const file = await safeFetch(`${base}/to-song`, opts());
    expect(file.body.equals(mp3)).toBe(true);
    expect(file.contentType).toBe('audio/mpeg');
    expect(file.finalUrl).toBe(`${base}/song.mp3`);
  });

  it('refuses loopback without the allow-list, by literal and by name', async () => {
    expect(await code(safeFetch(`${base}/song.mp3`, opts({ allowList: new AddressAllowList('') })))).toBe('address');
    const port = new URL(base).port;
    expect(await code(safeFetch(`http://localhost:${port}/song.mp3`, opts({ allowList: new AddressAllowList('') })))).toBe('address');
    expect(await code(safeFetch('http://169.254.169.254/latest/meta-data', opts()))).toBe('address');
    expect(await code(safeFetch('http://[::ffff:127.0.0.1]/', opts({ allowList: new AddressAllowList('') })))).toBe('address');
  });

  it('re-checks every redirect hop', async () => {
    expect(await code(safeFetch(`${base}/to-private`, opts()))).toBe('address');
    // localhost resolves to loopback; the allow-list names 127.0.0.1 only, and ::1 is not in it.
    const r = await code(safeFetch(`${base}/to-metadata-by-name`, opts({ allowList: new AddressAllowList('::2') })));
    expect(r).toBe('address');
  });

  it('refuses other protocols, credentials, wrong types, oversize bodies, and slow servers', async () => {
    expect(await code(safeFetch('file:///etc/passwd', opts()))).toBe('protocol');
    expect(await code(safeFetch('ftp://example.com/x', opts()))).toBe('protocol');
    expect(await code(safeFetch(`http://user:pw@127.0.0.1:1/x`, opts()))).toBe('protocol');
    expect(await code(safeFetch(`${base}/html`, opts()))).toBe('content-type');
    expect(await code(safeFetch(`${base}/big`, opts()))).toBe('size');
    expect(await code(safeFetch(`${base}/song.mp3`, opts({ maxBytes: 100 })))).toBe('size');
    expect(await code(safeFetch(`${base}/hang`, opts({ timeoutMs: 300 })))).toBe('timeout');
    expect(await code(safeFetch(`${base}/nope`, opts()))).toBe('status');
  });
});

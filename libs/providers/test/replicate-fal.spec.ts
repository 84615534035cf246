import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressAllowList, FalClient, FalSongDescriber, ProviderError, ReplicateClient, ReplicateDemucs, safeFetch, signStandardWebhook, verifyStandardWebhook } from '../src/index.js';
import { startProviderSimulator, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { waitFor } from '../../../test/support/env.js';

describe('Standard Webhooks verification', () => {
  const secret = `whsec_${Buffer.from('a test signing key of some length').toString('base64')}`;
  const body = '{"id":"p1","status":"succeeded"}';
  const headersFor = (id: string, ts: number, b = body) => ({ 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, id, ts, b) });

  it('accepts a correctly signed delivery, also among several signatures', () => {
    const h = headersFor('msg_1', 1_700_000_000);
    expect(verifyStandardWebhook(secret, h, body, { nowSeconds: 1_700_000_010 })).toEqual({ ok: true, id: 'msg_1', timestamp: 1_700_000_000 });
    const multi = { ...h, 'webhook-signature': `v1,AAAA ${h['webhook-signature']}` };
    expect(verifyStandardWebhook(secret, multi, body, { nowSeconds: 1_700_000_000 }).ok).toBe(true);
  });

  it('refuses tampered bodies, wrong secrets, stale timestamps (replays) and missing headers', () => {
    const h = headersFor('msg_1', 1_700_000_000);
    expect(verifyStandardWebhook(secret, h, body.replace('succeeded', 'failed'), { nowSeconds: 1_700_000_000 })).toMatchObject({ ok: false, reason: 'no matching signature' });
    expect(verifyStandardWebhook(`whsec_${Buffer.from('another key').toString('base64')}`, h, body, { nowSeconds: 1_700_000_000 }).ok).toBe(false);
    expect(verifyStandardWebhook(secret, h, body, { nowSeconds: 1_700_000_000 + 301 })).toMatchObject({ ok: false, reason: expect.stringMatching(/tolerance/) });
    expect(verifyStandardWebhook(secret, { ...h, 'webhook-id': 'msg_2' }, body, { nowSeconds: 1_700_000_000 }).ok).toBe(false);
    expect(verifyStandardWebhook(secret, { 'webhook-id': 'x' }, body).ok).toBe(false);
    expect(verifyStandardWebhook(secret, { ...h, 'webhook-timestamp': '1e9' }, body).ok).toBe(false);
  });
});

describe('Replicate and fal clients against the simulator', () => {
  let sim: ProviderSimulator;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    sim = await startProviderSimulator({ stepMs: 80 });
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await sim.close();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  it('replicate: creates a prediction, polls it to succeeded, and its signed webhooks verify', async () => {
    const client = new ReplicateClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 });
    const created = await client.create({ model: 'cjwbw/demucs', input: { audio: 'https://example.com/a.mp3' }, webhook: receiverUrl, webhookEventsFilter: ['start', 'completed'] });
    expect(created.status).toBe('starting');
    const done = await waitFor(async () => {
      const p = await client.get(created.id);
      return p.status === 'succeeded' ? p : undefined;
    }, 'prediction to succeed', 5000, 50);
    expect(Object.keys(done.output as object).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
    await waitFor(async () => received.length >= 2, 'start and completed webhooks');
    for (const delivery of received) {
      expect(verifyStandardWebhook(sim.replicateWebhookSecret, delivery.headers as Record<string, string>, delivery.body)).toMatchObject({ ok: true });
    }
    expect(received.map((r) => JSON.parse(r.body).status)).toEqual(['starting', 'succeeded']);
  });

  it('replicate: invalid input is permanent, a bad token and 5xx are transient', async () => {
    const client = new ReplicateClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 });
    await expect(client.create({ version: 'v1', input: null as never })).rejects.toMatchObject({ kind: 'permanent' });
    const wrong = new ReplicateClient({ baseUrl: sim.url, apiKey: 'nope', timeoutMs: 2000 });
    await expect(wrong.get('x')).rejects.toMatchObject({ kind: 'transient' });
    sim.faults.submitStatus = { status: 503, times: 1, provider: 'replicate' };
    const error = await client.create({ model: 'a/b', input: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'transient', details: { status: 503 } });
  });

  it('kind adapters: Demucs stems come back as fetchable audio; fal describes a song; failures are reported', async () => {
    const demucs = new ReplicateDemucs(new ReplicateClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 }));
    const id = await demucs.submit({ audioUrl: 'https://example.com/song.mp3' });
    expect(sim.predictions.get(id)!.input).toMatchObject({ audio: 'https://example.com/song.mp3', model_name: 'htdemucs', output_format: 'mp3' });
    const outcome = await waitFor(async () => {
      const o = await demucs.poll(id);
      return o.state === 'pending' ? undefined : o;
    }, 'stems', 5000, 40);
    expect(outcome.state).toBe('done');
    const stems = (outcome as { value: Record<string, string> }).value;
    expect(Object.keys(stems).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
    const file = await safeFetch(stems.vocals!, { allowList: new AddressAllowList('127.0.0.1/32'), maxBytes: 5_000_000, contentTypes: ['audio/'], timeoutMs: 20_000 });
    expect(file.contentType).toMatch(/^audio\//);
    expect(file.body.length).toBeGreaterThan(1000);

    const describer = new FalSongDescriber(new FalClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 }), 'fal-ai/song-describer');
    const rid = await describer.submit({ audioUrl: 'https://example.com/song.mp3' });
    const described = await waitFor(async () => {
      const o = await describer.poll(rid);
      return o.state === 'pending' ? undefined : o;
    }, 'description', 5000, 40);
    expect(described).toMatchObject({ state: 'done', value: { description: expect.stringContaining('simulated') } });

    sim.faults.failTasks = true;
    const failing = await demucs.submit({ audioUrl: 'https://example.com/song.mp3' });
    const failed = await waitFor(async () => {
      const o = await demucs.poll(failing);
      return o.state === 'pending' ? undefined : o;
    }, 'failure', 5000, 40);
    sim.faults.failTasks = false;
    expect(failed).toMatchObject({ state: 'failed', userFault: false });
  });

  it('fal: submits to the queue, follows status to COMPLETED, and reads the result', async () => {
    const client = new FalClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 });
    const id = await client.submit('fal-ai/song-describer/v1', { audio_url: 'https://example.com/a.mp3' });
    const seen = new Set<string>();
    await waitFor(async () => {
      const s = await client.status('fal-ai/song-describer/v1', id);
      seen.add(s.status);
      return s.status === 'COMPLETED';
    }, 'fal request to complete', 5000, 30);
    expect([...seen]).toContain('COMPLETED');
    expect(await client.result('fal-ai/song-describer/v1', id)).toMatchObject({ description: expect.any(String) });
    const bad = new FalClient({ baseUrl: sim.url, apiKey: 'wrong', timeoutMs: 2000 });
    await expect(bad.submit('fal-ai/x', {})).rejects.toMatchObject({ kind: 'transient', details: { status: 401 } });
  });
});

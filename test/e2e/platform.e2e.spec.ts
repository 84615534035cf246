import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { decodeMp3 } from '@muse/audio-engine';
import { ADMIN_URL } from '../support/database.js';
import { uniquePrefix, waitFor } from '../support/env.js';
import { freePortBlock } from '../support/ports.js';

/**
 * The platform as a user runs it: the README's start script, every app a separate process, the
 * embedded S3 server; driven over HTTP only.
 */
describe('platform end to end', () => {
  // The launcher's ports: the gateway, five worker health ports after it, the embedded S3 server at +10.
  let port: number;
  let base: string;
  const dbName = `muse_e2e_${Date.now()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'muse-e2e-'));
  let launcher: ChildProcess;
  let output = '';
  let exit: Promise<number | null>;

  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    port = await freePortBlock([0, 1, 2, 3, 4, 5, 10]);
    base = `http://127.0.0.1:${port}`;
    launcher = spawn(process.execPath, ['scripts/start-platform.js'], {
      env: {
        ...process.env,
        PORT: String(port),
        HEALTH_PORT_BASE: String(port + 1),
        S3_PORT: String(port + 10),
        S3_ENDPOINT: '', // exercise the embedded server
        MUSE_DATA_DIR: dataDir,
        DATABASE_URL: ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`),
        QUEUE_PREFIX: uniquePrefix(),
        LOG_LEVEL: 'warn',
        JWT_SECRET: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exit = new Promise((resolve) => launcher.once('exit', resolve));
    launcher.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    launcher.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor(async () => output.includes('Muse Studio Platform is ready') || launcher.exitCode !== null, 'the platform to start', 90_000, 200);
    if (launcher.exitCode !== null) throw new Error(`launcher exited early:\n${output}`);
  }, 120_000);

  afterAll(async () => {
    if (launcher.exitCode === null) {
      launcher.kill('SIGINT');
      await exit;
    }
    rmSync(dataDir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('prints the API and docs URLs once ready, and every service reports ready', async () => {
    expect(output).toContain(`API      http://localhost:${port}/v1`);
    expect(output).toContain(`Docs     http://localhost:${port}/docs`);
    for (let p = port; p <= port + 5; p++) {
      const res = await fetch(`http://127.0.0.1:${p}/health/ready`);
      expect({ port: p, status: res.status }).toEqual({ port: p, status: 200 });
      expect(await (await fetch(`http://127.0.0.1:${p}/metrics`)).text()).toContain('process_cpu_user_seconds_total');
    }
  });

  it('signs up, generates a song, and serves two playable variants; another user sees none of it', async () => {
    const alice = await api('POST', '/v1/auth/signup', undefined, { email: 'e2e-alice@example.com', password: 'a long password', full_name: 'Alice' });
    expect(alice.status).toBe(201);
    const token = alice.body.access_token as string;

    const submitted = await api('POST', '/v1/generations', token, { prompt: 'melancholic indie folk about leaving home', mood: 'sad', duration_seconds: 12 });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.id as string;
    const trackId = submitted.body.resource.id as string;

    const seen = new Set<string>();
    const done = await waitFor(async () => {
      const job = await api('GET', `/v1/jobs/${jobId}`, token);
      seen.add(job.body.status);
      return ['completed', 'failed'].includes(job.body.status) ? job.body : undefined;
    }, 'the generation to finish', 90_000, 100);
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });

    const track = await api('GET', `/v1/tracks/${trackId}`, token);
    expect(track.body).toMatchObject({ id: trackId, status: 'completed', duration: 12 });
    const versions = await api('GET', `/v1/tracks/${trackId}/versions`, token);
    expect(versions.body.data).toHaveLength(2);
    for (const version of versions.body.data as Array<{ audio_url: string; variant_index: number }>) {
      const res = await fetch(version.audio_url);
      expect(res.status).toBe(200);
      const audio = await decodeMp3(new Uint8Array(await res.arrayBuffer()));
      expect(audio.sampleRate).toBe(44100);
      expect(Math.abs(audio.durationSeconds - 12)).toBeLessThan(0.2);
    }

    const bob = await api('POST', '/v1/auth/signup', undefined, { email: 'e2e-bob@example.com', password: 'another long one' });
    const bobToken = bob.body.access_token as string;
    expect((await api('GET', `/v1/tracks/${trackId}`, bobToken)).status).toBe(404);
    expect((await api('GET', `/v1/tracks/${trackId}/versions`, bobToken)).status).toBe(404);
    expect((await api('GET', `/v1/jobs/${jobId}`, bobToken)).status).toBe(404);
  }, 120_000);

  it('delivers a signed webhook to a receiver on localhost (the development platform allows loopback targets)', async () => {
    const received: { headers: Record<string, string>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') });
        res.end('ok');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    try {
      const carol = await api('POST', '/v1/auth/signup', undefined, { email: 'e2e-carol@example.com', password: 'a third long one' });
      const token = carol.body.access_token as string;
      const secret = (await api('POST', '/v1/me/webhook-secret', token)).body.secret as string;
      const callback = `http://localhost:${(receiver.address() as AddressInfo).port}/hook`;
      const job = await api('POST', '/v1/generations', token, { prompt: 'a song nobody will hear', duration_seconds: 5, callback_url: callback });
      expect(job.status).toBe(202);
      expect((await api('POST', `/v1/jobs/${job.body.id}/cancel`, token)).status).toBe(200);
      await waitFor(async () => received.length > 0, 'the webhook on localhost', 30_000, 100);
      const payload = new Webhook(secret).verify(received[0]!.body, received[0]!.headers) as { id: string; status: string };
      expect(payload).toMatchObject({ id: job.body.id, status: 'cancelled' });
      expect((await api('GET', `/v1/webhook-deliveries?job_id=${job.body.id}`, token)).body.data[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    } finally {
      receiver.close();
    }
  }, 60_000);

  it('stops every process cleanly on Ctrl-C', async () => {
    launcher.kill('SIGINT');
    expect(await exit).toBe(0);
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  }, 60_000);
});

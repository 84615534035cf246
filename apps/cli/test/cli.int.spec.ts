import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Muse } from '@muse/client';
import { ClientPlatform, type User } from '../../../libs/client/test/platform-harness.js';
import { waitFor } from '../../../test/support/env.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'muse.js');

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** The built `muse` command (npm run build) against the running platform. */
describe('muse CLI', () => {
  const platform = new ClientPlatform();
  const home = mkdtempSync(join(tmpdir(), 'muse-cli-'));
  let user: User;
  let apiKey: string;

  const env = (extra: Record<string, string> = {}) => {
    const e: Record<string, string> = { ...(process.env as Record<string, string>), XDG_CONFIG_HOME: join(home, 'config'), HOME: home, MUSE_BASE_URL: platform.base, MUSE_API_KEY: apiKey, ...extra };
    for (const k of Object.keys(e)) if (e[k] === '') delete e[k];
    return e;
  };
  const start = (args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}) => {
    const child = spawn(process.execPath, [bin, ...args], { env: env(opts.env), cwd: opts.cwd ?? home, stdio: ['pipe', 'pipe', 'pipe'] });
    const run: Run = { code: null, signal: null, stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
    child.stdin.end(opts.input ?? '');
    const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout: run.stdout, stderr: run.stderr })));
    return { child, run, done };
  };
  const muse = (...args: string[]) => start(args).done;
  const json = (r: Run) => {
    if (r.code !== 0) throw new Error(`muse exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    if (!existsSync(join(dirname(bin), '..', 'dist', 'main.js'))) throw new Error('apps/cli is not built: run `npm run build` first');
    // The gateway alone first: the cancel tests need jobs that stay pending.
    await platform.start({}, { workers: false });
    user = await platform.signup();
    apiKey = (await new Muse({ baseUrl: platform.base, token: user.token }).request<{ key: string }>('POST', '/v1/api-keys', { body: { name: 'cli tests' } })).key;
  }, 60_000);
  afterAll(async () => {
    await platform.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('login stores the access token 0600 in $XDG_CONFIG_HOME/muse; without MUSE_API_KEY the stored login is used', async () => {
    const login = await start(['login', '--email', user.email, '--password-stdin', '--json'], { env: { MUSE_API_KEY: '' }, input: `${user.password}\n` }).done;
    expect(json(login)).toMatchObject({ token_kind: 'access_token', email: user.email });
    const file = join(home, 'config', 'muse', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ base_url: platform.base, token_kind: 'access_token' });
    const jobs = await start(['jobs', '--json'], { env: { MUSE_API_KEY: '' } }).done;
    expect(json(jobs)).toEqual({ data: [], next_cursor: null });

    const withKey = await start(['login', '--api-key', apiKey, '--json'], { env: { MUSE_API_KEY: '' } }).done;
    expect(json(withKey)).toMatchObject({ token_kind: 'api_key' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ token: apiKey, token_kind: 'api_key' });
    expect(json(await start(['jobs', '--json'], { env: { MUSE_API_KEY: '' } }).done).data).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const wrong = await start(['login', '--email', user.email, '--password-stdin'], { env: { MUSE_API_KEY: '' }, input: 'not the password\n' }).done;
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^muse: Unauthorized/m);
  }, 60_000);

  it('cancel <job> cancels it; Ctrl-C during generate cancels the running job (--yes: without asking)', async () => {
    const job = await new Muse({ baseUrl: platform.base, token: user.token }).submit('generation', { prompt: 'never rendered', duration_seconds: 5 });
    expect(json(await muse('cancel', job.id, '--json'))).toMatchObject({ id: job.id, status: 'cancelled' });

    const gen = start(['generate', 'a song interrupted', '--duration', '5', '--yes', '--json']);
    const pending = await waitFor(async () => (await platform.jobRows(user.id)).find((r) => r.status === 'pending' && r.id !== job.id), 'the CLI to submit');
    await new Promise((r) => setTimeout(r, 300)); // let it open the event stream
    gen.child.kill('SIGINT');
    const r = await gen.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`muse: cancelled: job ${pending.id} is cancelled`);
    expect((await platform.jobRows(user.id)).find((x) => x.id === pending.id)!.status).toBe('cancelled');
  }, 60_000);

  it('a refused request exits 1 with the problem title (and the problem as JSON with --json)', async () => {
    const r = await muse('generate', ' ', '--duration', '2', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^muse: Bad Request/m);
    expect(r.stderr).toContain('prompt:');
    expect(JSON.parse(r.stdout).error).toMatchObject({ status: 400, title: 'Bad Request' });
    const notSignedIn = await start(['tracks'], { env: { MUSE_API_KEY: '', XDG_CONFIG_HOME: join(home, 'empty') } }).done;
    expect(notSignedIn.code).toBe(1);
    expect(notSignedIn.stderr).toMatch(/not signed in/);
  }, 30_000);

  it('generate downloads both variants; wav, stems, analyze (track and file), lyrics, jobs, tracks', async () => {
    await platform.startWorkers();
    const out = join(home, 'songs');
    const gen = json(await muse('generate', 'warm folk about a harbour', '--duration', '5', '--seed', '7', '--out', out, '--json'));
    expect(gen.job).toMatchObject({ kind: 'generation', status: 'completed', progress: 100 });
    expect(gen.files.map((f: { variant_index: number }) => f.variant_index)).toEqual([0, 1]);
    expect(readdirSync(out)).toHaveLength(2);
    for (const f of gen.files) expect(statSync(f.file).size).toBeGreaterThan(10_000);
    const trackId = gen.track_id as string;

    const wav = json(await muse('wav', trackId, '--out', out, '--json'));
    expect(wav.job.status).toBe('completed');
    expect(readFileSync(wav.file).subarray(0, 4).toString('latin1')).toBe('RIFF');

    const stems = json(await muse('stems', trackId, '--out', join(out, 'stems'), '--json'));
    expect(stems.files.map((f: { stem_type: string }) => f.stem_type).sort()).toEqual(['bass', 'drums', 'instrumental', 'other', 'vocals']);
    for (const f of stems.files) expect(statSync(f.file).size).toBeGreaterThan(1000);

    const analysed = json(await muse('analyze', trackId, '--json'));
    expect(analysed).toMatchObject({ kind: 'description', status: 'completed' });
    expect(analysed.result.tempo).toBeGreaterThan(0);
    const fromFile = json(await muse('analyze', gen.files[1].file, '--json'));
    expect(fromFile.job).toMatchObject({ kind: 'description', status: 'completed' });
    expect(fromFile.library_item.file_name).toBe(gen.files[1].file.split('/').at(-1));

    const lyrics = json(await muse('lyrics', 'a lighthouse keeper', '--variants', '2', '--json'));
    expect(lyrics.result.variants).toHaveLength(2);

    const jobs = json(await muse('jobs', '--json', '--limit', '100'));
    expect(jobs.data.map((j: { kind: string }) => j.kind)).toEqual(expect.arrayContaining(['generation', 'wav', 'stems', 'description', 'lyrics']));
    const human = await muse('jobs');
    expect(human.stdout).toMatch(/^ID\s+KIND\s+STATUS\s+PROGRESS\s+CREATED_AT/);

    // GET /v1/tracks is another engineer's work in progress: list when it exists, else a clean problem.
    const listed = await fetch(`${platform.base}/v1/tracks`, { headers: { authorization: `Bearer ${user.token}` } });
    const tracks = await muse('tracks', '--json');
    if (listed.status === 200) expect(json(tracks).data.map((t: { id: string }) => t.id)).toContain(trackId);
    else {
      expect(tracks.code).toBe(1);
      expect(tracks.stderr).toMatch(/^muse: Not Found/m);
    }
  }, 240_000);

  it('jobs --watch --json prints each change of the caller\'s jobs as NDJSON until Ctrl-C', async () => {
    const watch = start(['jobs', '--watch', '--json']);
    await new Promise((r) => setTimeout(r, 1500)); // connected
    const job = await new Muse({ baseUrl: platform.base, token: user.token }).submit('lyrics', { prompt: 'watched words' });
    await waitFor(async () => watch.run.stdout.split('\n').some((l) => l.includes(job.id) && l.includes('"completed"')), 'the watched job to complete', 60_000);
    watch.child.kill('SIGINT');
    const r = await watch.done;
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string });
    expect(lines.filter((l) => l.id === job.id).at(-1)!.status).toBe('completed');
  }, 90_000);
});

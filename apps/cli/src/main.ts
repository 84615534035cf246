import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { isTerminal, Muse, MuseAbortError, MuseApiError, MuseError, MuseJobError, type Job, type JobBodies, type SubmittableKind } from '@muse/client';
import { configPath, DEFAULT_BASE_URL, readConfig, resolveCredentials, writeConfig } from './config.js';

interface Globals {
  json?: boolean;
  yes?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUDIO_TYPES: Record<string, string> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.flac': 'audio/flac', '.ogg': 'audio/ogg', '.m4a': 'audio/mp4', '.aac': 'audio/aac', '.webm': 'audio/webm' };

class CliError extends Error {}

const program = new Command()
  .name('muse')
  .description('The Muse Studio Platform from the command line. MUSE_API_KEY and MUSE_BASE_URL (default http://localhost:3000) take precedence over `muse login`.')
  .version('0.1.0')
  .option('--json', 'machine-readable output (one JSON document; NDJSON for --watch)')
  .option('-y, --yes', 'do not ask before cancelling the running job on Ctrl-C')
  .showHelpAfterError();

const globals = (): Globals => program.opts<Globals>();
const out = (value: unknown): void => {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
};
const info = (text: string) => {
  if (!globals().json) process.stderr.write(`${text}\n`);
};

function client(): Muse {
  const { baseUrl, token } = resolveCredentials();
  if (!token) throw new CliError(`not signed in: run \`muse login\` or set MUSE_API_KEY (platform ${baseUrl})`);
  return new Muse({ baseUrl, token });
}

/** Plain aligned columns for people; --json prints the data itself. */
function table(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}

function ask(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return Promise.resolve(true);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolveAnswer) => {
    rl.question(question, (answer) => {
      rl.close();
      resolveAnswer(/^y(es)?$/i.test(answer.trim()));
    });
    rl.on('SIGINT', () => {
      rl.close();
      resolveAnswer(true); // a second Ctrl-C while asking means yes
    });
  });
}

/**
 * Runs one job with a live progress bar fed by the event stream. Ctrl-C asks whether to cancel the
 * job on the server (unless --yes) and then cancels it.
 */
async function runJob<K extends SubmittableKind>(muse: Muse, kind: K, body: JobBodies[K], label: string): Promise<Job> {
  const controller = new AbortController();
  const interactive = process.stderr.isTTY && !globals().json;
  const bar = interactive ? new cliProgress.SingleBar({ format: `${label} {bar} {percentage}% | {status} | job {job}`, hideCursor: true, clearOnComplete: false, stopOnComplete: false }, cliProgress.Presets.shades_classic) : undefined;
  let started = false;
  let asking = false;
  let currentJob: Job | undefined;
  const onSigint = async () => {
    if (asking) return;
    asking = true;
    bar?.stop();
    const yes = globals().yes || (await ask(`\nCancel job ${currentJob?.id ?? '(being submitted)'} on the server? [y/N] `));
    asking = false;
    if (yes) controller.abort(new Error('interrupted'));
    else if (bar && currentJob) bar.start(100, currentJob.progress, { status: currentJob.status, job: currentJob.id });
  };
  process.on('SIGINT', onSigint);
  try {
    const job = await muse.run(kind, body, {
      signal: controller.signal,
      onProgress: (j) => {
        currentJob = j;
        if (!bar || asking) return;
        if (!started) {
          bar.start(100, j.progress, { status: j.status, job: j.id });
          started = true;
        } else bar.update(j.progress, { status: j.status, job: j.id });
      },
    });
    bar?.update(100, { status: job.status, job: job.id });
    return job;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}

async function save(muse: Muse, url: string, dir: string, name: string): Promise<string> {
  const bytes = await muse.download(url);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'track';
const extOf = (url: string, fallback: string) => extname(new URL(url).pathname) || fallback;

program
  .command('login')
  .description('Sign in with email and password (the access token is stored), or store an API key; saved 0600 in the config dir')
  .option('--email <email>', 'account email')
  .option('--password-stdin', 'read the password from standard input')
  .option('--api-key <key>', 'store this API key (sk_…) instead of signing in')
  .option('--base-url <url>', 'platform URL to sign in to (default: MUSE_BASE_URL or http://localhost:3000)')
  .action(async (opts: { email?: string; passwordStdin?: boolean; apiKey?: string; baseUrl?: string }) => {
    const baseUrl = (opts.baseUrl ?? process.env.MUSE_BASE_URL ?? readConfig().base_url ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const path = configPath();
    if (opts.apiKey) {
      const me = await new Muse({ baseUrl, token: opts.apiKey }).request<{ email?: string; profile?: { email?: string } }>('GET', '/v1/me');
      writeConfig({ base_url: baseUrl, token: opts.apiKey, token_kind: 'api_key', email: me.email ?? me.profile?.email });
      globals().json ? out({ base_url: baseUrl, token_kind: 'api_key', config: path }) : info(`API key stored in ${path}`);
      return;
      return;
    }
    const email = opts.email ?? (await prompt('Email: '));
    const password = opts.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : await prompt('Password: ', true);
    const session = await new Muse({ baseUrl }).signIn(email, password);
    const expires = new Date(Date.now() + session.expires_in * 1000).toISOString();
    writeConfig({ base_url: baseUrl, token: session.access_token, token_kind: 'access_token', email: session.user.email, expires_at: expires });
    globals().json ? out({ base_url: baseUrl, token_kind: 'access_token', email: session.user.email, expires_at: expires, config: path }) : info(`Signed in as ${session.user.email} (until ${expires}); token stored in ${path}`);
  });

function prompt(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError(`${question.replace(/:\s*$/, '')} needed: pass it as an option (--email, --password-stdin) or use --api-key`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
  }
  return new Promise((resolveAnswer) =>
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolveAnswer(answer.trim());
    }),
  );
}

program
  .command('generate')
  .description('Generate a song (two variants) with a live progress bar, then download both')
  .argument('<prompt>', 'what the song is about, its style and mood')
  .option('--duration <seconds>', 'length in seconds', (v) => Number(v), 30)
  .option('--instrumental', 'no vocals')
  .option('--title <title>', 'song title')
  .option('--seed <n>', 'seed for a repeatable song (local engine)', (v) => Number(v))
  .option('--provider <provider>', 'suno, mureka or local (default: the platform\'s)')
  .option('--out <dir>', 'where to save the audio', '.')
  .action(async (text: string, opts: { duration: number; instrumental?: boolean; title?: string; seed?: number; provider?: 'suno' | 'mureka' | 'local'; out: string }) => {
    const muse = client();
    const body: JobBodies['generation'] = { prompt: text, duration_seconds: opts.duration };
    if (opts.instrumental) body.instrumental = true;
    if (opts.title) body.title = opts.title;
    if (opts.seed !== undefined) body.seed = opts.seed;
    if (opts.provider) body.provider = opts.provider;
    const job = await runJob(muse, 'generation', body, 'generating');
    const trackId = job.resource!.id;
    const files: Array<{ variant_index: number; version_id: string; file: string }> = [];
    for (const { version, audio } of await muse.downloadTrack(trackId)) {
      mkdirSync(opts.out, { recursive: true });
      const file = join(opts.out, `${slug(opts.title ?? text)}-${trackId.slice(0, 8)}-v${version.variant_index}${extOf(version.audio_url!, '.mp3')}`);
      writeFileSync(file, audio);
      files.push({ variant_index: version.variant_index, version_id: version.id, file: resolve(file) });
    }
    if (globals().json) return out({ job, track_id: trackId, files });
    out(`track ${trackId}`);
    for (const f of files) out(`  variant ${f.variant_index}: ${f.file}`);
  });

program
  .command('lyrics')
  .description('Write lyrics (several variants)')
  .argument('<prompt>', 'what the lyrics are about')
  .option('--variants <n>', 'how many variants (1-4)', (v) => Number(v))
  .action(async (text: string, opts: { variants?: number }) => {
    const body: JobBodies['lyrics'] = { prompt: text };
    if (opts.variants !== undefined) body.variants = opts.variants;
    const job = await runJob(client(), 'lyrics', body, 'writing');
    if (globals().json) return out(job);
    const variants = (job.result?.variants ?? []) as Array<{ variant_index: number; title: string | null; content: string }>;
    for (const v of variants) out(`--- variant ${v.variant_index}${v.title ? `: ${v.title}` : ''} ---\n${v.content}\n`);
  });

program
  .command('stems')
  .description("Separate a track's master (or --version) into vocals, drums, bass, other and instrumental, and download them")
  .argument('<track>', 'track id')
  .option('--version <id>', 'a version of the track (default: the master)')
  .option('--out <dir>', 'where to save the stems', '.')
  .action(async (track: string, opts: { version?: string; out: string }) => {
    const muse = client();
    const job = await runJob(muse, 'stems', { track_id: track, ...(opts.version ? { version_id: opts.version } : {}) }, 'separating');
    const stems = (job.result?.stems ?? []) as Array<{ stem_type: string; audio_url: string }>;
    const files = [];
    for (const s of stems) files.push({ stem_type: s.stem_type, file: resolve(await save(muse, s.audio_url, opts.out, `${track.slice(0, 8)}-${s.stem_type}${extOf(s.audio_url, '.mp3')}`)) });
    if (globals().json) return out({ job, files });
    out(table(files, ['stem_type', 'file']));
  });

program
  .command('wav')
  .description("Export a track's master (or --version) as WAV and download it")
  .argument('<track>', 'track id')
  .option('--version <id>', 'a version of the track (default: the master)')
  .option('--bit-depth <bits>', '16 or 24', (v) => Number(v))
  .option('--out <dir>', 'where to save the WAV', '.')
  .action(async (track: string, opts: { version?: string; bitDepth?: number; out: string }) => {
    const muse = client();
    const body: JobBodies['wav'] = { track_id: track };
    if (opts.version) body.version_id = opts.version;
    if (opts.bitDepth === 16 || opts.bitDepth === 24) body.bit_depth = opts.bitDepth;
    else if (opts.bitDepth !== undefined) throw new CliError('--bit-depth must be 16 or 24');
    const job = await runJob(muse, 'wav', body, 'exporting');
    const file = resolve(await save(muse, String(job.result?.wav_url), opts.out, `${track.slice(0, 8)}.wav`));
    if (globals().json) return out({ job, file });
    out(file);
  });

program
  .command('analyze')
  .description('Describe a track (by id) or an audio file (uploaded to your library first): tempo, key, genre, mood, instruments')
  .argument('<track-or-file>', 'a track id, or the path of an audio file')
  .action(async (target: string) => {
    const muse = client();
    let body: JobBodies['description'];
    let uploaded: unknown;
    if (UUID.test(target) && !existsSync(target)) body = { track_id: target };
    else {
      if (!existsSync(target) || !statSync(target).isFile()) throw new CliError(`${target} is neither a track id nor a file`);
      const type = AUDIO_TYPES[extname(target).toLowerCase()];
      if (!type) throw new CliError(`${target}: not an audio file this platform takes (${Object.keys(AUDIO_TYPES).join(', ')})`);
      info(`uploading ${basename(target)} to your library…`);
      const item = await muse.library.upload(new Uint8Array(readFileSync(target)), { file_name: basename(target), content_type: type });
      uploaded = item;
      body = { audio_file_url: item.object_url };
    }
    const job = await runJob(muse, 'description', body, 'analysing');
    if (globals().json) return out(uploaded ? { job, library_item: uploaded } : job);
    const r = job.result ?? {};
    const fields = ['ai_description', 'genre', 'mood', 'tempo', 'key', 'time_signature', 'instruments', 'energy', 'danceability', 'vocal_presence'];
    out(table(fields.filter((f) => r[f] !== undefined).map((f) => ({ field: f, value: r[f] })), ['field', 'value']));
  });

program
  .command('jobs')
  .description('Your jobs, newest first; --watch follows every change live')
  .option('--kind <kind>', 'only this kind')
  .option('--status <status>', 'only this status')
  .option('--limit <n>', '1-100', (v) => Number(v), 20)
  .option('--watch', 'keep printing job changes as they happen (Ctrl-C to stop)')
  .action(async (opts: { kind?: Job['kind']; status?: Job['status']; limit: number; watch?: boolean }) => {
    const muse = client();
    const page = await muse.jobs.list({ kind: opts.kind, status: opts.status, limit: opts.limit });
    const columns = ['id', 'kind', 'status', 'progress', 'created_at'];
    if (!opts.watch) return out(globals().json ? page : table(page.data, columns));
    if (!globals().json) out(table(page.data, columns));
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    for await (const e of muse.events({ signal: controller.signal })) {
      if ((opts.kind && e.job.kind !== opts.kind) || (opts.status && e.job.status !== opts.status)) continue;
      if (globals().json) process.stdout.write(`${JSON.stringify(e.job)}\n`);
      else out(`${e.job.updated_at}  ${e.job.id}  ${e.job.kind.padEnd(12)} ${e.job.status.padEnd(10)} ${String(e.job.progress).padStart(3)}%${e.job.error ? `  ${e.job.error.message}` : ''}`);
    }
  });

program
  .command('tracks')
  .description('Your tracks, newest first')
  .option('--limit <n>', '1-100', (v) => Number(v), 20)
  .option('--cursor <cursor>', 'the next_cursor of a previous page')
  .option('--public', "everyone's public tracks")
  .action(async (opts: { limit: number; cursor?: string; public?: boolean }) => {
    const page = await client().tracks.list({ limit: opts.limit, cursor: opts.cursor, public: opts.public || undefined });
    if (globals().json) return out(page);
    out(table(page.data as Array<Record<string, unknown>>, ['id', 'title', 'status', 'duration', 'created_at']));
    if (page.next_cursor) out(`more: muse tracks --cursor ${page.next_cursor}`);
  });

program
  .command('cancel')
  .description('Cancel a job that has not finished')
  .argument('<job>', 'job id')
  .action(async (id: string) => {
    const job = await client().jobs.cancel(id);
    globals().json ? out(job) : out(`job ${job.id}: ${job.status}${isTerminal(job) ? '' : ' (still running)'}`);
  });


/** Failure: the problem's title on stderr (with --json also the problem on stdout), exit 1. */
function fail(error: unknown): never {
  let title: string;
  let body: unknown;
  if (error instanceof MuseApiError) {
    title = error.problem.detail && error.problem.detail !== error.problem.title ? `${error.problem.title}: ${error.problem.detail}` : error.problem.title;
    for (const e of error.problem.errors ?? []) title += `\n  ${e.path}: ${e.message}`;
    if (error.status === 401) title += '\n  (sign in again with `muse login`, or set MUSE_API_KEY)';
    body = { error: error.problem };
  } else if (error instanceof MuseJobError) {
    title = error.message;
    body = { error: { title: error.message }, job: error.job };
  } else if (error instanceof MuseAbortError) {
    title = error.job ? `cancelled: job ${error.job.id} is ${error.job.status}` : 'cancelled';
    body = { error: { title: 'cancelled' }, job: error.job ?? null };
  } else if (error instanceof CliError || error instanceof MuseError) {
    title = error.message;
    body = { error: { title: error.message } };
  } else if (error instanceof TypeError && /fetch failed/.test(error.message)) {
    title = `cannot reach the platform at ${resolveCredentials().baseUrl} (${String((error.cause as Error | undefined)?.message ?? error.message)})`;
    body = { error: { title } };
  } else {
    title = error instanceof Error ? error.message : String(error);
    body = { error: { title } };
  }
  if (globals().json) process.stdout.write(`${JSON.stringify(body)}\n`);
  process.stderr.write(`muse: ${title}\n`);
  process.exit(error instanceof MuseAbortError ? 130 : 1);
}

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (error) => fail(error),
);

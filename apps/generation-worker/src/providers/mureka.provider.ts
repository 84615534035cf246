import { MurekaClient, ProviderError, type MurekaKind, type MurekaTask, type ProviderEnv } from '@muse/providers';
import { titleFromPrompt } from './local-music.provider.js';
import type { GeneratedMusic, MusicGenerationProvider, MusicRequest, PollOutcome, ProgressReporter, SubmittedTask } from './music-provider.js';
import type { ResultFetcher } from './result-fetcher.js';

const PROGRESS = { preparing: 10, queued: 20, running: 50, streaming: 70 } as const;

/**
 * Mureka provider (contract in libs/providers/src/mureka.ts). Mureka has no callbacks: the task id
 * is stored and the job polls. Songs need lyrics, so a request without them gets Mureka's own
 * lyrics first; instrumentals use the instrumental endpoints. The task id carries its kind
 * (`song:…` / `instrumental:…`) because the two are queried at different paths.
 */
export class MurekaMusicProvider implements MusicGenerationProvider {
  readonly name = 'mureka';
  readonly sendsCallbacks = false;

  constructor(
    private readonly client: MurekaClient,
    private readonly env: ProviderEnv,
    private readonly fetcher: ResultFetcher,
  ) {}

  async generate(request: MusicRequest, _progress: ProgressReporter): Promise<SubmittedTask> {
    const model = request.model ?? this.env.MUREKA_MODEL;
    const prompt = [request.prompt, request.genre, request.mood, ...request.styleTags].filter(Boolean).join(', ').slice(0, 1024);
    if (request.instrumental) {
      const task = await this.client.generate('instrumental', { model, prompt });
      return { submitted: `instrumental:${task.id}` };
    }
    const lyrics = request.lyrics ?? (await this.client.generateLyrics(request.prompt.slice(0, 1024))).lyrics;
    const task = await this.client.generate('song', { lyrics, model, prompt });
    return { submitted: `song:${task.id}` };
  }

  async poll(taskId: string, request: MusicRequest): Promise<PollOutcome> {
    const [kind, id] = splitTaskId(taskId);
    const task = await this.client.query(kind, id);
    switch (task.status) {
      case 'preparing':
      case 'queued':
      case 'running':
      case 'streaming':
        return { state: 'pending', progress: PROGRESS[task.status] };
      case 'succeeded':
        return { state: 'done', music: await this.download(task, request) };
      default:
        // failed / timeouted / cancelled at the provider: nothing the user did (content is refused at submit).
        return { state: 'failed', message: `${task.status}: ${task.failed_reason || 'generation did not finish at the provider'}`, userFault: false };
    }
  }

  private async download(task: MurekaTask, request: MusicRequest): Promise<GeneratedMusic> {
    const choices = (task.choices ?? []).filter((c) => c.url).sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (choices.length === 0) throw new ProviderError(this.name, 'transient', 'succeeded without choices');
    const title = request.title ?? titleFromPrompt(request.prompt);
    const variants = [];
    for (const [variantIndex, c] of choices.slice(0, 2).entries()) {
      const audio = await this.fetcher.audio(this.name, c.url!);
      const cover = this.fetcher.localCover(request, variantIndex, title);
      variants.push({
        variantIndex,
        audio: audio.body,
        audioContentType: audio.contentType,
        cover: cover.body,
        coverContentType: cover.contentType,
        durationSeconds: c.duration ? c.duration / 1000 : request.durationSeconds,
        metadata: { provider: this.name, provider_task_id: task.id, provider_choice_id: c.id ?? null, provider_model: task.model ?? null },
      });
    }
    return { model: task.model ?? `mureka-${this.env.MUREKA_MODEL}`, hasVocals: !request.instrumental, title, variants };
  }
}

function splitTaskId(taskId: string): [MurekaKind, string] {
  const at = taskId.indexOf(':');
  const kind = taskId.slice(0, at);
  if (at < 0 || (kind !== 'song' && kind !== 'instrumental')) throw new ProviderError('mureka', 'permanent', `unrecognised task id '${taskId}'`);
  return [kind, taskId.slice(at + 1)];
}

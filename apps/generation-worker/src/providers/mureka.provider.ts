import { AudioInputError, decodeAudio } from '@muse/audio-analysis';
import { encodeMp3 } from '@muse/audio-engine';
import { MurekaClient, ProviderError, type MurekaKind, type MurekaTask, type ProviderEnv } from '@muse/providers';
import { titleFromPrompt } from './local-music.provider.js';
import type { GeneratedMusic, MusicGenerationProvider, MusicRequest, PollOutcome, ProgressReporter, SubmittedTask } from './music-provider.js';
import { invalidReference, MAX_REFERENCE_SECONDS, type ReferenceAudio } from './reference-audio.js';
import type { ResultFetcher } from './result-fetcher.js';

const PROGRESS = { preparing: 10, queued: 20, running: 50, streaming: 70 } as const;
/** How much of a reference Mureka listens to (it trims longer uploads to their first 30 s). */
const MUREKA_REFERENCE_SECONDS = 30;

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
    // A reference is uploaded first and steers the style instead of the prompt (Mureka takes one or the other);
    // a song's lyrics are still written from the prompt.
    if (request.instrumental) {
      const instrumentalId = request.reference ? await this.upload(request.reference, 'instrumental') : undefined;
      const task = await this.client.generate('instrumental', instrumentalId ? { model, instrumental_id: instrumentalId } : { model, prompt });
      return { submitted: `instrumental:${task.id}` };
    }
    const referenceId = request.reference ? await this.upload(request.reference, 'reference') : undefined;
    const lyrics = request.lyrics ?? (await this.client.generateLyrics(request.prompt.slice(0, 1024))).lyrics;
    const task = await this.client.generate('song', referenceId ? { lyrics, model, reference_id: referenceId } : { lyrics, model, prompt });
    return { submitted: `song:${task.id}` };
  }

  /** /v1/files/upload of the reference as MP3 (Mureka takes mp3 or m4a): the id generate() is given. */
  private async upload(reference: ReferenceAudio, purpose: 'reference' | 'instrumental'): Promise<string> {
    const file = await this.client.uploadFile(await murekaReferenceMp3(reference), 'reference.mp3', 'audio/mpeg', purpose);
    return file.id;
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

/** An MP3 reference as it is; a WAV's first 30 s (all Mureka listens to) encoded to MP3. */
async function murekaReferenceMp3(reference: ReferenceAudio): Promise<Buffer> {
  if (reference.format === 'mp3') return reference.audio;
  let audio;
  try {
    audio = await decodeAudio(reference.audio, { maxSeconds: MAX_REFERENCE_SECONDS });
  } catch (error) {
    if (error instanceof AudioInputError) throw invalidReference(error);
    throw error;
  }
  const frames = Math.min(audio.left.length, Math.round(MUREKA_REFERENCE_SECONDS * audio.sampleRate));
  return encodeMp3({ left: audio.left.subarray(0, frames), right: audio.right.subarray(0, frames) }, audio.sampleRate, 192);
}

import { ProviderError, SunoClient, SUNO_DESCRIPTION_MAX, SunoTimestampedLyrics, type ProviderEnv, type SunoGenerateRequest, type SunoRecordInfo } from '@muse/providers';
import { titleFromPrompt } from './local-music.provider.js';
import type { GeneratedMusic, MusicGenerationProvider, MusicRequest, PollOutcome, ProgressReporter, SubmitContext, SubmittedTask } from './music-provider.js';
import type { ResultFetcher } from './result-fetcher.js';

/** Progress shown for each record-info status on the way to SUCCESS. */
const PROGRESS = { PENDING: 15, TEXT_SUCCESS: 35, FIRST_SUCCESS: 60 } as const;

/**
 * Suno-compatible provider (sunoapi.org contract, see libs/providers/src/suno.ts): submits (generate, or
 * upload-cover for a generation with a reference) with a callBackUrl and returns the task id; record-info is the source of truth for both the poll and the
 * callback path, so a forged or stale callback body can never inject a result URL.
 */
export class SunoMusicProvider implements MusicGenerationProvider {
  readonly name = 'suno';
  readonly sendsCallbacks = true;

  private readonly timing: SunoTimestampedLyrics;

  constructor(
    private readonly client: SunoClient,
    private readonly env: ProviderEnv,
    private readonly fetcher: ResultFetcher,
  ) {
    this.timing = new SunoTimestampedLyrics(client);
  }

  async generate(request: MusicRequest, _progress: ProgressReporter, context?: SubmitContext): Promise<SubmittedTask> {
    // sunoapi.org requires callBackUrl; without a receiving endpoint the provider is not offered.
    if (!context?.callbackUrl) throw new ProviderError(this.name, 'transient', 'no callback URL configured (PROVIDER_CALLBACK_BASE_URL, PROVIDER_CALLBACK_SECRET)');
    const style = [request.genre, request.mood, ...request.styleTags].filter(Boolean).join(', ');
    const custom = request.lyrics !== null || request.instrumental || request.prompt.length > SUNO_DESCRIPTION_MAX;
    const body: SunoGenerateRequest = custom
      ? {
          customMode: true,
          instrumental: request.instrumental,
          model: this.model(request),
          callBackUrl: context.callbackUrl,
          // Custom mode sings `prompt` verbatim: our lyrics, or the description for instrumentals.
          prompt: request.instrumental ? request.prompt : (request.lyrics ?? request.prompt),
          style: style || request.prompt.slice(0, 200),
          title: (request.title ?? titleFromPrompt(request.prompt)).slice(0, 80),
        }
      : { customMode: false, instrumental: false, model: this.model(request), callBackUrl: context.callbackUrl, prompt: request.prompt };
    // With a reference, upload-cover: the same fields, and Suno fetches the audio itself (we checked it is usable first).
    const taskId = request.reference ? await this.client.uploadCover({ ...body, uploadUrl: request.reference.url }) : await this.client.generate(body);
    return { submitted: taskId };
  }

  async poll(taskId: string, request: MusicRequest): Promise<PollOutcome> {
    const info = await this.client.recordInfo(taskId);
    switch (info.status) {
      case 'PENDING':
      case 'TEXT_SUCCESS':
      case 'FIRST_SUCCESS':
        return { state: 'pending', progress: PROGRESS[info.status] };
      case 'SUCCESS':
        return { state: 'done', music: await this.download(info, request) };
      case 'SENSITIVE_WORD_ERROR':
        return { state: 'failed', message: info.errorMessage ?? 'the prompt was refused by the content policy', userFault: true };
      default:
        return { state: 'failed', message: `${info.status}: ${info.errorMessage ?? 'generation failed at the provider'}`, userFault: false };
    }
  }

  /**
   * When each line is sung, from Suno's aligned words (get-timestamped-lyrics), for the view
   * tracks_with_timestamped_lyrics. Timing is an extra: a refusal here must not lose the song, so
   * a failed call leaves the version without timing and the transient error is not raised.
   */
  private async lyricTiming(taskId: string, audioId: string): Promise<{ timestamped_lyrics?: Array<{ text: string; start: number; end: number }> }> {
    try {
      const outcome = await this.timing.run({ providerRef: { taskId, audioId } });
      return outcome.state === 'done' && outcome.value.lines.length > 0 ? { timestamped_lyrics: outcome.value.lines } : {};
    } catch {
      return {};
    }
  }

  private model(request: MusicRequest) {
    const wanted = request.model?.toUpperCase();
    return (['V3_5', 'V4', 'V4_5', 'V4_5PLUS', 'V5'] as const).find((m) => m === wanted) ?? this.env.SUNO_MODEL;
  }

  private async download(info: SunoRecordInfo, request: MusicRequest): Promise<GeneratedMusic> {
    const tracks = (info.response?.sunoData ?? []).filter((t) => t.audioUrl);
    if (tracks.length === 0) throw new ProviderError(this.name, 'transient', 'SUCCESS without audio URLs');
    const title = tracks[0]!.title ?? request.title ?? titleFromPrompt(request.prompt);
    const variants = [];
    for (const [variantIndex, t] of tracks.slice(0, 2).entries()) {
      const audio = await this.fetcher.audio(this.name, t.audioUrl!);
      const cover = t.imageUrl ? await this.fetcher.cover(this.name, t.imageUrl) : this.fetcher.localCover(request, variantIndex, title);
      variants.push({
        variantIndex,
        audio: audio.body,
        audioContentType: audio.contentType,
        cover: cover.body,
        coverContentType: cover.contentType,
        durationSeconds: t.duration ?? request.durationSeconds,
        // The provider's own ids are kept for support; its URLs are not — ours replace them.
        metadata: {
          provider: this.name, provider_task_id: info.taskId, provider_clip_id: t.id, provider_model: t.modelName ?? null, tags: t.tags ?? null,
          ...(request.instrumental ? {} : await this.lyricTiming(info.taskId, t.id)),
        },
      });
    }
    return { model: tracks[0]!.modelName ?? `suno-${this.env.SUNO_MODEL}`, hasVocals: !request.instrumental, title, variants };
  }
}

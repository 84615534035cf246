import { z } from 'zod';
import { ProviderError } from './errors.js';
import type {
  AudioResult, ClassificationInput, ClassificationProvider, ClassificationResult, ClassifierType, StemSeparationInput, StemSeparationProvider,
  StemUrls, SubmitOptions, TaskOutcome, TransformationInput, TransformationProvider, UpscaleInput, UpscaleProvider,
} from './kinds.js';
import type { ReplicateClient, ReplicatePrediction } from './replicate.js';

/** Progress shown for a prediction that has not finished; the rest is an outcome. */
function pending(p: ReplicatePrediction): TaskOutcome<never> | undefined {
  if (p.status === 'starting') return { state: 'pending', progress: 10 };
  if (p.status === 'processing') return { state: 'pending', progress: 50 };
  return undefined;
}

/**
 * A prediction that ended without succeeding. Replicate reports model errors as free text in
 * `error`; nothing in it says whose fault it was, except the safety checkers' NSFW wording, so only
 * that counts as the user's (no refund); everything else is the provider's (refund).
 */
export function replicateFailure(p: ReplicatePrediction): TaskOutcome<never> {
  const error = typeof p.error === 'string' ? p.error : 'prediction did not succeed';
  const userFault = p.status === 'failed' && /nsfw|safety|content polic|sensitive/i.test(error);
  return { state: 'failed', message: `${p.status}: ${error}`, userFault };
}

/**
 * One Replicate model run by version as a task of some kind: subclasses say what input the model
 * takes and how its output reads; creating the prediction (with the completed-only webhook),
 * progress and failures are the same for every model.
 */
abstract class ReplicateModelTask<I, T> {
  readonly name = 'replicate';
  readonly mode = 'task' as const;
  readonly sendsCallbacks = true;

  constructor(
    protected readonly client: ReplicateClient,
    protected readonly version: string,
  ) {}

  protected abstract modelInput(input: I): Record<string, unknown>;
  protected abstract result(p: ReplicatePrediction): T | Promise<T>;

  async submit(input: I, options: SubmitOptions = {}): Promise<string> {
    const prediction = await this.client.create({ version: this.version, input: this.modelInput(input), webhook: options.webhookUrl, webhookEventsFilter: ['completed'] });
    return prediction.id;
  }

  async poll(taskId: string): Promise<TaskOutcome<T>> {
    const p = await this.client.get(taskId);
    const waiting = pending(p);
    if (waiting) return waiting;
    if (p.status !== 'succeeded') return replicateFailure(p);
    return { state: 'done', value: await this.result(p) };
  }
}

/**
 * Demucs on Replicate (cjwbw/demucs, a community model, so it runs by version id:
 * https://replicate.com/cjwbw/demucs). Inputs as published: audio, model_name (htdemucs…),
 * output_format, mp3_bitrate, shifts, overlap, clip_mode; output: an object of stem URLs.
 * `mode: 'vocals'` uses its `stem: 'vocals'` input (two stems: vocals and no_vocals → instrumental).
 */
export const DEMUCS_DEFAULT_VERSION = '25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953';

export class ReplicateDemucs extends ReplicateModelTask<StemSeparationInput, StemUrls> implements StemSeparationProvider {
  constructor(client: ReplicateClient, version = DEMUCS_DEFAULT_VERSION) {
    super(client, version);
  }

  protected modelInput(input: StemSeparationInput) {
    return {
      audio: input.audioUrl,
      model_name: 'htdemucs',
      ...(input.mode === 'vocals' ? { stem: 'vocals' } : {}),
      output_format: 'mp3',
      mp3_bitrate: 320,
      shifts: 1,
      overlap: 0.25,
      clip_mode: 'rescale',
    };
  }

  protected result(p: ReplicatePrediction): StemUrls {
    const stems = z.record(z.string(), z.string().nullable()).safeParse(p.output);
    if (!stems.success) throw new ProviderError(this.name, 'transient', 'succeeded without a stems object');
    // With `stem: 'vocals'` Demucs names the rest no_vocals: called instrumental here, as Suno's separate_vocal does.
    const urls = Object.fromEntries(
      Object.entries(stems.data)
        .filter((e): e is [string, string] => typeof e[1] === 'string')
        .map(([name, url]) => [name === 'no_vocals' ? 'instrumental' : name, url]),
    );
    if (Object.keys(urls).length === 0) throw new ProviderError(this.name, 'transient', 'succeeded without stems');
    return urls;
  }
}

/** A prediction whose output is one file URL (string, or a one-element list as some models answer). */
function singleUrl(provider: string, p: ReplicatePrediction): string {
  const out = Array.isArray(p.output) ? p.output[0] : p.output;
  if (typeof out !== 'string' || !/^https?:\/\//.test(out)) throw new ProviderError(provider, 'transient', 'succeeded without an output file URL');
  return out;
}

/**
 * Audio upscale (super-resolution to 48 kHz) with AudioSR on Replicate: nateraw/audio-super-resolution
 * (https://replicate.com/nateraw/audio-super-resolution/versions/ca4dde08…/api; a community model, run by version).
 * Published inputs: input_file, ddim_steps (10–100, default 50), guidance_scale (1–20, default 3.5), seed;
 * output: one file URI (48 kHz WAV). AudioSR is the latent-diffusion (AudioLDM-family) upscaler the designs'
 * audio_upscale_jobs describe with guidance_scale / ddim_steps / seed; `stable-audio-open` and `audioldm2`
 * are text-to-audio generators on Replicate, not upscalers, so they are not used for this kind.
 */
export const AUDIO_SR_DEFAULT_VERSION = '9c3d3e39fb0cb6aea677264881d8073f835336137b39fdea4e94093319379535';

export class ReplicateAudioUpscaler extends ReplicateModelTask<UpscaleInput, AudioResult> implements UpscaleProvider {
  constructor(client: ReplicateClient, version = AUDIO_SR_DEFAULT_VERSION) {
    super(client, version);
  }

  protected modelInput(input: UpscaleInput) {
    const clamp = (v: number | undefined, min: number, max: number, fallback: number) => (v === undefined || !Number.isFinite(v) ? fallback : Math.min(max, Math.max(min, v)));
    return {
      input_file: input.audioUrl,
      ddim_steps: Math.round(clamp(input.ddimSteps, 10, 100, 50)),
      guidance_scale: clamp(input.guidanceScale, 1, 20, 3.5),
      ...(input.seed !== undefined ? { seed: Math.trunc(input.seed) } : {}),
    };
  }

  protected result(p: ReplicatePrediction): AudioResult {
    return { audioUrl: singleUrl(this.name, p) };
  }
}

/**
 * Studio Nexus transformations with MusicGen on Replicate (meta/musicgen,
 * https://replicate.com/meta/musicgen/versions/7a76a825…/api): published inputs prompt, input_audio,
 * model_version (stereo-melody-large, melody-large, …: only the melody models take input_audio), duration
 * (≤ 30 s), continuation (false: the result follows the input's melody — a re-arrangement in the prompt's
 * style, which is what a transformation is), normalization_strategy, output_format (wav, the default, or mp3),
 * seed; output one file URI.
 */
export const MUSICGEN_DEFAULT_VERSION = '671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb';
export const MUSICGEN_MAX_SECONDS = 30;

export class ReplicateMusicTransformer extends ReplicateModelTask<TransformationInput, AudioResult> implements TransformationProvider {
  constructor(client: ReplicateClient, version = MUSICGEN_DEFAULT_VERSION) {
    super(client, version);
  }

  protected modelInput(input: TransformationInput) {
    const duration = Math.round(Math.min(MUSICGEN_MAX_SECONDS, Math.max(1, input.durationSeconds ?? 15)));
    return {
      prompt: input.prompt,
      input_audio: input.audioUrl,
      model_version: 'stereo-melody-large',
      duration,
      continuation: false,
      normalization_strategy: 'loudness',
      output_format: 'wav',
      ...(input.seed !== undefined ? { seed: Math.trunc(input.seed) } : {}),
    };
  }

  protected result(p: ReplicatePrediction): AudioResult {
    return { audioUrl: singleUrl(this.name, p) };
  }
}

/**
 * Classification with Essentia's transfer-learning classifiers on Replicate (mtg/music-classifiers,
 * https://replicate.com/mtg/music-classifiers: "music classification by genres, moods, and
 * instrumentation"). Its schema page is not in our doc store; as used publicly it takes `audio` and
 * `model_type` (effnet-discogs, musicnn-msd, vggish-audioset) and its output is a URL to a report
 * file rather than inline JSON. So poll brings the report in through `fetchReport` (the worker
 * passes its SSRF-safe fetcher) and parseClassifierReport reads it: JSON (label → score, or
 * [{label, score}]) or the Markdown tables the model writes (one `#` section per classifier task).
 */
export const MUSIC_CLASSIFIERS_DEFAULT_VERSION = 'fb1f50036eaaf8918ca419f236b0b48d28bc3ef20b4b3f915cf9ed1a3d3064ab';

export class ReplicateMusicClassifier extends ReplicateModelTask<ClassificationInput, ClassificationResult> implements ClassificationProvider {
  constructor(
    client: ReplicateClient,
    /** Reads a result file the provider points to (an SSRF-safe fetch); text back. */
    private readonly fetchReport: (url: string) => Promise<string>,
    version = MUSIC_CLASSIFIERS_DEFAULT_VERSION,
  ) {
    super(client, version);
  }

  protected modelInput(input: ClassificationInput) {
    return { audio: input.audioUrl, model_type: 'effnet-discogs' };
  }

  /**
   * The model reports every task (genres, moods, instrumentation) at once: `labels` holds all of
   * them, `byClassifier` each type's own (the worker keeps its job's classifier type).
   */
  protected async result(p: ReplicatePrediction): Promise<ClassificationResult> {
    const output = p.output;
    const report = typeof output === 'string' && /^https?:\/\//.test(output) ? await this.fetchReport(output) : output;
    const labels = parseClassifierReport(report);
    if (labels.length === 0) throw new ProviderError(this.name, 'transient', 'succeeded without any label');
    const byClassifier = Object.fromEntries((['genre', 'mood', 'instrument'] as const).map((type) => [type, parseClassifierReport(report, type, true)])) as ClassificationResult['byClassifier'];
    return { labels, byClassifier, raw: report };
  }
}

const CLASSIFIER_SECTIONS: Record<ClassifierType, RegExp> = {
  genre: /genre|style|discogs/i,
  mood: /mood|emotion|arousal|valence|danceab/i,
  instrument: /instrument|acoustic|electronic|voice|timbre/i,
};

/** Report (JSON value or Markdown text) → labels best first, scores in 0..1 (percentages scaled). */
export function parseClassifierReport(report: unknown, classifier?: ClassifierType, strict = false): Array<{ label: string; score: number }> {
  const score = (v: unknown): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN;
    if (!Number.isFinite(n)) return undefined;
    const scaled = typeof v === 'string' && v.trim().endsWith('%') ? n / 100 : n > 1 && n <= 100 ? n / 100 : n;
    return scaled >= 0 && scaled <= 1 ? scaled : undefined;
  };
  const rows: Array<{ section: string; label: string; score: number }> = [];
  const fromValue = (value: unknown, section: string) => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const r = item as { label?: unknown; name?: unknown; score?: unknown; probability?: unknown };
        const s = score(r?.score ?? r?.probability);
        const label = typeof r?.label === 'string' ? r.label : typeof r?.name === 'string' ? r.name : undefined;
        if (label && s !== undefined) rows.push({ section, label, score: s });
      }
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const s = score(v);
        if (s !== undefined) rows.push({ section, label: k, score: s });
        else if (v && typeof v === 'object') fromValue(v, k);
      }
    }
  };
  if (typeof report === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(report);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) fromValue(parsed, '');
    else {
      let section = '';
      for (const line of report.split('\n')) {
        const heading = /^#+\s*(.+)$/.exec(line.trim());
        if (heading) {
          section = heading[1]!;
          continue;
        }
        const cells = line.split('|').map((c) => c.trim()).filter(Boolean);
        if (cells.length < 2 || /^[-: ]+$/.test(cells[0]!)) continue;
        const s = score(cells[cells.length - 1]);
        if (s !== undefined) rows.push({ section, label: cells.slice(0, -1).join(' '), score: s });
      }
    }
  } else fromValue(report, '');
  const wanted = classifier ? rows.filter((r) => CLASSIFIER_SECTIONS[classifier].test(r.section)) : [];
  // strict: only that classifier's section (empty when the report has none); otherwise fall back to every label.
  const chosen = wanted.length > 0 || (strict && classifier) ? wanted : rows;
  return chosen
    .map(({ label, score: s }) => ({ label, score: s }))
    .sort((a, b) => b.score - a.score);
}

import { z } from 'zod';
import { ProviderError } from './errors.js';
import type { FalClient } from './fal.js';
import type { ReplicateClient } from './replicate.js';

/**
 * Provider interfaces per kind of work outside music generation, for the workers of those kinds
 * (stems, description). Same shape as the generation providers: submit returns the provider's
 * task id, poll (or a verified callback's prompt) reads where the task stands. Result URLs are the
 * provider's: the worker must bring them in with safeFetch and store them in our S3.
 */
export type TaskOutcome<T> = { state: 'pending'; progress: number } | { state: 'done'; value: T } | { state: 'failed'; message: string; userFault: boolean };

export interface StemSeparationProvider {
  readonly name: string;
  submit(audioUrl: string, options?: { webhookUrl?: string }): Promise<string>;
  /** Stem name (vocals, drums, bass, other, …) → the provider's file URL. */
  poll(taskId: string): Promise<TaskOutcome<Record<string, string>>>;
}

export interface SongDescriptionProvider {
  readonly name: string;
  submit(audioUrl: string, options?: { webhookUrl?: string }): Promise<string>;
  poll(taskId: string): Promise<TaskOutcome<{ description: string; raw: unknown }>>;
}

/**
 * Demucs on Replicate (cjwbw/demucs, a community model, so it runs by version id:
 * https://replicate.com/cjwbw/demucs). Inputs as published: audio, model_name (htdemucs…),
 * output_format, mp3_bitrate, shifts, overlap, clip_mode; output: an object of stem URLs.
 */
export const DEMUCS_DEFAULT_VERSION = '25a173108cff36ef9f80f854c162d01df9e6528be175794b81158fa03836d953';

export class ReplicateDemucs implements StemSeparationProvider {
  readonly name = 'replicate';

  constructor(
    private readonly client: ReplicateClient,
    private readonly version = DEMUCS_DEFAULT_VERSION,
  ) {}

  async submit(audioUrl: string, options: { webhookUrl?: string } = {}): Promise<string> {
    const prediction = await this.client.create({
      version: this.version,
      input: { audio: audioUrl, model_name: 'htdemucs', output_format: 'mp3', mp3_bitrate: 320, shifts: 1, overlap: 0.25, clip_mode: 'rescale' },
      webhook: options.webhookUrl,
      webhookEventsFilter: ['completed'],
    });
    return prediction.id;
  }

  async poll(taskId: string): Promise<TaskOutcome<Record<string, string>>> {
    const p = await this.client.get(taskId);
    switch (p.status) {
      case 'starting':
        return { state: 'pending', progress: 10 };
      case 'processing':
        return { state: 'pending', progress: 50 };
      case 'succeeded': {
        const stems = z.record(z.string(), z.string().nullable()).safeParse(p.output);
        if (!stems.success) throw new ProviderError(this.name, 'transient', 'succeeded without a stems object');
        const urls = Object.fromEntries(Object.entries(stems.data).filter((e): e is [string, string] => typeof e[1] === 'string'));
        if (Object.keys(urls).length === 0) throw new ProviderError(this.name, 'transient', 'succeeded without stems');
        return { state: 'done', value: urls };
      }
      default:
        return { state: 'failed', message: `${p.status}: ${typeof p.error === 'string' ? p.error : 'prediction did not succeed'}`, userFault: false };
    }
  }
}

/**
 * Song description on fal's queue. The model id is configuration (FAL_DESCRIPTION_MODEL); its
 * input takes `audio_url`, and the first text field of its output (description, output or text)
 * is the description.
 */
export class FalSongDescriber implements SongDescriptionProvider {
  readonly name = 'fal';

  constructor(
    private readonly client: FalClient,
    private readonly modelId: string,
  ) {}

  submit(audioUrl: string, options: { webhookUrl?: string } = {}): Promise<string> {
    return this.client.submit(this.modelId, { audio_url: audioUrl }, options.webhookUrl);
  }

  async poll(taskId: string): Promise<TaskOutcome<{ description: string; raw: unknown }>> {
    const status = await this.client.status(this.modelId, taskId);
    if (status.status === 'IN_QUEUE') return { state: 'pending', progress: 10 };
    if (status.status === 'IN_PROGRESS') return { state: 'pending', progress: 50 };
    if (status.error) return { state: 'failed', message: String(status.error), userFault: false };
    const raw = await this.client.result(this.modelId, taskId);
    const record = (raw ?? {}) as Record<string, unknown>;
    const description = [record.description, record.output, record.text].find((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (!description) throw new ProviderError(this.name, 'transient', 'completed without a description');
    return { state: 'done', value: { description, raw } };
  }
}

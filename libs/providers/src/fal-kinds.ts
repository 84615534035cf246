import { ProviderError } from './errors.js';
import type { FalClient } from './fal.js';
import type { SongDescriptionInput, SongDescriptionProvider, SongDescriptionResult, SubmitOptions, TaskOutcome } from './kinds.js';

/**
 * Song description on fal's queue. The model id is configuration (FAL_DESCRIPTION_MODEL); its
 * input takes `audio_url`, and the first text field of its output (description, output or text)
 * is the description.
 */
export class FalSongDescriber implements SongDescriptionProvider {
  readonly name = 'fal';
  readonly mode = 'task' as const;
  readonly sendsCallbacks = true;

  constructor(
    private readonly client: FalClient,
    private readonly modelId: string,
  ) {}

  submit(input: SongDescriptionInput, options: SubmitOptions = {}): Promise<string> {
    return this.client.submit(this.modelId, { audio_url: input.audioUrl }, options.webhookUrl);
  }

  async poll(taskId: string): Promise<TaskOutcome<SongDescriptionResult>> {
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

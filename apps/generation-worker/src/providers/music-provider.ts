import type { ReferenceAudio } from './reference-audio.js';

/** What a generation asks of a music provider, whichever provider it is. */
export interface MusicRequest {
  prompt: string;
  title: string | null;
  lyrics: string | null;
  styleTags: string[];
  genre: string | null;
  mood: string | null;
  instrumental: boolean;
  durationSeconds: number;
  seed: number | null;
  model: string | null;
  /** The track's reference_audio_url, fetched and checked (only when submitting; polls do without). */
  reference?: ReferenceAudio;
}

export interface GeneratedVariant {
  variantIndex: number;
  audio: Buffer;
  audioContentType: string;
  cover: Buffer;
  coverContentType: string;
  durationSeconds: number;
  metadata: Record<string, unknown>;
}

export interface GeneratedMusic {
  model: string;
  hasVocals: boolean;
  title: string;
  variants: GeneratedVariant[];
}

export type ProgressReporter = (percent: number) => Promise<void>;

/** A provider that works asynchronously answers a submission with its task id instead of music. */
export interface SubmittedTask {
  submitted: string;
}
export const isSubmitted = (outcome: GeneratedMusic | SubmittedTask): outcome is SubmittedTask => 'submitted' in outcome;

/** Where the job stands at the provider, read by a poll (or on a callback's prompt). */
export type PollOutcome =
  | { state: 'pending'; progress: number }
  | { state: 'done'; music: GeneratedMusic }
  | { state: 'failed'; message: string; userFault: boolean };

export interface SubmitContext {
  jobId: string;
  /** The job's callback URL with its per-job token, when this deployment can receive callbacks. */
  callbackUrl?: string;
}

export interface MusicGenerationProvider {
  readonly name: string;
  /** Either renders the music now, or submits it and returns the provider's task id. */
  generate(request: MusicRequest, progress: ProgressReporter, context?: SubmitContext): Promise<GeneratedMusic | SubmittedTask>;
  /** Reads a submitted task; required of providers that return SubmittedTask. */
  poll?(taskId: string, request: MusicRequest): Promise<PollOutcome>;
  /** Whether the provider calls back (then polling is only the safety net, and slower). */
  readonly sendsCallbacks?: boolean;
  /** Releases what the provider holds (threads, sockets) when the worker shuts down. */
  close?(): Promise<void>;
}

export const MUSIC_PROVIDERS = Symbol('MUSIC_PROVIDERS');

/** A failure that retrying cannot fix (bad input, content refused): the job fails at once. */
export class PermanentProviderError extends Error {}

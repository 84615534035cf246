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

export interface MusicGenerationProvider {
  readonly name: string;
  generate(request: MusicRequest, progress: ProgressReporter): Promise<GeneratedMusic>;
  /** Releases what the provider holds (threads, sockets) when the worker shuts down. */
  close?(): Promise<void>;
}

export const MUSIC_PROVIDERS = Symbol('MUSIC_PROVIDERS');

/** A failure that retrying cannot fix (bad input, content refused): the job fails at once. */
export class PermanentProviderError extends Error {}

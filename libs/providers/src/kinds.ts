/**
 * Provider interfaces per kind of work, for the workers of those kinds. ONE way per kind:
 *
 * - `TaskProvider` (mode 'task'): the provider queues the work. `submit` returns the provider's task
 *   id (record it on the job), `poll` reads where the task stands. A verified callback only prompts
 *   a poll: the poll answer is the source of truth, so a forged or stale callback body can never
 *   inject a result. `sendsCallbacks` says whether a webhook URL given to submit will be called.
 * - `ImmediateProvider` (mode 'immediate'): the provider answers in the same HTTP call (Mureka
 *   lyrics, file upload, recognition; Suno personas and timestamped lyrics). `run` returns the final
 *   outcome directly; nothing to poll.
 *
 * Workers switch on `provider.mode`. Every failure that is not a finished outcome is thrown as a
 * ProviderError (errors.ts): `transient` (retry later / next provider, blames the breaker) or
 * `permanent` (the request itself was refused). A finished-but-failed task is an outcome with
 * `userFault` (content policy, bad input: no refund) or not (provider failed: refund).
 * Result URLs are the provider's: the worker must bring them in with safeFetch and store them in our S3.
 */
export type TaskOutcome<T> = { state: 'pending'; progress: number } | { state: 'done'; value: T } | { state: 'failed'; message: string; userFault: boolean };
export type FinalOutcome<T> = Exclude<TaskOutcome<T>, { state: 'pending' }>;

export interface SubmitOptions {
  /** Where the provider should call back (callbackUrl() with the per-job token, or Replicate/fal webhook URL). */
  webhookUrl?: string;
}

export interface TaskProvider<I, T> {
  readonly name: string;
  readonly mode: 'task';
  readonly sendsCallbacks: boolean;
  submit(input: I, options?: SubmitOptions): Promise<string>;
  poll(taskId: string): Promise<TaskOutcome<T>>;
}

export interface ImmediateProvider<I, T> {
  readonly name: string;
  readonly mode: 'immediate';
  run(input: I): Promise<FinalOutcome<T>>;
}

export type KindProvider<I, T> = TaskProvider<I, T> | ImmediateProvider<I, T>;

/**
 * A provider's own handle on a track it produced earlier. Suno's follow-up endpoints (extend,
 * stems, WAV, replace section, persona, timestamped lyrics) take the generation's taskId and the
 * track's audioId, not a file: only tracks generated at that provider can be processed there.
 */
export interface ProviderTrackRef {
  taskId: string;
  audioId: string;
}

/** A finished song at a provider (generation-like results: extend, section replacement). */
export interface ProviderSong {
  /** The provider's id of this track (Suno audioId) — keep it for follow-up work. */
  id: string;
  audioUrl: string;
  imageUrl?: string;
  title?: string;
  tags?: string;
  lyrics?: string;
  durationSeconds?: number;
}

// ---- stem separation ----
export interface StemSeparationInput {
  audioUrl: string;
  /** 'vocals': vocals + instrumental; 'stems': every instrument the provider separates. */
  mode?: 'vocals' | 'stems';
  /** Required by Suno (its own tracks only); ignored by Replicate Demucs. */
  providerRef?: ProviderTrackRef;
}
/** Stem name (vocals, instrumental, drums, bass, other, …) → the provider's file URL. */
export type StemUrls = Record<string, string>;
export type StemSeparationProvider = TaskProvider<StemSeparationInput, StemUrls>;

// ---- WAV conversion ----
export interface WavConversionInput {
  providerRef: ProviderTrackRef;
}
export interface WavResult {
  wavUrl: string;
}
export type WavConversionProvider = TaskProvider<WavConversionInput, WavResult>;

// ---- lyrics ----
export interface LyricsInput {
  /** What the lyrics should be about (Suno: at most 200 characters). */
  prompt: string;
  /** 'extend' continues `lyrics` (Mureka /v1/lyrics/extend). */
  mode?: 'generate' | 'extend';
  lyrics?: string;
}
export interface LyricsResult {
  variants: Array<{ title?: string; text: string }>;
}
export type LyricsProvider = KindProvider<LyricsInput, LyricsResult>;

// ---- extend ----
export interface ExtendInput {
  providerRef: ProviderTrackRef;
  /** Seconds into the source track where the continuation starts. */
  continueAt: number;
  prompt?: string;
  style?: string;
  title?: string;
  negativeTags?: string;
  instrumental?: boolean;
  model?: string;
}
export interface SongsResult {
  songs: ProviderSong[];
}
export type ExtendProvider = TaskProvider<ExtendInput, SongsResult>;

// ---- section replacement ----
export interface SectionReplacementInput {
  providerRef: ProviderTrackRef;
  startSeconds: number;
  endSeconds: number;
  prompt: string;
  tags: string;
  negativeTags?: string;
  title?: string;
}
export interface SectionReplacementResult {
  audioUrl: string;
  /** The provider's id of the new track, and every track it returned. */
  songs: ProviderSong[];
}
export type SectionReplacementProvider = TaskProvider<SectionReplacementInput, SectionReplacementResult>;

// ---- persona ----
export interface PersonaInput {
  providerRef: ProviderTrackRef;
  name: string;
  description: string;
}
export interface PersonaResult {
  personaId: string;
  name?: string;
  description?: string;
}
export type PersonaProvider = KindProvider<PersonaInput, PersonaResult>;

// ---- timestamped lyrics ----
export interface TimestampedLyricsInput {
  providerRef: ProviderTrackRef;
}
export interface AlignedWord {
  word: string;
  start: number;
  end: number;
}
export interface TimestampedLyricsResult {
  /** Seconds from the start of the track. */
  words: AlignedWord[];
  /** Words grouped into the lyric lines (split on newlines in the aligned text). */
  lines: Array<{ text: string; start: number; end: number }>;
  /** Waveform amplitudes the provider returns alongside, when it does. */
  waveform?: number[];
}
export type TimestampedLyricsProvider = KindProvider<TimestampedLyricsInput, TimestampedLyricsResult>;

// ---- upscale ----
export interface UpscaleInput {
  audioUrl: string;
  guidanceScale?: number;
  ddimSteps?: number;
  seed?: number;
}
export interface AudioResult {
  audioUrl: string;
}
export type UpscaleProvider = TaskProvider<UpscaleInput, AudioResult>;

// ---- classification ----
export type ClassifierType = 'genre' | 'instrument' | 'mood';
export interface ClassificationInput {
  audioUrl: string;
  classifier: ClassifierType;
}
export interface ClassificationResult {
  /** Best first, scores 0..1 (the requested classifier's when known, else every label reported). */
  labels: Array<{ label: string; score: number }>;
  /** The same per classifier type, for models that report every task at once (read the job's type here). */
  byClassifier?: Partial<Record<ClassifierType, Array<{ label: string; score: number }>>>;
  raw: unknown;
}
export type ClassificationProvider = TaskProvider<ClassificationInput, ClassificationResult>;

// ---- transformation (Studio Nexus) ----
export interface TransformationInput {
  audioUrl: string;
  /** What the result should sound like ("full classical orchestra, moderate tempo"). */
  prompt: string;
  durationSeconds?: number;
  seed?: number;
}
export type TransformationProvider = TaskProvider<TransformationInput, AudioResult>;

// ---- song description ----
export interface SongDescriptionInput {
  audioUrl: string;
}
export interface SongDescriptionResult {
  description: string;
  raw: unknown;
}
export type SongDescriptionProvider = TaskProvider<SongDescriptionInput, SongDescriptionResult>;

// ---- song recognition ----
export interface SongRecognitionInput {
  /** A file id from FileUploadProvider (Mureka recognises uploaded files only). */
  fileId: string;
}
export interface RecognizedSong {
  title: string;
  artist?: string;
  album?: string;
  /** 0..1 when the provider gives one. */
  confidence?: number;
  raw: unknown;
}
export interface SongRecognitionResult {
  /** Title/artist when the provider identifies the recording; null when it does not (or, like Mureka, only transcribes). */
  match: RecognizedSong | null;
  /** Lyrics heard in the audio with times, when the provider transcribes them (Mureka's song/recognize does). */
  lyrics?: Pick<TimestampedLyricsResult, 'words' | 'lines'>;
  durationSeconds?: number;
}
export type SongRecognitionProvider = KindProvider<SongRecognitionInput, SongRecognitionResult>;

// ---- file upload ----
export interface FileUploadInput {
  file: Buffer;
  filename: string;
  contentType: string;
  /** What the provider will use the file for (Mureka: audio, reference, vocal, melody, …). */
  purpose: string;
}
export interface FileUploadResult {
  fileId: string;
  bytes?: number;
}
export type FileUploadProvider = ImmediateProvider<FileUploadInput, FileUploadResult>;

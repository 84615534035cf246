import type {
  FileUploadInput, FileUploadProvider, FileUploadResult, FinalOutcome, ImmediateProvider, LyricsInput, LyricsResult,
  SongRecognitionInput, SongRecognitionResult, TimestampedLyricsResult,
} from './kinds.js';
import type { MurekaClient, MurekaRecognition } from './mureka.js';

/*
 * Mureka kinds (endpoints and sources in mureka.ts). All three answer in the same HTTP call, so they
 * are ImmediateProviders. A refusal (400: invalid request or content policy) is thrown as a permanent
 * ProviderError by the client; 401/403/429/5xx as transient.
 */

/** /v1/lyrics/generate (one variant with a title) or /v1/lyrics/extend (the continued lyrics). */
export class MurekaLyricsWriter implements ImmediateProvider<LyricsInput, LyricsResult> {
  readonly name = 'mureka';
  readonly mode = 'immediate' as const;

  constructor(private readonly client: MurekaClient) {}

  async run(input: LyricsInput): Promise<FinalOutcome<LyricsResult>> {
    if (input.mode === 'extend') {
      const text = await this.client.extendLyrics(input.lyrics ?? input.prompt);
      return { state: 'done', value: { variants: [{ text }] } };
    }
    const { title, lyrics } = await this.client.generateLyrics(input.prompt);
    return { state: 'done', value: { variants: [{ text: lyrics, ...(title ? { title } : {}) }] } };
  }
}

/** /v1/files/upload: the id is what song/recognize (purpose audio) and reference-based generation take. */
export class MurekaFileUploader implements FileUploadProvider {
  readonly name = 'mureka';
  readonly mode = 'immediate' as const;

  constructor(private readonly client: MurekaClient) {}

  async run(input: FileUploadInput): Promise<FinalOutcome<FileUploadResult>> {
    const uploaded = await this.client.uploadFile(input.file, input.filename, input.contentType, input.purpose);
    return { state: 'done', value: { fileId: uploaded.id, ...(uploaded.bytes !== undefined ? { bytes: uploaded.bytes } : {}) } };
  }
}

/** Mureka's recognition times in milliseconds → our seconds; lines and words as transcribed. */
export function murekaLyrics(recognition: MurekaRecognition): Pick<TimestampedLyricsResult, 'words' | 'lines'> {
  const words: TimestampedLyricsResult['words'] = [];
  const lines: TimestampedLyricsResult['lines'] = [];
  for (const section of recognition.lyrics_sections ?? []) {
    for (const line of section.lines ?? []) {
      lines.push({ text: line.text, start: line.start / 1000, end: line.end / 1000 });
      for (const w of line.words ?? []) words.push({ word: w.text, start: w.start / 1000, end: w.end / 1000 });
    }
  }
  return { words, lines };
}

/**
 * /v1/song/recognize on an uploaded file. As published it transcribes the song (lyrics with times and
 * the duration) and does not name title or artist, so `match` is null: the designs' title/artist come
 * from another recogniser if one is ever configured.
 */
export class MurekaSongRecognizer implements ImmediateProvider<SongRecognitionInput, SongRecognitionResult> {
  readonly name = 'mureka';
  readonly mode = 'immediate' as const;

  constructor(private readonly client: MurekaClient) {}

  async run(input: SongRecognitionInput): Promise<FinalOutcome<SongRecognitionResult>> {
    const recognition = await this.client.recognize(input.fileId);
    return {
      state: 'done',
      value: { match: null, lyrics: murekaLyrics(recognition), ...(typeof recognition.duration === 'number' ? { durationSeconds: recognition.duration / 1000 } : {}) },
    };
  }
}

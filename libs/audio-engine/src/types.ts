// Public data shapes shared by every stage of the engine.

export type TimeSignature = '4/4' | '3/4' | '6/8';
export type LayerName = 'drums' | 'bass' | 'chords' | 'melody' | 'vocals';
export const LAYER_NAMES: readonly LayerName[] = ['drums', 'bass', 'chords', 'melody', 'vocals'];

export interface StereoBuffer {
  left: Float32Array;
  right: Float32Array;
}

export interface SongRequest {
  prompt: string;
  title?: string;
  lyrics?: string;
  styleTags?: string[];
  genre?: string;
  mood?: string;
  instrumental?: boolean;
  /** Default 30, min 5, max 240. */
  durationSeconds?: number;
  seed?: number;
  /** Optional voice parameters (brightness, breathiness, vibrato, formantShift, pitchShift: roughly -1..1). */
  persona?: { timbre?: Record<string, number> };
}

export interface SongParams {
  /** The effective base seed (the request seed, or one derived from the text); shared by all variants. */
  seed: number;
  tempoBpm: number;
  key: string;
  mode: 'major' | 'minor';
  scale: string;
  timeSignature: TimeSignature;
  instruments: string[];
  genre: string;
  mood: string;
  chordProgression: string[];
  durationSeconds: number;
  hasVocals: boolean;
}

export interface RenderedSong {
  variantIndex: number;
  params: SongParams;
  sampleRate: 44100;
  channels: 2;
  /** Exact rendered duration (sample count / sample rate). */
  durationSeconds: number;
  /** The stems, exactly as summed into the mix (master gain already applied to each). */
  layers: Record<LayerName, StereoBuffer>;
  mix: StereoBuffer;
}

export const SAMPLE_RATE = 44100 as const;

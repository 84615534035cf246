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
  /** A persona's voice: timbre controls (brightness, breathiness, vibrato, formantShift, pitchShift: roughly -1..1), the singer, and the spectral centroid measured from its source. */
  persona?: PersonaVoice;
  /** Tempo and key measured from a reference recording: the song takes them unless the prompt names its own. */
  reference?: ReferenceTraits;
}

/** What a song takes from a reference recording (analysed elsewhere; the engine does not listen). */
export interface ReferenceTraits {
  /** Beats per minute, as the analysis counts them (dotted quarters in 6/8). */
  tempoBpm?: number;
  /** Pitch class of the tonic: C, C#, D … B (flats accepted). */
  key?: string;
  mode?: 'major' | 'minor';
}

export interface PersonaVoice {
  timbre?: Record<string, number>;
  /** The singer of the source render; otherwise chosen from the prompt as usual. */
  voice?: 'female' | 'male';
  /** The source's measured spectral centroid (Hz): the render is tilted toward it (tonal-balance match, at most ±12 dB). */
  spectralCentroidHz?: number;
}

/** When each lyric line is sung (seconds), as the design's tracks.metadata.timestamped_lyrics. */
export interface TimedLyricLine {
  start: number;
  end: number;
  text: string;
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
  /** The singer and its timbre controls (songs with vocals): what a persona taken from this render reuses. */
  voice?: { gender: 'female' | 'male'; timbre: Record<string, number> };
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
  /** Lyric lines as sung (empty without lyrics or vocals). */
  timedLyrics: TimedLyricLine[];
  /** The tonal-balance tilt applied for a persona (dB of the 500 Hz high shelf), if any. */
  personaTiltDb?: number;
}

export const SAMPLE_RATE = 44100 as const;

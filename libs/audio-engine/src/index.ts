// Public surface of @muse/audio-engine: a deterministic, model-free procedural music engine.
export const ENGINE_NAME = 'muse-local-engine';
export const ENGINE_VERSION = '1.0.0';

export type { LayerName, RenderedSong, SongParams, SongRequest, StereoBuffer, TimeSignature } from './types.js';
export { LAYER_NAMES, SAMPLE_RATE } from './types.js';
export { deriveSongParams, validateDuration, MIN_DURATION_SECONDS, MAX_DURATION_SECONDS, DEFAULT_DURATION_SECONDS } from './params.js';
export { renderSong } from './render.js';
export type { StageTimings } from './render.js';
export { encodeMp3 } from './mp3-encode.js';
export { decodeMp3 } from './mp3-decode.js';
export type { DecodedAudio } from './mp3-decode.js';
export { encodeWav } from './wav.js';
export { renderCover } from './cover.js';
export { generateSongFiles, generateVariant, coverTitle, VARIANT_COUNT } from './generate.js';
export type { GeneratedVariant } from './generate.js';
export { generateSongFilesParallel, warmUpEngineWorkers, closeEngineWorkers, parallelAvailable, VariantWorkerPool } from './parallel.js';

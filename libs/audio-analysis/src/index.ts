// Public surface of @muse/audio-analysis: decoding of untrusted audio, stem separation, measures.
export { AudioInputError, decodeAudio, probeMp3 } from './audio-input.js';
export type { Audio, DecodeOptions, Mp3Probe } from './audio-input.js';
export { Fft } from './fft.js';
export { SEPARATED_STEMS, StreamingSeparator } from './separator.js';
export type { SeparatedStem, SeparatorOptions, StereoChunk, StemBlockSink } from './separator.js';
export { StreamingMp3Encoder } from './stream-encoder.js';
export { STEM_TYPES, correlation, engineStemPcm, engineStemsIfIdentical, separateToMp3, separateToPcm } from './stems.js';
export type { StemFiles, StemType } from './stems.js';
export { sdr, sumStereo } from './metrics.js';
export { runAnalyzeTask, runAnalyzeTaskInline, runStemsTask, runStemsTaskInline, threadAvailable } from './stems-task.js';
export type { AnalyzeTask, StemsTask } from './stems-task.js';
export { ANALYZER_VERSION, PITCH_CLASSES, analyzeAudio, describe, estimateKey, estimateTempo } from './analyze.js';
export type { Analysis, AudioFeatures, Ranked } from './analyze.js';
export { integratedLoudness } from './loudness.js';
export { FP_FPS, FP_RATE, bestMatch, fingerprint } from './fingerprint.js';
export type { FingerprintHit, Landmark, Match } from './fingerprint.js';

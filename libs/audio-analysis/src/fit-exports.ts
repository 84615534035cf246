// The detectors' internals the fitting script (scripts/bench/audio-fit.js) needs; not part of the public API.
export { hypothesisInputs, METRES, scoreHypothesis, tempoHypotheses } from './rhythm.js';
export { keySummaries } from './tonality.js';
export { voiceFeatures } from './voice.js';

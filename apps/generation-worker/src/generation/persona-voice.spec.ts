import { describe, expect, it } from '@jest/globals';
import { personaVoiceOf } from './persona-voice.js';

describe('personaVoiceOf', () => {
  const ready = { status: 'ready', timbre: { brightness: 0.4, breathiness: -0.2, vibrato: 0 }, analysis: { spectral_centroid_hz: 2100 } };

  it("uses the engine's own voice of the source render when there is one, with the measured centroid", () => {
    const v = personaVoiceOf({ id: 'p', metadata: { ...ready, engine_voice: { gender: 'male', timbre: { formantShift: 0.3 } } } });
    expect(v).toEqual({ voice: 'male', timbre: { formantShift: 0.3 }, spectralCentroidHz: 2100 });
  });

  it('falls back to the measured timbre for audio the engine did not make', () => {
    expect(personaVoiceOf({ id: 'p', metadata: { ...ready, engine_voice: null } })).toEqual({ timbre: { brightness: 0.4, breathiness: -0.2, vibrato: 0 }, spectralCentroidHz: 2100 });
  });

  it('gives nothing until the persona is analysed, and ignores values that are not numbers', () => {
    expect(personaVoiceOf({ id: 'p', metadata: { status: 'pending' } })).toBeUndefined();
    expect(personaVoiceOf({ id: 'p', metadata: { status: 'ready', timbre: { brightness: 'x', breathiness: Number.NaN }, engine_voice: { gender: 'robot' } } })).toEqual({ timbre: {} });
  });
});

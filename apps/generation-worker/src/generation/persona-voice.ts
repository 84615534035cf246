import type { PersonaVoice } from '@muse/audio-engine';

interface PersonaRow {
  id: string;
  metadata: unknown;
}

interface PersonaMetadata {
  status?: string;
  timbre?: Record<string, number>;
  engine_voice?: { gender?: 'female' | 'male'; timbre?: Record<string, number> } | null;
  analysis?: { spectral_centroid_hz?: number };
}

const numbers = (o: Record<string, unknown> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v))) as Record<string, number>;

/**
 * The local engine's voice of a persona (what the persona job stored): the singer and voice controls of
 * the source render when the engine made it, else the timbre measured from the source audio; and the
 * source's spectral centroid, which the render's tonal balance is matched to. Undefined until analysed.
 */
export function personaVoiceOf(persona: PersonaRow): PersonaVoice | undefined {
  const m = (persona.metadata ?? {}) as PersonaMetadata;
  if (m.status !== 'ready') return undefined;
  const engineTimbre = numbers(m.engine_voice?.timbre);
  const timbre = Object.keys(engineTimbre).length > 0 ? engineTimbre : numbers(m.timbre);
  const centroid = m.analysis?.spectral_centroid_hz;
  const gender = m.engine_voice?.gender;
  return {
    timbre,
    ...(gender === 'female' || gender === 'male' ? { voice: gender } : {}),
    ...(typeof centroid === 'number' && centroid > 0 ? { spectralCentroidHz: centroid } : {}),
  };
}

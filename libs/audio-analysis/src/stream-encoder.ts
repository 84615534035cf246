// Incremental MP3 encoding: stems are encoded as the separator delivers them, so no stem is ever
// held in memory as PCM for a whole track. The encoder is the engine's (LAME 3.100 in WebAssembly),
// so a separated stem is encoded exactly like a generated song, at a fifth of lamejs's CPU time.
import { Mp3StreamEncoder } from '@muse/audio-engine';

export class StreamingMp3Encoder {
  private readonly encoder: Mp3StreamEncoder;

  constructor(sampleRate: number, kbps = 192) {
    this.encoder = new Mp3StreamEncoder(sampleRate, kbps);
  }

  /** Samples per channel written so far. */
  get samples(): number {
    return this.encoder.samples;
  }

  write(left: Float32Array, right: Float32Array, length = left.length): void {
    this.encoder.write(left, right, length);
  }

  finish(): Buffer {
    return this.encoder.finish();
  }

  /** Frees the encoder's wasm memory when the stream is abandoned (a no-op after finish). */
  dispose(): void {
    this.encoder.dispose();
  }
}

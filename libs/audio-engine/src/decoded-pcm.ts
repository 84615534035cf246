// Gathers what a streaming WebAssembly decoder returns, slice by slice, into one stereo buffer.

export interface DecodedAudio {
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
  durationSeconds: number;
}

export class AudioTooLongError extends RangeError {
  constructor(readonly maxSeconds: number) {
    super(`the audio is longer than the ${maxSeconds} s accepted`);
    this.name = 'AudioTooLongError';
  }
}

/** One decode call's output, as every decoder of the wasm-audio-decoders family returns it. */
export interface DecodedSlice {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
}

/**
 * Checks the length cap after every slice, so a file whose frames promise hours stops after one slice
 * past `maxSeconds`. Mono comes back as dual mono (the same array twice: consumers copy before writing);
 * of more channels the first two are kept, as for WAV.
 */
export class PcmCollector {
  private readonly lefts: Float32Array[] = [];
  private readonly rights: Float32Array[] = [];
  private samples = 0;
  private rate = 0;

  constructor(private readonly maxSeconds?: number) {}

  add(part: DecodedSlice): void {
    // A call that decoded nothing may report any rate and channel count (ogg-vorbis leaves them unset).
    if (part.samplesDecoded <= 0) return;
    const left = part.channelData[0]!.subarray(0, part.samplesDecoded);
    this.lefts.push(left);
    this.rights.push(part.channelData[1]?.subarray(0, part.samplesDecoded) ?? left);
    this.samples += part.samplesDecoded;
    this.rate = part.sampleRate;
    if (this.maxSeconds !== undefined && this.samples > this.maxSeconds * this.rate) throw new AudioTooLongError(this.maxSeconds);
  }

  get sampleCount(): number {
    return this.samples;
  }

  result(): DecodedAudio {
    const join = (parts: Float32Array[]) => {
      if (parts.length === 1) return parts[0]!;
      const out = new Float32Array(this.samples);
      let o = 0;
      for (const p of parts) (out.set(p, o), (o += p.length));
      return out;
    };
    const left = join(this.lefts);
    const right = this.rights.every((r, i) => r === this.lefts[i]) ? left : join(this.rights);
    return { left, right, sampleRate: this.rate, durationSeconds: this.rate > 0 ? this.samples / this.rate : 0 };
  }
}

// Incremental MP3 encoding: stems are encoded as the separator delivers them, so no stem is ever
// held in memory as PCM for a whole track.
import { Mp3Encoder } from '@breezystack/lamejs';

const FRAME = 1152;

const toInt16 = (x: number): number => {
  const v = x < -1 ? -1 : x > 1 ? 1 : x;
  return v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
};

export class StreamingMp3Encoder {
  private readonly encoder: InstanceType<typeof Mp3Encoder>;
  private readonly l = new Int16Array(FRAME);
  private readonly r = new Int16Array(FRAME);
  private fill = 0;
  private readonly chunks: Buffer[] = [];
  samples = 0;

  constructor(sampleRate: number, kbps = 192) {
    this.encoder = new Mp3Encoder(2, sampleRate, kbps);
  }

  write(left: Float32Array, right: Float32Array, length = left.length): void {
    for (let i = 0; i < length; i++) {
      this.l[this.fill] = toInt16(left[i]!);
      this.r[this.fill] = toInt16(right[i]!);
      if (++this.fill === FRAME) this.drain(FRAME);
    }
    this.samples += length;
  }

  private drain(len: number): void {
    const out = this.encoder.encodeBuffer(len === FRAME ? this.l : this.l.subarray(0, len), len === FRAME ? this.r : this.r.subarray(0, len));
    if (out.length > 0) this.chunks.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    this.fill = 0;
  }

  finish(): Buffer {
    if (this.fill > 0) this.drain(this.fill);
    const tail = this.encoder.flush();
    if (tail.length > 0) this.chunks.push(Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength));
    return Buffer.concat(this.chunks);
  }
}

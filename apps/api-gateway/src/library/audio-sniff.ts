/**
 * Does the file start like audio? MP3 (ID3 tag or an MPEG/ADTS frame sync), WAV, FLAC, Ogg, MP4/M4A,
 * WebM/Matroska. The declared content type alone proves nothing; the first bytes are cheap to read.
 */
export function looksLikeAudio(head: Uint8Array): boolean {
  const ascii = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString('latin1');
  if (head.length < 4) return false;
  if (ascii(0, 3) === 'ID3') return true;
  if (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return true;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return true;
  if (ascii(0, 4) === 'fLaC' || ascii(0, 4) === 'OggS') return true;
  if (ascii(4, 8) === 'ftyp') return true;
  return head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3;
}

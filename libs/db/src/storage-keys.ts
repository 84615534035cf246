/** The buckets of the design and how object keys are laid out in them. */
export const Bucket = {
  Tracks: 'tracks',
  TracksArchive: 'tracks-archive',
  Stems: 'stems',
  AudioLibrary: 'audio-library',
  Covers: 'covers',
} as const;
export type BucketName = (typeof Bucket)[keyof typeof Bucket];
export const ALL_BUCKETS: readonly BucketName[] = Object.values(Bucket);
export const PUBLIC_BUCKETS: readonly BucketName[] = [Bucket.Tracks, Bucket.Stems, Bucket.Covers];

/** tracks/{user_id}/{track_id}/… — variant 0 is the track's own audio.mp3 / cover.jpg. */
export function trackObjectKey(userId: string, trackId: string, file: 'audio.mp3' | 'cover.jpg' | 'video.mp4', variantIndex = 0): string {
  const dir = variantIndex === 0 ? `${userId}/${trackId}` : `${userId}/${trackId}/variants/${variantIndex}`;
  return `${dir}/${file}`;
}

/** stems/{track_id}/{stem_id}/{stem_type}.mp3 */
export function stemObjectKey(trackId: string, stemId: string, stemType: 'vocals' | 'drums' | 'bass' | 'other' | 'instrumental', extension = 'mp3'): string {
  return `${trackId}/${stemId}/${stemType}.${extension}`;
}

/** audio-library/{user_id}/{folder}/{file} — folder and file name reduced to safe path segments. */
export function audioLibraryObjectKey(userId: string, folder: string, fileName: string): string {
  return `${userId}/${safeSegment(folder || 'uploads')}/${safeSegment(fileName)}`;
}

/** covers/projects/{project_id}.jpg and covers/profiles/{user_id}.jpg */
export function coverObjectKey(kind: 'projects' | 'profiles', id: string): string {
  return `${kind}/${id}.jpg`;
}

/** A user-supplied name as one key segment: no separators, no dot-only names, bounded length. */
export function safeSegment(name: string): string {
  const cleaned = name.normalize('NFC').replace(/[\\/\u0000-\u001f\u007f]+/g, '_').replace(/^\.+$/, '_').trim().slice(0, 200);
  return cleaned || '_';
}

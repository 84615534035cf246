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

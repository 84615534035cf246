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

/** Files the studio jobs derive from a version (WAV export, 48 kHz upscale), beside its audio.mp3. */
export type TrackDerivedFile = 'audio.wav' | 'audio-48k.wav';

/** tracks/{user_id}/{track_id}/… — variant 0 is the track's own audio.mp3 / cover.jpg. */
export function trackObjectKey(userId: string, trackId: string, file: 'audio.mp3' | 'cover.jpg' | 'video.mp4' | TrackDerivedFile, variantIndex = 0): string {
  const dir = variantIndex === 0 ? `${userId}/${trackId}` : `${userId}/${trackId}/variants/${variantIndex}`;
  return `${dir}/${file}`;
}

/** tracks/{user_id}/upscales/{upscale_id}/audio-48k.wav — an upscale of audio that is not a track's. */
export function upscaleObjectKey(userId: string, upscaleId: string): string {
  return `${userId}/upscales/${upscaleId}/audio-48k.wav`;
}

/** tracks/{owner_id}/projects/{project_id}/transformations/{transformation_id}.mp3 — a Studio Nexus transformation's audio. */
export function transformationObjectKey(ownerId: string, projectId: string, transformationId: string): string {
  return `${ownerId}/projects/${projectId}/transformations/${transformationId}.mp3`;
}

/** {user_id}/{track_id}/ — every object of one track, in `tracks` and in `tracks-archive`. */
export function trackObjectPrefix(userId: string, trackId: string): string {
  return `${userId}/${trackId}/`;
}

/** tracks-archive/{user_id}/{track_id}/… — an archived file keeps the key it had in `tracks`, so a restore knows where it goes back to. */
export function trackArchiveKey(trackKey: string): string {
  return trackKey;
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

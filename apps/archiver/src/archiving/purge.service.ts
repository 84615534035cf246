import { Inject, Injectable } from '@nestjs/common';
import type { PurgeTrackObjectsMessage } from '@muse/contracts';
import { TracksRepository, type Database } from '@muse/db';
import { DATABASE, LOGGER, STORAGE, type Logger } from '@muse/platform';
import type { StorageService } from '@muse/storage';

/**
 * tracks.purge-objects: the stored objects of a track whose rows were deleted (delete_track()).
 * Deleting a prefix is idempotent, and a failure throws so BullMQ retries with backoff; the rows are
 * gone before this runs, so no row ever points at a deleted object.
 */
@Injectable()
export class PurgeService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly tracks: TracksRepository,
  ) {}

  async purge(message: PurgeTrackObjectsMessage): Promise<{ deleted: number; skipped?: string }> {
    // Only a track that no longer exists is purged: a message can never take a live track's files.
    if (await this.tracks.findById(this.db, message.trackId)) {
      this.logger.error({ track_id: message.trackId }, 'purge of a track that still exists refused');
      return { deleted: 0, skipped: 'track-exists' };
    }
    let deleted = 0;
    for (const { bucket, prefix } of message.objects) {
      // Prefixes are the track's own: {user}/{track}/ in tracks and tracks-archive, {track}/ in stems.
      const own = prefix === `${message.userId}/${message.trackId}/` || (bucket === 'stems' && prefix === `${message.trackId}/`);
      if (!own) throw new Error(`purge prefix ${bucket}/${prefix} is not track ${message.trackId}'s`);
      deleted += await this.storage.deletePrefix(bucket, prefix);
    }
    // Exact keys (validated by the contract to be spectrogram images); a missing one is already done.
    for (const { bucket, key } of message.keys) deleted += await this.storage.deletePrefix(bucket, key);
    this.logger.info({ track_id: message.trackId, deleted }, 'deleted track objects purged');
    return { deleted };
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { decodeAudio, fingerprint } from '@muse/audio-analysis';
import { Bucket, FingerprintsRepository, StemsRepository, trackObjectKey, TracksRepository, type Database } from '@muse/db';
import { DATABASE, LOGGER, STORAGE, type Logger } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { MAX_STEM_SECONDS } from '../stems/stems.service.js';

const SWEEP_MS = 3000;
const BATCH = 4;

/**
 * Keeps the recognition index current: every few seconds, the completed tracks whose current
 * audio is not indexed (new tracks, changed masters) are fingerprinted. Any replica may do it;
 * the repository serialises two on one track. A track whose audio cannot be read is recorded
 * with zero hashes, so it is not retried until its audio changes.
 */
@Injectable()
export class FingerprintIndexer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly fingerprints: FingerprintsRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sweep().then(() => undefined).catch((error: Error) => this.logger.warn({ err: error.message }, 'fingerprint sweep failed')).finally(() => (this.running = undefined));
    }, SWEEP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async sweep(): Promise<number> {
    const due = await this.fingerprints.tracksToIndex(this.db, BATCH);
    for (const track of due) await this.indexTrack(track.id, track.audio_url);
    return due.length;
  }

  async indexTrack(trackId: string, audioUrl: string): Promise<number> {
    let landmarks: { hash: number; t: number }[] = [];
    try {
      const track = await this.tracks.findById(this.db, trackId);
      const version = track && (await this.stems.findVersion(this.db, trackId));
      if (track && version) {
        const bytes = await this.storage.get(Bucket.Tracks, trackObjectKey(track.user_id, track.id, 'audio.mp3', version.variant_index));
        landmarks = fingerprint(await decodeAudio(bytes, { maxSeconds: MAX_STEM_SECONDS }));
      }
    } catch (error) {
      this.logger.warn({ track_id: trackId, err: (error as Error).message }, 'track audio could not be fingerprinted; indexed empty');
    }
    await this.db.transaction().execute((trx) => this.fingerprints.replaceTrack(trx, trackId, audioUrl, landmarks));
    return landmarks.length;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { FingerprintsRepository, StemsRepository, TracksRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, STORAGE, type ProviderTaskSpec } from '@muse/platform';
import type { FileUploadProvider, SongRecognitionInput, SongRecognitionResult } from '@muse/providers';
import type { StorageService } from '@muse/storage';
import { AUDIO_KIND_PROVIDERS, type AudioKindProviders } from '../providers/providers.module.js';
import { readAudioSource, type AudioSource } from './audio-source.js';
import { RecognitionService } from './recognition.service.js';

type Landing = Awaited<ReturnType<RecognitionService['compute']>>;

/**
 * recognition.run at Mureka: the file is uploaded to Mureka (it recognises uploaded files only) and
 * song/recognize transcribes the lyrics it hears, with times. Mureka names no recording, so the
 * title/artist answer is still our own fingerprint match (same visibility rules as the local
 * path); the row and the result carry both, each saying where it came from.
 */
@Injectable()
export class ProviderRecognition {
  readonly spec: ProviderTaskSpec<SongRecognitionInput, SongRecognitionResult, Landing>;
  private readonly uploads: ReadonlyMap<string, FileUploadProvider>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    @Inject(AUDIO_KIND_PROVIDERS) providers: AudioKindProviders,
    private readonly recognition: RecognitionService,
    private readonly fingerprints: FingerprintsRepository,
    private readonly tracks: TracksRepository,
    private readonly stems: StemsRepository,
  ) {
    this.uploads = providers.upload;
    this.spec = {
      resourceType: 'song_recognition',
      label: 'Song recognition',
      kind: 'recognition',
      updateJobName: 'recognition.provider-update',
      providers: providers.recognition,
      input: (job, provider) => this.input(job, provider),
      store: (job, provider, value) => this.recognition.compute(job, { provider, lyrics: value.lyrics, durationSeconds: value.durationSeconds }),
      land: async (trx: Kysely<DB>, _job, landing) => ({ result: await landing(trx) }),
      failed: (trx, job, message, final) => (final ? this.fingerprints.failRecognition(trx, job.resource_id!, message) : Promise.resolve()),
    };
  }

  private async input(job: Job, provider: string): Promise<SongRecognitionInput> {
    const uploader = this.uploads.get(provider);
    if (!uploader) throw new PermanentTaskError('provider-unavailable', `provider '${provider}' cannot take uploads in this worker`);
    const row = await this.fingerprints.findRecognition(this.db, job.resource_id!);
    if (!row) throw new PermanentTaskError('recognition-deleted', 'the recognition was deleted');
    const source = (row.metadata as { source?: AudioSource }).source;
    if (!source) throw new PermanentTaskError('audio-missing', 'the recognition names no audio');
    const { bytes } = await readAudioSource(this.db, this.storage, this.tracks, this.stems, source);
    const uploaded = await uploader.run({ file: bytes, filename: `${row.id}.mp3`, contentType: 'audio/mpeg', purpose: 'audio' });
    if (uploaded.state !== 'done') throw new PermanentTaskError('provider-rejected', `the upload was refused: ${uploaded.message}`);
    return { fileId: uploaded.value.fileId };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Job as QueueJob } from 'bullmq';
import { analyseVoice, type VoiceAnalysis } from '@muse/audio-engine';
import type { JobMessage } from '@muse/contracts';
import { PersonasRepository, TracksRepository, type Database } from '@muse/db';
import { DATABASE, STORAGE } from '@muse/platform';
import type { StorageService } from '@muse/storage';
import { versionAudio } from '../jobs/audio-source.js';
import { JobRunner, type JobSpec } from '../jobs/job-runner.js';
import { beginWork, workVersion } from '../jobs/work-source.js';

interface PersonaOutcome {
  analysis: VoiceAnalysis;
  sourceVersionId: string;
  engineVoice: unknown;
}

/**
 * A persona on the local engine: the source version's timbre measured from its audio (spectral balance →
 * brightness and breathiness) plus the engine's own voice settings of that render when it made it.
 */
@Injectable()
export class PersonaService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: StorageService,
    private readonly runner: JobRunner,
    private readonly personas: PersonasRepository,
    private readonly tracks: TracksRepository,
  ) {}

  run(message: JobMessage, queueJob?: QueueJob) {
    return this.runner.run(message, this.spec, queueJob);
  }

  private readonly spec: JobSpec<PersonaOutcome> = {
    resourceType: 'persona',
    label: 'Persona',
    execute: async (job, progress) => {
      const persona = await beginWork(await this.personas.findById(this.db, job.resource_id!), 'the persona is gone', (p) => this.personas.mergeMetadata(this.db, p.id, { status: 'processing' }));
      const { version } = await workVersion(this.db, this.tracks, persona.source_track_id, (v) => v.variant_index === persona.source_music_index, 'the source track or version no longer exists');
      const audio = await versionAudio(this.storage, version);
      await progress(50);
      const analysis = analyseVoice(audio, audio.sampleRate);
      const params = (version.metadata as { params?: { voice?: unknown; timbre?: unknown } }).params;
      return { analysis, sourceVersionId: version.id, engineVoice: params?.voice ?? null };
    },
    land: async (trx, job, out) => {
      const voice = {
        status: 'ready',
        engine: 'muse-local-engine',
        timbre: out.analysis.timbre,
        engine_voice: out.engineVoice,
        analysis: { spectral_centroid_hz: Math.round(out.analysis.spectralCentroidHz), high_band_ratio: out.analysis.highBandRatio, rms_db: out.analysis.rmsDb },
        source_version_id: out.sourceVersionId,
      };
      await this.personas.mergeMetadata(trx, job.resource_id!, voice);
      return {
        result: { persona_id: job.resource_id, timbre: out.analysis.timbre, source_version_id: out.sourceVersionId },
        notice: { title: 'Your persona is ready', message: 'Its voice was taken from the source track.', link: `/personas/${job.resource_id}` },
      };
    },
    failed: async (trx, job, message, final) => {
      await this.personas.mergeMetadata(trx, job.resource_id!, { status: final ? 'failed' : 'processing', error: message });
    },
  };
}

import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { PersonasRepository, TracksRepository, type Database, type DB, type Job } from '@muse/db';
import { DATABASE, PermanentTaskError, type ProviderTaskSpec } from '@muse/platform';
import type { PersonaInput, PersonaResult } from '@muse/providers';
import { STUDIO_KIND_PROVIDERS, type StudioKindProviders } from '../jobs/studio-providers.js';
import { workVersion } from '../jobs/work-source.js';

/**
 * A persona made at Suno from one of its own songs: Suno answers at once with its persona id, kept
 * in suno_personas.suno_persona_id so Suno generations can use it.
 */
@Injectable()
export class ProviderPersona {
  readonly spec: ProviderTaskSpec<PersonaInput, PersonaResult, PersonaResult>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(STUDIO_KIND_PROVIDERS) providers: StudioKindProviders,
    private readonly personas: PersonasRepository,
    private readonly tracks: TracksRepository,
  ) {
    this.spec = {
      resourceType: 'persona',
      label: 'Persona',
      kind: 'persona',
      updateJobName: 'persona.provider-update',
      providers: providers.persona,
      started: (job) => this.personas.mergeMetadata(this.db, job.resource_id!, { status: 'processing' }),
      input: (job) => this.input(job),
      store: async (_job, _provider, value) => value,
      land: (trx, job, out, provider) => this.land(trx, job, out, provider),
      failed: (trx, job, message, final) => this.personas.mergeMetadata(trx, job.resource_id!, { status: final ? 'failed' : 'processing', error: message }),
    };
  }

  private async input(job: Job): Promise<PersonaInput> {
    const persona = await this.personas.findById(this.db, job.resource_id!);
    if (!persona) throw new PermanentTaskError('persona-deleted', 'the persona is gone');
    const { track, version } = await workVersion(this.db, this.tracks, persona.source_track_id, (v) => v.variant_index === persona.source_music_index, 'the source track or version no longer exists').catch((e: Error) => {
      throw new PermanentTaskError('version-missing', e.message);
    });
    const meta = version.metadata as { provider_task_id?: string; provider_clip_id?: string };
    const taskId = meta.provider_task_id ?? track.suno_id;
    if (!taskId || !meta.provider_clip_id) throw new PermanentTaskError('provider-unavailable', 'Suno makes personas only from songs it generated');
    return { providerRef: { taskId, audioId: meta.provider_clip_id }, name: persona.name, description: persona.description ?? persona.name };
  }

  private async land(trx: Kysely<DB>, job: Job, out: PersonaResult, provider: string) {
    await trx.updateTable('suno_personas').set({ suno_persona_id: out.personaId }).where('id', '=', job.resource_id!).execute();
    await this.personas.mergeMetadata(trx, job.resource_id!, { status: 'ready', provider, provider_persona_id: out.personaId });
    return {
      result: { persona_id: job.resource_id, provider_persona_id: out.personaId },
      notice: { title: 'Your persona is ready', message: `Made at ${provider} from the source song.`, link: `/personas/${job.resource_id}` },
    };
  }
}

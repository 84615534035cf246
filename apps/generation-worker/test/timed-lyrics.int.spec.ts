import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { loadConfig } from '@muse/platform';
import { GenerationWorkerConfig, startGenerationWorker } from '../src/bootstrap.js';
import { LocalMusicProvider, type LocalMusicRequest } from '../src/providers/local-music.provider.js';
import type { GeneratedMusic, MusicGenerationProvider, ProgressReporter } from '../src/providers/music-provider.js';
import { serviceEnv } from '../../../test/support/env.js';
import { CONFIG } from '../../api-gateway/src/core/tokens.js';
import { StudioPlatform, type User } from './studio-harness.js';

const LYRICS = '[Verse]\nI woke up this morning\nWith sunshine on my face\n[Chorus]\nHold on to the light\nHold on tonight';

/**
 * An outside provider that renders a video with its songs (as Suno's clips carry video_url): the real local
 * engine does the music, the result carries the video fields such a provider returns.
 */
class VideoProvider implements MusicGenerationProvider {
  readonly name = 'local';
  private readonly engine = new LocalMusicProvider();
  async generate(request: LocalMusicRequest, progress: ProgressReporter): Promise<GeneratedMusic> {
    const music = await this.engine.generate(request, progress);
    music.variants[0]!.metadata = { ...music.variants[0]!.metadata, video_url: 'https://cdn.example.com/clips/abc.mp4', video: { width: 1280, height: 720, format: 'mp4' } };
    return music;
  }
  close() {
    return this.engine.close();
  }
}

describe('timestamped lyrics and video metadata of generated tracks', () => {
  const p = new StudioPlatform();
  let alice: User;

  const generate = async (body: Record<string, unknown>) => {
    const res = await p.call('POST', '/v1/generations', { token: alice.token, body: { duration_seconds: 20, seed: 4, provider: 'local', ...body } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done.status).toBe('completed');
    return done.resource.id as string;
  };

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('timed-alice@example.com');
  }, 120_000);
  afterAll(() => p.stop());

  it('shows when each line is sung in tracks_with_timestamped_lyrics for an engine-made song with lyrics', async () => {
    const trackId = await generate({ prompt: 'upbeat pop song', lyrics: LYRICS });
    const view = await p.t.db.selectFrom('tracks_with_timestamped_lyrics').selectAll().where('id', '=', trackId).executeTakeFirstOrThrow();
    expect(view).toMatchObject({ has_timestamped_lyrics: true, lyrics: LYRICS, user_id: alice.id });
    const lines = view.timestamped_lyrics as { start: number; end: number; text: string }[];
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.map((l) => l.text)).toEqual(expect.arrayContaining(['I woke up this morning', 'Hold on to the light']));
    for (const [i, l] of lines.entries()) {
      expect(Object.keys(l).sort()).toEqual(['end', 'start', 'text']);
      expect(LYRICS).toContain(l.text);
      expect(l.start).toBeGreaterThanOrEqual(0);
      expect(l.end).toBeGreaterThan(l.start);
      expect(l.end).toBeLessThanOrEqual(20);
      if (i > 0) expect(l.start).toBeGreaterThanOrEqual(lines[i - 1]!.end);
    }
    const versions = await p.t.db.selectFrom('track_versions').selectAll().where('parent_track_id', '=', trackId).orderBy('variant_index').execute();
    expect(lines).toEqual((versions[0]!.metadata as { timestamped_lyrics: unknown }).timestamped_lyrics);

    // The view follows the master: variant 1 is sung differently, and becomes what the view shows.
    const v1Timing = (versions[1]!.metadata as { timestamped_lyrics: unknown }).timestamped_lyrics;
    expect(Array.isArray(v1Timing)).toBe(true);
    await sql`select public.set_master_version(${trackId}::uuid, ${versions[1]!.id}::uuid)`.execute(p.t.db);
    expect((await p.t.db.selectFrom('tracks_with_timestamped_lyrics').select('timestamped_lyrics').where('id', '=', trackId).executeTakeFirstOrThrow()).timestamped_lyrics).toEqual(v1Timing);

    // An effects version keeps its source's timing (effects do not move time).
    const fx = await p.call('POST', `/v1/tracks/${trackId}/effects`, { token: alice.token, body: { version_id: versions[1]!.id, chain: [{ type: 'compressor', settings: { ratio: 3 } }] } });
    const fxDone = await p.settled(alice, fx.body.id);
    expect(fxDone.status).toBe('completed');
    const made = await p.t.db.selectFrom('track_versions').select('metadata').where('id', '=', fxDone.result.version.id).executeTakeFirstOrThrow();
    expect((made.metadata as { timestamped_lyrics: unknown }).timestamped_lyrics).toEqual(v1Timing);

    // Instrumental songs have nothing to time: they stay out of the view.
    const instrumental = await generate({ prompt: 'calm piano instrumental', instrumental: true, duration_seconds: 5 });
    expect(await p.t.db.selectFrom('tracks_with_timestamped_lyrics').select('id').where('id', '=', instrumental).executeTakeFirst()).toBeUndefined();
  }, 240_000);

  it('stores a provider\'s video through update_track_video_metadata when the result carries one', async () => {
    await p.worker.close();
    // The same queues as the gateway's (its prefix), a worker whose 'local' provider also returns a video.
    const env = serviceEnv(p.t.url, { OUTBOX_POLL_MS: '200', JOB_LOCK_MS: '10000', QUEUE_PREFIX: p.gateway.app.get<symbol, { QUEUE_PREFIX: string }>(CONFIG).QUEUE_PREFIX });
    p.worker = await startGenerationWorker(loadConfig(GenerationWorkerConfig, env), { listen: false, extraProviders: [new VideoProvider()] });
    const trackId = await generate({ prompt: 'short video song', duration_seconds: 5 });
    const track = await p.t.db.selectFrom('tracks').select(['video_url', 'metadata']).where('id', '=', trackId).executeTakeFirstOrThrow();
    expect(track.video_url).toBe('https://cdn.example.com/clips/abc.mp4');
    expect(track.metadata).toMatchObject({ video: { width: 1280, height: 720, format: 'mp4', source: 'provider', variant_index: 0 } });
  }, 240_000);
});

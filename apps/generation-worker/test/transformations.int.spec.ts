import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { analyseMusic, decodeMp3, Resampler } from '@muse/audio-engine';
import { download, StudioPlatform, type User } from './studio-harness.js';

describe('Studio Nexus transformations over HTTP (local engine)', () => {
  const p = new StudioPlatform();
  let alice: User;
  let bob: User;
  let projectId: string;
  let source: { tempo: number; key: string; mode: string };

  beforeAll(async () => {
    await p.start();
    alice = await p.signup('tx-alice@example.com');
    bob = await p.signup('tx-bob@example.com');
    const song = await p.song(alice, 12, 'upbeat pop in the key of D minor, 124 bpm');
    const project = await p.t.db.insertInto('projects').values({ user_id: alice.id, title: 'My demo', original_audio_path: song.versions[0].audio_url, duration_seconds: '12' }).returning('id').executeTakeFirstOrThrow();
    projectId = project.id;
    // Read over HTTP: the gateway answers engine parameters in snake_case (issue 14).
    const params = (song.versions[0].metadata as { params: { tempo_bpm: number; key: string; mode: string } }).params;
    source = { tempo: params.tempo_bpm, key: params.key, mode: params.mode };
  }, 120_000);
  afterAll(() => p.stop());

  it('re-renders the project in the preset\'s style at its tempo and key, as the processed audio and a new project version', async () => {
    const preset = await p.t.db.selectFrom('ai_model_presets').selectAll().where('transformation_type', '=', 'jazz').executeTakeFirstOrThrow();
    const res = await p.call('POST', `/v1/projects/${projectId}/transformations`, { token: alice.token, body: { transformation_type: 'jazz', preset_id: preset.id, parameters: { seed: 1 } } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'transformation', resource: { type: 'ai_transformation' } });
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { project_id: projectId, project_version: { version_number: 1 } } });
    expect(source).toEqual({ tempo: 124, key: 'D', mode: 'minor' });
    expect(Math.abs(done.result.analysis.tempo_bpm - 124)).toBeLessThan(1.5);
    expect([done.result.analysis.key, done.result.analysis.mode]).toEqual(['D', 'minor']);

    const row = await p.t.db.selectFrom('ai_transformations').selectAll().where('id', '=', res.body.resource.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'completed', user_id: alice.id, model_version: 'muse-local-engine', output_audio_path: done.result.output_audio_path });
    expect(row.completed_at).not.toBeNull();
    const project = await p.t.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirstOrThrow();
    expect(project.processed_audio_path).toBe(row.output_audio_path);
    const versions = await p.t.db.selectFrom('project_versions').selectAll().where('project_id', '=', projectId).execute();
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version_number: 1, audio_file_path: row.output_audio_path });
    expect((await p.t.db.selectFrom('ai_model_presets').select('usage_count').where('id', '=', preset.id).executeTakeFirstOrThrow()).usage_count).toBe(1);

    // The result really is at the source's tempo and in its key, and it is new audio of the project's length.
    const out = await decodeMp3(await download(row.output_audio_path!));
    expect(Math.abs(out.durationSeconds - 12)).toBeLessThan(0.2);
    // The engine was told the source's key; the tempo is also heard in the result (jazz voicings make
    // the key of the result itself too ambiguous to re-detect reliably, so that is checked on the request).
    expect((row.parameters as { engine_prompt: string }).engine_prompt).toContain('key of D minor');
    expect(Math.abs(analyseMusic(out, out.sampleRate).tempoBpm - 124)).toBeLessThan(1.5);

    // Ratings and feedback on the finished transformation: only by its user.
    const rated = await p.call('PATCH', `/v1/projects/${projectId}/transformations/${row.id}`, { token: alice.token, body: { user_rating: 4, user_feedback: 'nice swing' } });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ user_rating: 4, user_feedback: 'nice swing' });
    expect((await p.call('PATCH', `/v1/projects/${projectId}/transformations/${row.id}`, { token: bob.token, body: { user_rating: 1 } })).status).toBe(404);
    expect((await p.call('PATCH', `/v1/projects/${projectId}/transformations/${row.id}`, { token: alice.token, body: { user_rating: 6 } })).status).toBe(400);
  });

  it('transforms the processed audio next, numbering versions on', async () => {
    const res = await p.call('POST', `/v1/projects/${projectId}/transformations`, { token: alice.token, body: { transformation_type: 'orchestral', parameters: { duration_seconds: 6 } } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { project_version: { version_number: 2 }, duration_seconds: 6 } });
  });

  it('applies effects chains as jobs: a system preset out of the box, and an inline EQ that does what it says', async () => {
    const warmth = await p.t.db.selectFrom('effects_presets').selectAll().where('name', '=', 'Ambient Space').executeTakeFirstOrThrow();
    const res = await p.call('POST', `/v1/projects/${projectId}/transformations`, { token: alice.token, body: { transformation_type: 'effects', parameters: { effects_preset_id: warmth.id } } });
    expect(res.status).toBe(202);
    const done = await p.settled(alice, res.body.id);
    expect(done).toMatchObject({ status: 'completed', result: { project_version: { version_number: 3 } } });
    const version = await p.t.db.selectFrom('project_versions').selectAll().where('project_id', '=', projectId).where('version_number', '=', 3).executeTakeFirstOrThrow();
    expect(version.title).toBe('effects: Ambient Space');
    expect(version.effects_settings).toMatchObject({ effects_preset_id: warmth.id, effects_chain: warmth.effects_chain });
    expect((await p.t.db.selectFrom('effects_presets').select('usage_count').where('id', '=', warmth.id).executeTakeFirstOrThrow()).usage_count).toBe(1);

    // Cut the highs by 12 dB: the same music, darker. (On the bright pop original — the orchestral
    // renders above have almost nothing above 5 kHz to cut.)
    const original = (await p.t.db.selectFrom('projects').select('original_audio_path').where('id', '=', projectId).executeTakeFirstOrThrow()).original_audio_path!;
    await p.t.db.updateTable('projects').set({ processed_audio_path: null }).where('id', '=', projectId).execute();
    const before = await decodeMp3(await download(original));
    const dark = await p.call('POST', `/v1/projects/${projectId}/transformations`, { token: alice.token, body: { transformation_type: 'effects', parameters: { effects_chain: [{ type: 'equalizer', settings: { high: 0.25 } }] } } });
    expect(dark.status).toBe(202);
    const darkDone = await p.settled(alice, dark.body.id);
    expect(darkDone.status).toBe('completed');
    const after = await decodeMp3(await download(darkDone.result.output_audio_path));
    expect(Math.abs(after.left.length - before.left.length)).toBeLessThanOrEqual(1152);
    // Power below 5 kHz (a band-limited resample to 11.025 kHz keeps exactly that) and above it (the rest):
    // the high band drops by about the 12 dB cut, the low band (below the shelf) stays.
    const bands = (x: Float32Array) => {
      const power = (y: Float32Array) => y.reduce((s, v) => s + v * v, 0) / y.length;
      const low = power(new Resampler(44100, 11025).process(x));
      return { low, high: power(x) - low };
    };
    const [b, a] = [bands(before.left), bands(after.left)];
    expect(10 * Math.log10(a.high / b.high)).toBeLessThan(-8);
    expect(Math.abs(10 * Math.log10(a.low / b.low))).toBeLessThan(1.5);
  });

  it('refuses others\' projects (also as a viewer), unknown presets and types, providers and bad parameters, creating nothing', async () => {
    await p.t.db.insertInto('project_collaborators').values({ project_id: projectId, user_id: bob.id, invited_by: alice.id, role: 'viewer', status: 'accepted' }).execute();
    const before = { jobs: await p.count('jobs'), rows: await p.count('ai_transformations'), outbox: await p.count('outbox') };
    const post = (user: User, body: Record<string, unknown>, id = projectId) => p.call('POST', `/v1/projects/${id}/transformations`, { token: user.token, body });
    expect((await post(bob, { transformation_type: 'jazz' })).status).toBe(404);
    expect((await post(alice, { transformation_type: 'jazz' }, crypto.randomUUID())).status).toBe(404);
    const unknownPreset = await post(alice, { transformation_type: 'jazz', preset_id: crypto.randomUUID() });
    expect([unknownPreset.status, unknownPreset.body.type]).toEqual([422, expect.stringContaining('unknown-preset')]);
    const unknownType = await post(alice, { transformation_type: 'polka' });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.errors[0].message).toContain('electronic');
    const electronic = await p.t.db.selectFrom('ai_model_presets').select('id').where('transformation_type', '=', 'electronic').executeTakeFirstOrThrow();
    expect((await post(alice, { transformation_type: 'jazz', preset_id: electronic.id })).status).toBe(422);
    expect((await post(alice, { transformation_type: 'jazz', provider: 'replicate' })).status).toBe(422);
    expect((await post(alice, { transformation_type: 'jazz', parameters: { duration_seconds: 999 } })).status).toBe(400);
    expect((await post(alice, { transformation_type: 'jazz', parameters: { speed: 2 } })).status).toBe(400);
    expect((await post(alice, { transformation_type: '' })).status).toBe(400);
    expect((await post(alice, { transformation_type: 'effects', parameters: { effects_preset_id: crypto.randomUUID() } })).status).toBe(422);
    expect((await post(alice, { transformation_type: 'effects' })).status).toBe(400);
    expect((await post(alice, { transformation_type: 'effects', parameters: { effects_chain: [{ type: 'delay', settings: { feedback: 1.5 } }] } })).status).toBe(400);
    expect((await post(alice, { transformation_type: 'effects', parameters: { effects_chain: [{ type: 'flanger', settings: {} }] } })).status).toBe(400);
    expect((await post(alice, { transformation_type: 'jazz', parameters: { effects_chain: [{ type: 'reverb', settings: {} }] } })).status).toBe(400);
    expect({ jobs: await p.count('jobs'), rows: await p.count('ai_transformations'), outbox: await p.count('outbox') }).toEqual(before);
  });

  it("enforces the tier's monthly transformation limit, counting each accepted one and nothing refused", async () => {
    const { tier } = await p.t.db.selectFrom('profiles').select('subscription_tier as tier').where('id', '=', alice.id).executeTakeFirstOrThrow();
    const used = Number((await p.t.db.selectFrom('usage_tracking').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', alice.id).where('resource_type', '=', 'ai_transformations').executeTakeFirstOrThrow()).n);
    expect(used).toBe(4); // the four accepted above
    const setLimit = async (value: number) => {
      await p.t.db.deleteFrom('subscription_limits').where('subscription_tier', '=', tier).where('resource_type', '=', 'ai_transformations').execute();
      await p.t.db.insertInto('subscription_limits').values({ subscription_tier: tier, resource_type: 'ai_transformations', limit_value: String(value), limit_unit: 'count' } as never).execute();
    };
    await setLimit(used + 1);
    const body = { transformation_type: 'orchestral', parameters: { duration_seconds: 6 } };
    const last = await p.call('POST', `/v1/projects/${projectId}/transformations`, { token: alice.token, body });
    expect(last.status).toBe(202);
    const before = { jobs: await p.count('jobs'), rows: await p.count('ai_transformations') };
    const refused = await p.call('POST', `/v1/projects/${projectId}/transformations`, { token: alice.token, body });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ type: expect.stringContaining('usage-limit'), limit: { name: 'ai_transformations', limit: used + 1, used: used + 1, remaining: 0, resets_at: expect.any(String) } });
    expect({ jobs: await p.count('jobs'), rows: await p.count('ai_transformations') }).toEqual(before);
    await setLimit(-1);
    expect((await p.call('POST', `/v1/projects/${projectId}/transformations`, { token: alice.token, body })).status).toBe(202);
    await p.settled(alice, last.body.id);
  });
});

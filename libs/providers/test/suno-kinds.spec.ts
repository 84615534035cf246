import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeMp3, decodeWav } from '@muse/audio-engine';
import {
  alignLyrics, ProviderError, SafeFetchError, SunoCallback, SunoClient, SunoExtender, SunoLyricsCallback, sunoCallbackTaskId, SunoLyricsWriter,
  SunoPersonaCreator, SunoSectionReplacer, SunoSeparationCallback, SunoStemSeparator, SunoTimestampedLyrics, SunoWavCallback, SunoWavConverter,
  type ProviderTrackRef,
} from '../src/index.js';
import { startProviderSimulator, SENSITIVE_WORD, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { SIM_LYRICS } from '../../../test/simulators/sim-audio.js';
import { waitFor } from '../../../test/support/env.js';
import { fetchResult, settle, startReceiver } from './support.js';

describe('Suno follow-up adapters against the simulator', () => {
  let sim: ProviderSimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let client: SunoClient;
  let ref: ProviderTrackRef;
  let hook: string;

  beforeAll(async () => {
    sim = await startProviderSimulator({ stepMs: 40 });
    receiver = await startReceiver();
    hook = `${receiver.url}/v1/webhooks/suno?job=j1&token=t`;
    client = new SunoClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 5000 });
    // Follow-up work needs a track Suno generated: its generation task id and audio id.
    const taskId = await client.generate({ customMode: false, instrumental: false, model: 'V4_5', callBackUrl: hook, prompt: 'a song about the sea' });
    ref = { taskId, audioId: `${taskId}-0` };
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });
  const callbacksFor = (taskId: string) => receiver.received.filter((r) => sunoCallbackTaskId(JSON.parse(r.body)) === taskId).map((r) => JSON.parse(r.body) as unknown);

  it('extend: submits the published fields, reaches SUCCESS, and its callbacks parse as generation callbacks', async () => {
    const extender = new SunoExtender(client);
    const id = await extender.submit({ providerRef: ref, continueAt: 3, prompt: '[Verse] more', style: 'pop', title: 'Longer' }, { webhookUrl: hook });
    const outcome = await settle(extender, id);
    expect(outcome).toMatchObject({ state: 'done', value: { songs: [expect.objectContaining({ audioUrl: expect.stringMatching(/^http/) }), expect.anything()] } });
    await waitFor(async () => callbacksFor(id).some((b) => (b as SunoCallback).data.callbackType === 'complete'), 'complete callback');
    for (const body of callbacksFor(id)) expect(SunoCallback.safeParse(body).success).toBe(true);
    // Inherited parameters need only the audio id.
    await expect(extender.submit({ providerRef: ref, continueAt: 3 }, { webhookUrl: hook })).resolves.toEqual(expect.any(String));
    // An unknown track is refused by the provider: permanent.
    await expect(extender.submit({ providerRef: { taskId: 'x', audioId: 'nope-0' }, continueAt: 3 }, { webhookUrl: hook })).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('replace section: refuses spans outside 6–60 s before calling, replaces a valid one', async () => {
    const replacer = new SunoSectionReplacer(client);
    const before = sim.kindCalls['/api/v1/generate/replace-section'] ?? 0;
    await expect(replacer.submit({ providerRef: ref, startSeconds: 1, endSeconds: 4, prompt: 'x', tags: 'pop' }, { webhookUrl: hook })).rejects.toMatchObject({ kind: 'permanent' });
    expect(sim.kindCalls['/api/v1/generate/replace-section'] ?? 0).toBe(before);
    const id = await replacer.submit({ providerRef: ref, startSeconds: 1, endSeconds: 9.5, prompt: 'new words', tags: 'jazz' }, { webhookUrl: hook });
    const outcome = await settle(replacer, id);
    expect(outcome.state).toBe('done');
    const file = await fetchResult((outcome as { value: { audioUrl: string } }).value.audioUrl);
    expect(file.body.length).toBeGreaterThan(1000);
    // Section replacement calls back once, at the end.
    await waitFor(async () => callbacksFor(id).length > 0, 'replace-section callback');
    expect(callbacksFor(id).map((b) => (b as SunoCallback).data.callbackType)).toEqual(['complete']);
  });

  it('extend: a prompt refused by the content policy ends as the user’s fault', async () => {
    const extender = new SunoExtender(client);
    const id = await extender.submit({ providerRef: ref, continueAt: 3, prompt: `[Verse] ${SENSITIVE_WORD}`, style: 'pop', title: 'Nope' }, { webhookUrl: hook });
    expect(await settle(extender, id)).toMatchObject({ state: 'failed', userFault: true });
  });

  it('lyrics: variants from record-info, the callback parses; sensitive words are the user’s fault, failures not', async () => {
    const writer = new SunoLyricsWriter(client);
    const id = await writer.submit({ prompt: 'night city' }, { webhookUrl: hook });
    const outcome = await settle(writer, id);
    expect(outcome).toMatchObject({ state: 'done', value: { variants: [expect.objectContaining({ title: expect.any(String), text: expect.stringContaining('night city') }), expect.anything()] } });
    await waitFor(async () => callbacksFor(id).length > 0, 'lyrics callback');
    expect(SunoLyricsCallback.parse(callbacksFor(id)[0]).data.callbackType).toBe('complete');

    const refused = await writer.submit({ prompt: `about ${SENSITIVE_WORD}` }, { webhookUrl: hook });
    expect(await settle(writer, refused)).toMatchObject({ state: 'failed', userFault: true });
    sim.faults.failTasks = true;
    const failing = await writer.submit({ prompt: 'rain' }, { webhookUrl: hook });
    sim.faults.failTasks = false;
    expect(await settle(writer, failing)).toMatchObject({ state: 'failed', userFault: false, message: expect.stringContaining('GENERATE_LYRICS_FAILED') });
    await expect(writer.submit({ prompt: 'x', mode: 'extend', lyrics: 'a' }, { webhookUrl: hook })).rejects.toMatchObject({ kind: 'permanent' });
    await expect(writer.submit({ prompt: 'x'.repeat(2001) }, { webhookUrl: hook })).rejects.toMatchObject({ kind: 'permanent', details: { code: 413 } });
  });

  it('stems: separate_vocal and split_stem give real audio parts; the separation callback parses', async () => {
    const separator = new SunoStemSeparator(client);
    await expect(separator.submit({ audioUrl: 'https://x/a.mp3' }, { webhookUrl: hook })).rejects.toMatchObject({ kind: 'permanent' });
    const id = await separator.submit({ audioUrl: 'https://x/a.mp3', providerRef: ref, mode: 'vocals' }, { webhookUrl: hook });
    const two = await settle(separator, id);
    expect(two.state === 'done' && Object.keys(two.value).sort()).toEqual(['instrumental', 'vocals']);
    const vocals = await fetchResult((two as { value: Record<string, string> }).value.vocals!);
    // Suno's stems are MP3: the simulator's are the engine's layers, which decode to real audio.
    expect(vocals.contentType).toBe('audio/mpeg');
    const decoded = await decodeMp3(vocals.body);
    expect(decoded.sampleRate).toBe(22050);
    expect(decoded.left.length / decoded.sampleRate).toBeGreaterThan(4);
    const all = await settle(separator, await separator.submit({ audioUrl: 'https://x/a.mp3', providerRef: ref, mode: 'stems' }, { webhookUrl: hook }));
    expect(all.state === 'done' && Object.keys(all.value)).toEqual(expect.arrayContaining(['vocals', 'drums', 'bass']));
    await waitFor(async () => callbacksFor(id).length > 0, 'separation callback');
    expect(SunoSeparationCallback.parse(callbacksFor(id)[0]).data.vocal_removal_info).toMatchObject({ vocal_url: expect.stringMatching(/^http/) });
  });

  it('WAV: converts to a real WAV file; the WAV callback parses', async () => {
    const converter = new SunoWavConverter(client);
    const id = await converter.submit({ providerRef: ref }, { webhookUrl: hook });
    const outcome = await settle(converter, id);
    expect(outcome.state).toBe('done');
    const file = await fetchResult((outcome as { value: { wavUrl: string } }).value.wavUrl);
    expect(file.body.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(decodeWav(file.body).sampleRate).toBe(44100);
    await waitFor(async () => callbacksFor(id).length > 0, 'wav callback');
    expect(SunoWavCallback.parse(callbacksFor(id)[0]).data.audio_wav_url).toMatch(/\.wav$/);
  });

  it('timestamped lyrics and personas answer at once', async () => {
    const aligned = await new SunoTimestampedLyrics(client).run({ providerRef: ref });
    expect(aligned.state).toBe('done');
    const value = (aligned as { value: { words: Array<{ word: string; start: number; end: number }>; lines: Array<{ text: string }> } }).value;
    expect(value.words.length).toBeGreaterThan(2);
    expect(value.words.every((w) => w.end >= w.start && !w.word.includes('['))).toBe(true);
    // The lines are the simulated song's own lyrics, as sung.
    expect(value.lines.length).toBeGreaterThan(0);
    for (const line of value.lines) expect(SIM_LYRICS).toContain(line.text);

    const personas = new SunoPersonaCreator(client);
    expect(await personas.run({ providerRef: ref, name: 'Sea Singer', description: 'warm and airy' })).toMatchObject({ state: 'done', value: { personaId: expect.stringMatching(/^persona_/) } });
    await expect(personas.run({ providerRef: ref, name: SENSITIVE_WORD, description: 'x' })).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('faults: 429 with Retry-After, 5xx on status, malformed answers, no callback URL, private result URLs', async () => {
    const converter = new SunoWavConverter(client);
    sim.faults.submitStatus = { status: 429, times: 1, provider: 'suno' };
    const limited = await converter.submit({ providerRef: ref }, { webhookUrl: hook }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited).toMatchObject({ kind: 'transient', details: { status: 429, retryAfterMs: 1000 } });

    const id = await converter.submit({ providerRef: ref }, { webhookUrl: hook });
    sim.faults.queryStatus = { status: 503, times: 1 };
    await expect(converter.poll(id)).rejects.toMatchObject({ kind: 'transient', details: { status: 503 } });
    sim.faults.malformedStatus = true;
    await expect(converter.poll(id)).rejects.toMatchObject({ kind: 'transient' });
    await expect(new SunoLyricsWriter(client).poll([...sim.kindTasks.values()].find((t) => t.kind === 'lyrics')!.id)).rejects.toMatchObject({ kind: 'transient' });
    await expect(new SunoTimestampedLyrics(client).run({ providerRef: ref })).rejects.toMatchObject({ kind: 'transient' });
    sim.faults.malformedStatus = false;

    await expect(converter.submit({ providerRef: ref })).rejects.toMatchObject({ kind: 'transient' });

    sim.faults.resultUrls = 'private-address';
    const privateTask = await converter.submit({ providerRef: ref }, { webhookUrl: hook });
    const outcome = await settle(converter, privateTask);
    sim.faults.resultUrls = 'normal';
    const url = (outcome as { value: { wavUrl: string } }).value.wavUrl;
    expect(url).toContain('169.254.169.254');
    await expect(fetchResult(url)).rejects.toBeInstanceOf(SafeFetchError);
  });

  it('callback faults: duplicates arrive twice, "never" sends none, and the poll still finishes', async () => {
    const converter = new SunoWavConverter(client);
    sim.faults.callbacks = 'duplicate';
    const dup = await converter.submit({ providerRef: ref }, { webhookUrl: hook });
    await waitFor(async () => callbacksFor(dup).length >= 2, 'duplicate callbacks');
    sim.faults.callbacks = 'never';
    const silent = await converter.submit({ providerRef: ref }, { webhookUrl: hook });
    expect((await settle(converter, silent)).state).toBe('done');
    sim.faults.callbacks = 'normal';
    expect(callbacksFor(silent)).toHaveLength(0);

    // Malformed callbacks: valid JSON of the wrong shape, which no schema accepts and which names no task.
    const before = receiver.received.length;
    sim.faults.malformedCallbacks = true;
    await converter.submit({ providerRef: ref }, { webhookUrl: hook });
    const bad = await waitFor(async () => receiver.received.slice(before).find((r) => JSON.parse(r.body).data === 7), 'malformed callback');
    sim.faults.malformedCallbacks = false;
    const body = JSON.parse(bad.body) as unknown;
    expect(SunoWavCallback.safeParse(body).success).toBe(false);
    expect(SunoCallback.safeParse(body).success).toBe(false);
    expect(sunoCallbackTaskId(body)).toBeUndefined();
  });
});

describe('alignLyrics', () => {
  it('drops section tags, splits lines on newlines inside words, keeps times', () => {
    const { words, lines } = alignLyrics([
      { word: '[Verse]\nHello ', start: 1, end: 1.5 },
      { word: 'world\n', start: 1.5, end: 2 },
      { word: 'again', start: 2.5, end: 3 },
    ]);
    expect(words.map((w) => w.word)).toEqual(['Hello', 'world', 'again']);
    expect(lines).toEqual([
      { text: 'Hello world', start: 1, end: 2 },
      { text: 'again', start: 2.5, end: 3 },
    ]);
  });
});

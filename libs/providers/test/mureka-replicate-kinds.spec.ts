import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeWav, encodeWav, renderSong, SAMPLE_RATE } from '@muse/audio-engine';
import {
  FalClient, FalSongDescriber, FalWebhook, MurekaClient, MurekaFileUploader, MurekaLyricsWriter, MurekaSongRecognizer, parseClassifierReport,
  ProviderError, ReplicateAudioUpscaler, ReplicateClient, ReplicateDemucs, ReplicateMusicClassifier, ReplicateMusicTransformer, verifyFalWebhook,
} from '../src/index.js';
import { startProviderSimulator, SENSITIVE_WORD, type ProviderSimulator } from '../../../test/simulators/provider-simulator.js';
import { waitFor } from '../../../test/support/env.js';
import { fetchResult, settle, startReceiver } from './support.js';

describe('Mureka, Replicate and fal kind adapters against the simulator', () => {
  let sim: ProviderSimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let mureka: MurekaClient;
  let replicate: ReplicateClient;

  beforeAll(async () => {
    sim = await startProviderSimulator({ stepMs: 40 });
    receiver = await startReceiver();
    mureka = new MurekaClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 5000 });
    replicate = new ReplicateClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('mureka lyrics: generate and extend answer at once; content policy is permanent; 429 carries Retry-After; malformed is transient', async () => {
    const writer = new MurekaLyricsWriter(mureka);
    expect(await writer.run({ prompt: 'harbour lights' })).toMatchObject({ state: 'done', value: { variants: [{ title: 'Simulated Lyrics', text: expect.stringContaining('harbour lights') }] } });
    const extended = await writer.run({ prompt: '', mode: 'extend', lyrics: '[Verse]\nfirst line' });
    expect(extended).toMatchObject({ state: 'done', value: { variants: [{ text: expect.stringMatching(/^\[Verse\]\nfirst line[\s\S]+Verse 2/) }] } });
    await expect(writer.run({ prompt: '', mode: 'extend', lyrics: SENSITIVE_WORD })).rejects.toMatchObject({ kind: 'permanent', details: { status: 400 } });
    await expect(writer.run({ prompt: `a ${SENSITIVE_WORD} song` })).rejects.toMatchObject({ kind: 'permanent', details: { status: 400 } });
    sim.faults.submitStatus = { status: 429, times: 1, provider: 'mureka' };
    await expect(writer.run({ prompt: '', mode: 'extend', lyrics: 'x' })).rejects.toMatchObject({ kind: 'transient', details: { status: 429, retryAfterMs: 1000 } });
    sim.faults.malformedStatus = true;
    await expect(writer.run({ prompt: '', mode: 'extend', lyrics: 'x' })).rejects.toMatchObject({ kind: 'transient' });
    sim.faults.malformedStatus = false;
  });

  it('mureka upload + recognition: a real WAV goes up as multipart, recognition transcribes it with times', async () => {
    const wav = encodeWav(renderSong({ prompt: 'upload me', durationSeconds: 5, seed: 3 }, 0).mix, SAMPLE_RATE, 16);
    const uploaded = await new MurekaFileUploader(mureka).run({ file: wav, filename: 'song.wav', contentType: 'audio/wav', purpose: 'audio' });
    expect(uploaded).toMatchObject({ state: 'done', value: { fileId: expect.stringMatching(/^\d+$/), bytes: wav.length } });
    const fileId = (uploaded as { value: { fileId: string } }).value.fileId;
    expect(sim.uploads.get(fileId)).toMatchObject({ purpose: 'audio', filename: 'song.wav', bytes: wav.length });
    // Not audio: refused by the provider, the request's fault.
    await expect(new MurekaFileUploader(mureka).run({ file: Buffer.from('<html>'), filename: 'x.html', contentType: 'text/html', purpose: 'audio' })).rejects.toMatchObject({ kind: 'permanent' });

    const recognizer = new MurekaSongRecognizer(mureka);
    const result = await recognizer.run({ fileId });
    expect(result).toMatchObject({ state: 'done', value: { match: null, durationSeconds: expect.any(Number) } });
    const lyrics = (result as { value: { lyrics: { words: Array<{ start: number; end: number }>; lines: Array<{ text: string }> } } }).value.lyrics;
    expect(lyrics.lines.length).toBeGreaterThan(0);
    expect(lyrics.words.every((w) => w.end >= w.start && w.end < 60)).toBe(true);
    await expect(recognizer.run({ fileId: 'unknown' })).rejects.toMatchObject({ kind: 'permanent' });
    sim.faults.malformedStatus = true;
    await expect(recognizer.run({ fileId })).rejects.toMatchObject({ kind: 'transient' });
    sim.faults.malformedStatus = false;
  });

  it('replicate upscale: AudioSR inputs as published, a real 48 kHz WAV back', async () => {
    const upscaler = new ReplicateAudioUpscaler(replicate);
    const id = await upscaler.submit({ audioUrl: 'https://example.com/in.mp3', seed: 7, ddimSteps: 500, guidanceScale: 2 });
    expect(sim.predictions.get(id)!.input).toEqual({ input_file: 'https://example.com/in.mp3', ddim_steps: 100, guidance_scale: 2, seed: 7 });
    const outcome = await settle(upscaler, id);
    expect(outcome.state).toBe('done');
    const file = await fetchResult((outcome as { value: { audioUrl: string } }).value.audioUrl);
    expect(decodeWav(file.body).sampleRate).toBe(48000);
  });

  it('replicate transformation: MusicGen melody inputs; a refused prompt is the user’s fault, a failure is not', async () => {
    const transformer = new ReplicateMusicTransformer(replicate);
    const id = await transformer.submit({ audioUrl: 'https://example.com/in.mp3', prompt: 'full orchestra', durationSeconds: 60 });
    expect(sim.predictions.get(id)!.input).toMatchObject({ prompt: 'full orchestra', input_audio: 'https://example.com/in.mp3', model_version: 'stereo-melody-large', duration: 30, continuation: false });
    const outcome = await settle(transformer, id);
    const file = await fetchResult((outcome as { value: { audioUrl: string } }).value.audioUrl);
    expect(decodeWav(file.body).sampleRate).toBe(44100);

    const refused = await transformer.submit({ audioUrl: 'https://example.com/in.mp3', prompt: `a ${SENSITIVE_WORD} song` });
    expect(await settle(transformer, refused)).toMatchObject({ state: 'failed', userFault: true, message: expect.stringContaining('NSFW') });
    sim.faults.failTasks = true;
    const failing = await transformer.submit({ audioUrl: 'https://example.com/in.mp3', prompt: 'jazz' });
    const failed = await settle(transformer, failing);
    sim.faults.failTasks = false;
    expect(failed).toMatchObject({ state: 'failed', userFault: false });
  });

  it('replicate classification: the report file is read through the fetcher; labels per classifier type', async () => {
    const classifier = new ReplicateMusicClassifier(replicate, async (url) => (await fetchResult(url, ['text/'])).body.toString('utf8'));
    const id = await classifier.submit({ audioUrl: 'https://example.com/in.mp3', classifier: 'genre' });
    expect(sim.predictions.get(id)!.input).toEqual({ audio: 'https://example.com/in.mp3', model_type: 'effnet-discogs' });
    const plain = await settle(classifier, id);
    // One report holds every task: each type's labels are told apart.
    expect(plain.state === 'done' && plain.value.byClassifier).toMatchObject({ genre: [{ label: 'Electronic---Synth-pop', score: 0.71 }, expect.anything()], mood: [{ label: 'happy', score: 0.64 }, expect.anything()], instrument: [{ label: 'synthesizer', score: 0.83 }, expect.anything()] });
    if (plain.state !== 'done') throw new Error('not done');
    expect(plain.value.byClassifier?.genre?.[0]).toEqual({ label: 'Electronic---Synth-pop', score: 0.71 });
    expect(plain.value.byClassifier?.mood?.map((l) => l.label)).toEqual(['happy', 'energetic']);
    expect(plain.value.byClassifier?.instrument?.[0]?.label).toBe('synthesizer');
    expect(plain.value.labels.length).toBeGreaterThanOrEqual(6);
  });

  it('replicate faults: 429 with Retry-After, malformed prediction, Demucs vocals mode', async () => {
    const upscaler = new ReplicateAudioUpscaler(replicate);
    sim.faults.submitStatus = { status: 429, times: 1, provider: 'replicate' };
    const limited = await upscaler.submit({ audioUrl: 'https://example.com/in.mp3' }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited).toMatchObject({ kind: 'transient', details: { status: 429, retryAfterMs: 1000 } });
    const id = await upscaler.submit({ audioUrl: 'https://example.com/in.mp3' });
    sim.faults.malformedStatus = true;
    await expect(upscaler.poll(id)).rejects.toMatchObject({ kind: 'transient' });
    sim.faults.malformedStatus = false;

    // A provider slower than our timeout is a transient failure, not a hang.
    sim.faults.slowMs = 1500;
    sim.faults.slowProvider = 'replicate';
    const impatient = new ReplicateAudioUpscaler(new ReplicateClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 200 }));
    await expect(impatient.poll(id)).rejects.toMatchObject({ kind: 'transient', message: expect.stringContaining('timed out') });
    sim.faults.slowMs = 0;

    const demucs = new ReplicateDemucs(replicate);
    const stems = await settle(demucs, await demucs.submit({ audioUrl: 'https://example.com/in.mp3', mode: 'vocals' }));
    expect(stems.state === 'done' && Object.keys(stems.value).sort()).toEqual(['instrumental', 'vocals']);
  });

  it('fal: webhooks are signed (ED25519 over ids, timestamp and body hash) and verify; tampering and stale replays do not', async () => {
    const describer = new FalSongDescriber(new FalClient({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 5000 }), 'fal-ai/song-describer');
    const id = await describer.submit({ audioUrl: 'https://example.com/in.mp3' }, { webhookUrl: `${receiver.url}/v1/webhooks/fal?job=j&token=t` });
    const delivery = await waitFor(async () => receiver.received.find((r) => r.path.startsWith('/v1/webhooks/fal') && JSON.parse(r.body).request_id === id), 'fal webhook');
    expect(FalWebhook.parse(JSON.parse(delivery.body))).toMatchObject({ request_id: id, status: 'OK', payload: { description: expect.any(String) } });
    const headers = delivery.headers as Record<string, string>;
    expect(verifyFalWebhook(sim.falJwks, headers, delivery.body)).toMatchObject({ ok: true, requestId: id });
    expect(verifyFalWebhook(sim.falJwks, headers, delivery.body.replace('OK', 'ERROR')).ok).toBe(false);
    expect(verifyFalWebhook(sim.falJwks, headers, delivery.body, { nowSeconds: Math.floor(Date.now() / 1000) + 400 })).toMatchObject({ ok: false, reason: expect.stringMatching(/tolerance/) });
    expect(verifyFalWebhook({ keys: [] }, headers, delivery.body).ok).toBe(false);
    // The JWKS is served like fal's.
    const served = (await (await fetch(`${sim.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ x: string }> };
    expect(verifyFalWebhook({ keys: served.keys }, headers, delivery.body).ok).toBe(true);
    expect(await describer.poll(id)).toMatchObject({ state: 'done' });
  });
});

describe('parseClassifierReport', () => {
  it('reads JSON maps, label lists and percentages, best first', () => {
    expect(parseClassifierReport({ rock: 0.2, pop: 0.7 })).toEqual([{ label: 'pop', score: 0.7 }, { label: 'rock', score: 0.2 }]);
    expect(parseClassifierReport(JSON.stringify([{ label: 'sad', score: '40%' }, { name: 'calm', probability: 0.9 }]))).toEqual([{ label: 'calm', score: 0.9 }, { label: 'sad', score: 0.4 }]);
    expect(parseClassifierReport({ genre: { jazz: 0.5 }, mood: { dark: 0.8 } }, 'genre')).toEqual([{ label: 'jazz', score: 0.5 }]);
    expect(parseClassifierReport('nothing here')).toEqual([]);
  });
});

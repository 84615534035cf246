// The README's client example (it is type-checked by libs/client/test/types.spec.ts).
import { writeFile } from 'node:fs/promises';
import { Muse, MuseApiError, MuseJobError } from '@muse/client';

const muse = new Muse({ baseUrl: 'http://localhost:3000', apiKey: process.env.MUSE_API_KEY });

const controller = new AbortController(); // controller.abort() cancels the job on the server
try {
  const job = await muse.run(
    'generation',
    { prompt: 'sunny reggae about the sea', duration_seconds: 30, instrumental: true },
    { onProgress: (j) => console.log(`${j.status} ${j.progress}%`), signal: controller.signal },
  );
  for (const { version, audio } of await muse.downloadTrack(job.resource!.id)) {
    await writeFile(`song-${version.variant_index}.mp3`, audio);
  }
  // Every path of the OpenAPI is typed too:
  const { data: me } = await muse.api.GET('/v1/me');
  console.log(me);
} catch (error) {
  if (error instanceof MuseApiError) console.error(error.status, error.problem.title, error.problem.errors);
  else if (error instanceof MuseJobError) console.error(error.job.error?.message);
  else throw error;
}

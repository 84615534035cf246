import { z } from 'zod';
import { JobResource } from './api/jobs.js';

/** One status or progress change of a job: the whole job object, and whose it is (for routing only). */
export const JobEvent = z.object({
  user_id: z.uuid(),
  job: JobResource,
});
export type JobEvent = z.infer<typeof JobEvent>;

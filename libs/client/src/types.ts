// The generated OpenAPI types, imported as `../src/generated/…` so the path resolves the same from
// src/ and from dist/ (the .d.ts is shipped in the package beside dist, not copied into it).
import type { components, paths } from '../src/generated/api.js';

export type { components, paths };

export type Job = components['schemas']['Job'];
export type JobKind = Job['kind'];
export type JobStatus = Job['status'];
export type Problem = components['schemas']['Problem'] & { limit?: NonNullable<components['schemas']['LimitProblem']['limit']>; [key: string]: unknown };
export type Track = components['schemas']['Track'];
export type TrackVersion = components['schemas']['TrackVersion'] & { id: string; variant_index: number; audio_url: string | null; is_primary?: boolean };

/** `{data, next_cursor}`: one page of a list. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

type JsonBody<P extends keyof paths, M extends 'post'> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The request body of each job kind; kinds that act on a track or project carry its id in the body. */
export interface JobBodies {
  generation: JsonBody<'/v1/generations', 'post'>;
  lyrics: JsonBody<'/v1/lyrics', 'post'>;
  stems: { track_id: string } & JsonBody<'/v1/tracks/{id}/stems', 'post'>;
  wav: { track_id: string } & JsonBody<'/v1/tracks/{id}/wav', 'post'>;
  upscale: JsonBody<'/v1/upscales', 'post'>;
  classification: { track_id: string } & JsonBody<'/v1/tracks/{id}/classifications', 'post'>;
  description: JsonBody<'/v1/descriptions', 'post'>;
  recognition: JsonBody<'/v1/recognitions', 'post'>;
  section_replacement: { track_id: string } & JsonBody<'/v1/tracks/{id}/sections', 'post'>;
  persona: JsonBody<'/v1/personas', 'post'>;
  transformation: { project_id: string } & JsonBody<'/v1/projects/{id}/transformations', 'post'>;
  effects: { track_id: string } & JsonBody<'/v1/tracks/{id}/effects', 'post'>;
}
export type SubmittableKind = keyof JobBodies;

/** Where each kind is submitted, and which body field (if any) names the path's resource. */
export const SUBMIT_PATHS: { readonly [K in SubmittableKind]: { path: string; param?: 'track_id' | 'project_id' } } = {
  generation: { path: '/v1/generations' },
  lyrics: { path: '/v1/lyrics' },
  stems: { path: '/v1/tracks/{id}/stems', param: 'track_id' },
  wav: { path: '/v1/tracks/{id}/wav', param: 'track_id' },
  upscale: { path: '/v1/upscales' },
  classification: { path: '/v1/tracks/{id}/classifications', param: 'track_id' },
  description: { path: '/v1/descriptions' },
  recognition: { path: '/v1/recognitions' },
  section_replacement: { path: '/v1/tracks/{id}/sections', param: 'track_id' },
  persona: { path: '/v1/personas' },
  transformation: { path: '/v1/projects/{id}/transformations', param: 'project_id' },
  effects: { path: '/v1/tracks/{id}/effects', param: 'track_id' },
};

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isTerminal = (job: Pick<Job, 'status'>): boolean => TERMINAL_STATUSES.includes(job.status);

export { Muse, createMuse, type MuseOptions, type RunOptions, type FollowOptions, type StreamEvent, type FollowMode } from './client.js';
export { MuseError, MuseApiError, MuseJobError, MuseAbortError } from './errors.js';
export { readSse, type SseMessage } from './sse.js';
export { isTerminal, SUBMIT_PATHS, TERMINAL_STATUSES } from './types.js';
export type { Job, JobKind, JobStatus, JobBodies, SubmittableKind, Page, Problem, Track, TrackVersion, components, paths } from './types.js';

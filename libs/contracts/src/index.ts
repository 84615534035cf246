export * from './queues.js';
export * from './jobs.js';
export * from './events.js';
export * from './api/auth.js';
export * from './api/generations.js';
export * from './api/jobs.js';

export * from './storage.service.js';

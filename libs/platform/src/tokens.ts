/** Injection tokens of the shared connections every Nest app of the platform provides. */
export const CONFIG = Symbol('CONFIG');
export const DATABASE = Symbol('DATABASE');
export const REDIS = Symbol('REDIS');
export const STORAGE = Symbol('STORAGE');
export const LOGGER = Symbol('LOGGER');
export const QUEUES = Symbol('QUEUES');

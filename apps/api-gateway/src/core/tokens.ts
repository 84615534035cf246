export { CONFIG, DATABASE, LOGGER, QUEUES, REDIS, STORAGE } from '@muse/platform';

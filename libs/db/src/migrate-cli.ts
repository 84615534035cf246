import { runMigrations } from './migrator.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/muse';
const result = await runMigrations(url);
console.log(JSON.stringify({ msg: 'migrations', applied: result.applied, already_applied: result.skipped.length }));

import { runMigrations } from './migrator.js';

// Migrations hold a session advisory lock: behind a transaction-mode pooler they need a direct connection.
const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/muse';
const result = await runMigrations(url);
console.log(JSON.stringify({ msg: 'migrations', applied: result.applied, already_applied: result.skipped.length }));

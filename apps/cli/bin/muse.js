#!/usr/bin/env node
// The `muse` command (apps/cli). Built by `npm run build`; run as `npx muse …` from the repository.
import '../dist/main.js';

# syntax=docker/dockerfile:1
# One image for the whole platform: every app and the migration CLI. The process is chosen by the command:
#   api-gateway        node apps/api-gateway/dist/main.js          (default CMD)
#   generation-worker  node apps/generation-worker/dist/main.js
#   stems-worker       node apps/stems-worker/dist/main.js
#   archiver           node apps/archiver/dist/main.js
#   analytics-ingest   node apps/analytics-ingest/dist/main.js
#   webhook-sender     node apps/webhook-sender/dist/main.js
#   migrations         node libs/db/dist/migrate-cli.js             (reads DATABASE_URL)
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# ---------------------------------------------------------------------------------------------------------
# manifests: root package.json + lock + every workspace's package.json, nothing else, so the dependency
# layers below stay cached while sources change.
FROM base AS manifests
COPY . /src
RUN set -eu; mkdir -p /manifests; cd /src; \
    cp package.json package-lock.json /manifests/; \
    for dir in libs/* apps/*; do \
      if [ -f "$dir/package.json" ]; then mkdir -p "/manifests/$dir" && cp "$dir/package.json" "/manifests/$dir/"; fi; \
    done

# ---------------------------------------------------------------------------------------------------------
# deps: full dependency tree (TypeScript and the rest of the dev tooling) for the build.
FROM base AS deps
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

# ---------------------------------------------------------------------------------------------------------
# prod-deps: production dependencies only; workspace packages are symlinks node_modules/@muse/* -> libs/*.
FROM base AS prod-deps
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts

# ---------------------------------------------------------------------------------------------------------
# build: compile every lib and app (tsc -b tsconfig.build.json), then collect what runs: package.json + dist/.
FROM deps AS build
COPY . .
RUN npm run build
RUN set -eu; mkdir -p /out; \
    for dir in libs/* apps/*; do \
      if [ -f "$dir/package.json" ]; then \
        mkdir -p "/out/$dir" && cp "$dir/package.json" "/out/$dir/"; \
        if [ -d "$dir/dist" ]; then cp -R "$dir/dist" "/out/$dir/dist"; fi; \
      fi; \
    done; \
    find /out -type f \( -name '*.tsbuildinfo' -o -name '*.d.ts' -o -name '*.d.ts.map' \) -delete; \
    test -f /out/libs/db/dist/migrate-cli.js

# ---------------------------------------------------------------------------------------------------------
# runtime: slim Debian + tini (PID 1 forwards SIGTERM to node and reaps zombies), production deps, compiled
# output, SQL migrations. Files stay owned by root: the app user can read but not modify them.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000 \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=prod-deps /app/ ./
COPY --from=build /out/ ./
# Forward-only SQL migrations; libs/db/dist/migrator.js reads them from ../migrations relative to dist/.
COPY --from=build /app/libs/db/migrations ./libs/db/migrations
# uid/gid 1000 ("node" in the official image); Kubernetes sets runAsUser: 1000 to match.
USER node
EXPOSE 3000
# Gateway: PORT; workers: HEALTH_PORT. Both are 3000 in containers.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "apps/api-gateway/dist/main.js"]

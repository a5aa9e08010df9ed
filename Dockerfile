# vulnbridge daemon image. Node 22 LTS (Node 20 is end of life since April 2026).
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY connector ./connector
COPY tests/sim ./tests/sim
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:22-bookworm-slim
# The pipeline's working set is bounded (pulls are staged in SQLite, planned in pages of
# 500): a heap cap makes V8 collect early instead of growing the heap with garbage.
ENV NODE_ENV=production VULNBRIDGE_CONFIG=/app/config/vulnbridge.yml NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# config/ and templates/ are mounted read-only; data/ is a volume owned by the node user.
RUN mkdir -p /app/data /app/config /app/templates && chown node:node /app/data
COPY --chown=node:node templates ./templates
USER node
VOLUME ["/app/data"]
ENTRYPOINT ["node", "dist/connector/cli/bin.js"]
CMD ["run"]

# syntax=docker/dockerfile:1
# Weixi as it runs in production: the built JavaScript (`pnpm build`) on plain Node 20, as the unprivileged
# user `node`, with production dependencies only. See docs/deployment.md.
#   docker build -t weixi .
#   docker run -e DATABASE_URL=postgres://weixi@db/weixi -e WEIXI_JOBS=off -p 4000:4000 weixi          # an API
#   docker run -e DATABASE_URL=postgres://weixi@db/weixi weixi node --conditions=weixi-built packages/cli/dist/main.js worker

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
COPY . .
# Everything to build, then only what runs: the store filled by the first install serves the second offline.
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && find . -name node_modules -type d -prune -exec rm -rf {} + \
 && CI=true pnpm install --frozen-lockfile --prod --offline

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    WEIXI_DEMO_CUSTOMERS=0 \
    WEIXI_DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# Only the embedded database's folder is writable, and only by `node`; the code is not.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "--conditions=weixi-built", "api/dist/main.js"]

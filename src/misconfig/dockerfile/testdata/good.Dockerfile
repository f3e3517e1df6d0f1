# syntax=docker/dockerfile:1.7
# orders-api: TypeScript service, built with the full Node toolchain and run
# on distroless. Digests are pinned and updated together with the tags.
ARG NODE_VERSION=20.11.1

FROM node:${NODE_VERSION}-bookworm-slim@sha256:7fb8757eb85667d09d21f31264622a9d1aa4fb1a80b598aaf4eda9bc591bda68 AS build
WORKDIR /src
# Native modules (bcrypt) need a compiler; this stage is thrown away.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      python3=3.11.2-1+b1 \
      make=4.3-4.1 \
      g++=4:12.2.0-3 \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci
COPY tsconfig.json ./
COPY src ./src
RUN <<EOT
set -eu
npm run build
npm prune --omit=dev
EOT

FROM gcr.io/distroless/nodejs20-debian12:nonroot@sha256:0432a917d481713126f461035da5380b4574c42f3fa2a587c63ebf411e9d08a4 AS runtime
LABEL org.opencontainers.image.title="orders-api" \
      org.opencontainers.image.source="https://github.com/example/orders-api" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000
COPY --from=build --chown=nonroot:nonroot /src/node_modules ./node_modules
COPY --from=build --chown=nonroot:nonroot /src/dist ./dist
USER nonroot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
  CMD ["/nodejs/bin/node", "dist/healthcheck.js"]
CMD ["dist/server.js"]

# syntax=docker/dockerfile:1
# Storefront (Next.js, standalone output) built with pnpm.
FROM node:20.12-alpine AS node-base
ENV PNPM_HOME=/pnpm NEXT_TELEMETRY_DISABLED=1
RUN corepack enable

FROM node-base AS install
RUN apk add --no-cache libc6-compat
WORKDIR /build
COPY package.json pnpm-lock.yaml ./
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --frozen-lockfile

FROM node-base AS compile
WORKDIR /build
COPY --from=install /build/node_modules ./node_modules
COPY . .
RUN pnpm run build

FROM node-base AS serve
WORKDIR /srv/storefront
ENV NODE_ENV=production PORT=3000
RUN addgroup -S -g 1001 web && adduser -S -u 1001 -G web web
COPY --from=compile --chown=web:web /build/.next/standalone ./
COPY --from=compile --chown=web:web /build/.next/static ./.next/static
COPY --from=compile /build/public ./public
USER web
EXPOSE 3000
CMD ["node", "server.js"]

# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22.3
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS compile
ARG TARGETOS
ARG TARGETARCH
WORKDIR /workspace
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w" -o /out/inventory-api ./cmd/inventory-api

FROM alpine:3.19 AS runtime
RUN --mount=type=cache,target=/var/cache/apk \
    apk add ca-certificates tzdata \
 && update-ca-certificates
ARG APP_UID=10001
RUN addgroup -S -g ${APP_UID} svc \
 && adduser -S -D -H -u ${APP_UID} -G svc -s /sbin/nologin svc
COPY --from=compile /out/inventory-api /usr/local/bin/inventory-api
USER svc:svc
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/inventory-api"]

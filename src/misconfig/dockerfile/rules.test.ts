/**
 * Every check both ways: each bad example raises the check at the expected
 * lines, each good example (often a near miss other linters flag) does not.
 */
import { describe, expect, it } from 'vitest';
import type { Severity } from '../../core/types.js';
import { dockerfileChecks } from './checks.js';
import { scanDockerfile, type ScanOptions } from './scan.js';

interface Case {
  name: string;
  text: string;
  /** Lines (1-based) where the check must fire; for good cases, none. */
  lines?: number[];
  options?: ScanOptions;
  severity?: Severity;
  title?: RegExp;
}

const df = (...lines: string[]): string => lines.join('\n') + '\n';
const DIGEST = 'sha256:7fb8757eb85667d09d21f31264622a9d1aa4fb1a80b598aaf4eda9bc591bda68';

const cases: Record<string, { bad: Case[]; good: Case[] }> = {
  'BH-DF-001': {
    bad: [
      { name: 'no USER', text: df('FROM alpine:3.19', 'RUN echo hi'), lines: [1], title: /default user of alpine/ },
      { name: 'USER root last', text: df('FROM alpine:3.19', 'USER app', 'USER root'), lines: [3] },
      { name: 'USER 0:0', text: df('FROM alpine:3.19', 'USER 0:0'), lines: [2] },
      { name: 'scratch without USER', text: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT ["/app"]'), lines: [1], title: /UID 0/ },
      { name: 'USER root from an ARG default', text: df('FROM alpine:3.19', 'ARG RUN_AS=root', 'USER ${RUN_AS}'), lines: [3] },
    ],
    good: [
      { name: 'numeric USER', text: df('FROM alpine:3.19', 'USER 10001') },
      { name: 'USER inherited from the stage it is built FROM', text: df('FROM alpine:3.19 AS base', 'RUN adduser -D app', 'USER app', '', 'FROM base', 'COPY x /x') },
      { name: 'root only in a build stage', text: df('FROM golang:1.22 AS build', 'USER root', 'FROM alpine:3.19', 'USER 65532') },
      { name: 'distroless nonroot tag', text: df('FROM gcr.io/distroless/static-debian12:nonroot', 'COPY app /') },
      { name: 'USER from a build argument without default', text: df('FROM alpine:3.19', 'ARG APP_UID', 'USER ${APP_UID}') },
    ],
  },
  'BH-DF-002': {
    bad: [
      { name: 'no tag', text: df('FROM node'), lines: [1], title: /node:latest/ },
      { name: 'latest', text: df('FROM node:latest'), lines: [1] },
      { name: 'latest from an ARG default', text: df('ARG TAG=latest', 'FROM node:${TAG}'), lines: [2], title: /default of a build argument/ },
      { name: 'COPY --from an untagged image', text: df('FROM alpine:3.19', 'COPY --from=nginx:latest /etc/nginx /etc/nginx'), lines: [2] },
    ],
    good: [
      { name: 'scratch', text: df('FROM scratch', 'COPY app /') },
      { name: 'a stage name is not an image', text: df(`FROM node:20.11@${DIGEST} AS builder`, 'FROM builder') },
      { name: 'digest without tag', text: df(`FROM node@${DIGEST}`) },
      { name: 'unknown build argument', text: df('ARG BASE', 'FROM ${BASE}') },
      { name: 'explicit tag', text: df('FROM node:20.11-slim') },
    ],
  },
  'BH-DF-003': {
    bad: [
      { name: 'tag without digest', text: df('FROM node:20.11-slim'), lines: [1] },
      { name: 'every stage', text: df('FROM golang:1.22 AS build', 'FROM alpine:3.19'), lines: [1, 2] },
    ],
    good: [
      { name: 'tag and digest', text: df(`FROM node:20.11-slim@${DIGEST}`) },
      { name: 'untagged is BH-DF-002 only', text: df('FROM node') },
      { name: 'scratch', text: df('FROM scratch') },
    ],
  },
  'BH-DF-004': {
    bad: [
      { name: 'Docker Hub image', text: df('FROM node:20'), lines: [1], options: { allowedRegistries: ['registry.example.com', 'gcr.io/distroless'] } },
      { name: 'other path on an allowed host', text: df('FROM gcr.io/other/app:1'), lines: [1], options: { allowedRegistries: ['gcr.io/distroless'] } },
      { name: 'non-official Hub image', text: df('FROM bitnami/node:20'), lines: [1], options: { allowedRegistries: ['docker.io/library'] } },
    ],
    good: [
      {
        name: 'allowed registry and path prefix',
        text: df('FROM registry.example.com/base/node:20 AS build', 'FROM gcr.io/distroless/static:nonroot', 'FROM scratch'),
        options: { allowedRegistries: ['registry.example.com', 'gcr.io/distroless'] },
      },
      { name: 'official images under docker.io/library', text: df('FROM node:20'), options: { allowedRegistries: ['docker.io/library'] } },
      { name: 'no list configured', text: df('FROM node:20') },
    ],
  },
  'BH-DF-005': {
    bad: [
      { name: 'full node image', text: df('FROM node:20.11', 'USER node'), lines: [1], title: /node:20\.11-slim or gcr\.io\/distroless\/nodejs20-debian12/ },
      { name: 'Go toolchain in the final image', text: df('FROM golang:1.22', 'COPY . .', 'RUN go build -o /app', 'CMD ["/app"]'), lines: [1] },
      { name: 'heavy root of the final chain', text: df('FROM python:3.12 AS base', 'FROM base'), lines: [1] },
      { name: 'JDK in the final image', text: df('FROM eclipse-temurin:21-jdk'), lines: [1], title: /21-jre/ },
    ],
    good: [
      { name: 'heavy build stage, distroless runtime', text: df('FROM golang:1.22 AS build', 'FROM gcr.io/distroless/static-debian12:nonroot') },
      { name: 'slim', text: df('FROM node:20-slim') },
      { name: 'alpine', text: df('FROM python:3.12-alpine') },
      { name: 'JRE', text: df('FROM eclipse-temurin:21-jre') },
    ],
  },
  'BH-DF-006': {
    bad: [
      { name: 'remote archive', text: df('FROM alpine:3.19', 'ADD https://example.com/app.tar.gz /opt/'), lines: [2] },
      { name: 'git repository at a tag', text: df('FROM alpine:3.19', 'ADD https://github.com/moby/buildkit.git#v0.13.0 /src'), lines: [2], title: /moving git reference/ },
    ],
    good: [
      {
        name: 'with --checksum',
        text: df('FROM alpine:3.19', 'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/app.tar.gz /opt/'),
      },
      { name: 'COPY', text: df('FROM alpine:3.19', 'COPY app.tar.gz /opt/') },
      { name: 'git repository at a commit', text: df('FROM alpine:3.19', 'ADD https://github.com/moby/buildkit.git#8c2d2e5b5c8bbd0a1cc0e9f69f3bd1b59b6a1d0c /src') },
    ],
  },
  'BH-DF-007': {
    bad: [
      { name: 'ADD of the context', text: df('FROM alpine:3.19', 'ADD . /app'), lines: [2] },
      { name: 'ADD of a file', text: df('FROM alpine:3.19', 'ADD config.yml /etc/app/'), lines: [2] },
    ],
    good: [
      { name: 'local archive to extract', text: df('FROM scratch', 'ADD rootfs.tar.xz /') },
      { name: 'COPY', text: df('FROM alpine:3.19', 'COPY config.yml /etc/app/') },
    ],
  },
  'BH-DF-008': {
    bad: [
      { name: 'curl | sh', text: df('FROM alpine:3.19', 'RUN curl -fsSL https://get.example.com | sh'), lines: [2] },
      { name: 'wget to sudo bash', text: df('FROM debian:12', 'RUN wget -qO- https://example.com/install | sudo -E bash -'), lines: [2] },
      {
        name: 'pipe across continuation lines',
        text: df('FROM debian:12', 'RUN apt-get update \\', ' && curl -sL https://deb.nodesource.com/setup_20.x \\', '    | bash -'),
        lines: [3],
      },
      { name: 'sh -c "$(curl …)"', text: df('FROM debian:12', 'RUN sh -c "$(curl -fsSL https://example.com/install.sh)"'), lines: [2] },
      { name: 'process substitution', text: df('FROM debian:12', 'RUN bash <(curl -s https://example.com/install.sh)'), lines: [2] },
      { name: 'exec form through sh -c', text: df('FROM debian:12', 'RUN ["/bin/sh", "-c", "curl -s https://example.com/i.sh | sh"]'), lines: [2] },
      { name: 'arguments after -s --', text: df('FROM debian:12', 'RUN curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal'), lines: [2] },
    ],
    good: [
      {
        name: 'download, verify, run',
        text: df('FROM debian:12', 'RUN curl -fsSLo install.sh https://example.com/install.sh \\', ' && echo "abc  install.sh" | sha256sum -c - \\', ' && sh install.sh'),
      },
      { name: 'piped into gpg', text: df('FROM debian:12', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /k.gpg') },
      { name: 'quoted text', text: df('FROM debian:12', 'RUN echo "never curl | sh" > /README') },
      {
        name: 'JSON read by python -c',
        text: df('FROM python:3.12-slim', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', `RUN curl -s https://api.example.com/v | python3 -c 'import json,sys; print(json.load(sys.stdin)["v"])'`),
      },
    ],
  },
  'BH-DF-009': {
    bad: [
      { name: 'sudo apt-get', text: df('FROM debian:12', 'RUN sudo apt-get update'), lines: [2] },
      { name: 'sudo in a heredoc script', text: df('FROM debian:12', 'RUN <<EOF', 'set -e', 'sudo make install', 'EOF'), lines: [4] },
    ],
    good: [
      { name: 'installing the sudo package', text: df('FROM debian:12', 'RUN apt-get install -y sudo') },
      { name: 'the word in a string', text: df('FROM debian:12', 'RUN echo "no sudo here"') },
      { name: 'heredoc data, not a script', text: df('FROM debian:12', 'RUN cat <<EOF > /etc/motd', 'sudo is not installed', 'EOF') },
      { name: 'python heredoc', text: df('FROM python:3.12-slim', 'RUN python3 <<EOF', 'import os', 'os.system("sudo true")', 'EOF') },
      { name: 'PowerShell SHELL', text: df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'SHELL ["powershell", "-Command"]', 'RUN sudo x') },
    ],
  },
  'BH-DF-010': {
    bad: [
      { name: 'install without the flag', text: df('FROM debian:12', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*'), lines: [2] },
    ],
    good: [
      { name: 'flag given', text: df('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl') },
      { name: 'apt option', text: df('FROM debian:12', 'RUN apt-get install -y -o APT::Install-Recommends=false curl') },
      {
        name: 'configured earlier in the stage',
        text: df('FROM debian:12', `RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99-no-recommends`, 'RUN apt-get install -y curl'),
      },
    ],
  },
  'BH-DF-011': {
    bad: [
      { name: 'apt lists kept', text: df('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl'), lines: [2] },
      { name: 'apk cache kept', text: df('FROM alpine:3.19', 'RUN apk add curl'), lines: [2] },
      { name: 'dnf cache kept', text: df('FROM fedora:40', 'RUN dnf install -y curl'), lines: [2] },
      { name: 'zypper cache kept', text: df('FROM opensuse/leap:15.6', 'RUN zypper -n install curl'), lines: [2] },
    ],
    good: [
      { name: 'lists removed', text: df('FROM debian:12', 'RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*') },
      { name: 'apk --no-cache', text: df('FROM alpine:3.19', 'RUN apk add --no-cache curl') },
      { name: 'dnf clean all', text: df('FROM fedora:40', 'RUN dnf install -y curl && dnf clean all') },
      { name: 'zypper clean', text: df('FROM opensuse/leap:15.6', 'RUN zypper -n install curl && zypper clean -a') },
      { name: 'cache mount', text: df('FROM debian:12', 'RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl') },
      {
        name: 'build stage only',
        text: df('FROM debian:12 AS build', 'RUN apt-get update && apt-get install -y gcc', 'FROM scratch', 'COPY --from=build /out /out'),
      },
    ],
  },
  'BH-DF-012': {
    bad: [
      { name: 'apt', text: df('FROM debian:12', 'RUN apt-get install -y curl git=1:2.39.2-1.1'), lines: [2], severity: 'info', title: /: curl$/ },
      { name: 'apk', text: df('FROM alpine:3.19', 'RUN apk add --no-cache curl'), lines: [2] },
      { name: 'dnf', text: df('FROM fedora:40', 'RUN dnf install -y java-21-openjdk && dnf clean all'), lines: [2] },
    ],
    good: [
      { name: 'apt pinned', text: df('FROM debian:12', 'RUN apt-get install -y curl=7.88.1-10+deb12u5') },
      { name: 'apk pinned', text: df('FROM alpine:3.19', 'RUN apk add --no-cache curl=8.5.0-r0 tzdata~2024') },
      { name: 'dnf pinned', text: df('FROM fedora:40', 'RUN dnf install -y java-21-openjdk-21.0.3.0.9-1.fc40 && dnf clean all') },
      { name: 'packages from a variable', text: df('FROM debian:12', 'RUN apt-get install -y $PACKAGES') },
    ],
  },
  'BH-DF-013': {
    bad: [
      { name: 'dist-upgrade', text: df('FROM debian:12', 'RUN apt-get update && apt-get -y dist-upgrade'), lines: [2], severity: 'low' },
      { name: 'apk upgrade', text: df('FROM alpine:3.19', 'RUN apk upgrade --no-cache'), lines: [2], severity: 'info' },
      { name: 'yum update of everything', text: df('FROM centos:7', 'RUN yum -y update && yum clean all'), lines: [2] },
    ],
    good: [
      { name: 'one package', text: df('FROM alpine:3.19', 'RUN apk upgrade --no-cache openssl') },
      { name: 'yum update of one package', text: df('FROM centos:7', 'RUN yum -y update openssl && yum clean all') },
    ],
  },
  'BH-DF-014': {
    bad: [
      { name: 'apt-get update alone', text: df('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y curl'), lines: [2] },
      { name: 'apk update alone', text: df('FROM alpine:3.19', 'RUN apk update', 'RUN apk add curl'), lines: [2] },
    ],
    good: [{ name: 'update and install together', text: df('FROM debian:12', 'RUN apt-get update && apt-get install -y curl') }],
  },
  'BH-DF-015': {
    bad: [
      { name: 'apt-get', text: df('FROM debian:12', 'RUN apt-get install curl'), lines: [2] },
      { name: 'yum', text: df('FROM centos:7', 'RUN yum install httpd'), lines: [2] },
      { name: 'zypper', text: df('FROM opensuse/leap:15.6', 'RUN zypper install curl'), lines: [2] },
    ],
    good: [
      { name: '-y', text: df('FROM debian:12', 'RUN apt-get install -y curl') },
      { name: '-qq implies yes', text: df('FROM debian:12', 'RUN apt-get -qq install curl') },
      { name: 'combined short flags', text: df('FROM debian:12', 'RUN apt-get install -qy curl') },
      { name: 'piped from yes', text: df('FROM debian:12', 'RUN yes | apt-get install curl') },
      { name: 'microdnf never prompts', text: df('FROM fedora:40', 'RUN microdnf install curl') },
      { name: 'zypper -n', text: df('FROM opensuse/leap:15.6', 'RUN zypper -n in curl') },
      { name: 'assume-yes option', text: df('FROM debian:12', 'RUN apt-get -o APT::Get::Assume-Yes=true install curl') },
    ],
  },
  'BH-DF-016': {
    bad: [{ name: 'apt install', text: df('FROM debian:12', 'RUN apt install -y curl'), lines: [2] }],
    good: [
      { name: 'apt-get', text: df('FROM debian:12', 'RUN apt-get install -y curl') },
      { name: 'apt-cache', text: df('FROM debian:12', 'RUN apt-cache policy curl') },
    ],
  },
  'BH-DF-017': {
    bad: [
      { name: 'pip install', text: df('FROM python:3.12-slim', 'RUN pip install flask==3.0.0'), lines: [2] },
      { name: 'python -m pip', text: df('FROM python:3.12-slim', 'RUN python3 -m pip install flask==3.0.0'), lines: [2] },
    ],
    good: [
      { name: '--no-cache-dir', text: df('FROM python:3.12-slim', 'RUN pip install --no-cache-dir flask==3.0.0') },
      { name: 'PIP_NO_CACHE_DIR', text: df('FROM python:3.12-slim', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask==3.0.0') },
      { name: 'cache mount', text: df('FROM python:3.12-slim', 'RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0') },
      {
        name: 'virtualenv in a build stage',
        text: df('FROM python:3.12 AS build', 'RUN python -m venv /venv && /venv/bin/pip install flask==3.0.0', 'FROM python:3.12-slim', 'COPY --from=build /venv /venv'),
      },
    ],
  },
  'BH-DF-018': {
    bad: [
      { name: 'pip', text: df('FROM python:3.12-slim', 'RUN pip install --no-cache-dir flask'), lines: [2], title: /flask/ },
      { name: 'npm global', text: df('FROM node:20-slim', 'RUN npm install -g typescript'), lines: [2] },
      { name: 'scoped npm package', text: df('FROM node:20-slim', 'RUN npm install -g @angular/cli'), lines: [2], title: /@angular\/cli/ },
      { name: 'gem', text: df('FROM ruby:3.3-slim', 'RUN gem install bundler'), lines: [2] },
      { name: 'go install @latest', text: df('FROM golang:1.22', 'RUN go install golang.org/x/tools/gopls@latest'), lines: [2] },
    ],
    good: [
      { name: 'requirements file', text: df('FROM python:3.12-slim', 'RUN pip install --no-cache-dir -r requirements.txt') },
      { name: 'pinned pip', text: df('FROM python:3.12-slim', 'RUN pip install --no-cache-dir "flask==3.0.0" "requests>=2.31,<3"') },
      { name: 'upgrading pip itself', text: df('FROM python:3.12-slim', 'RUN pip install --no-cache-dir --upgrade pip setuptools wheel') },
      { name: 'the project itself', text: df('FROM python:3.12-slim', 'RUN pip install --no-cache-dir .') },
      { name: 'pinned npm', text: df('FROM node:20-slim', 'RUN npm install -g typescript@5.4.5 @angular/cli@17.3.0') },
      { name: 'gem with -v', text: df('FROM ruby:3.3-slim', 'RUN gem install bundler -v 2.5.6 && gem install rake:13.1.0') },
      { name: 'go install with a version', text: df('FROM golang:1.22', 'RUN go install golang.org/x/tools/gopls@v0.15.3') },
    ],
  },
  'BH-DF-019': {
    bad: [
      { name: 'lock file copied', text: df('FROM node:20-slim', 'COPY package.json package-lock.json ./', 'RUN npm install'), lines: [3] },
      { name: 'glob copies the lock file', text: df('FROM node:20-slim', 'COPY package*.json ./', 'RUN npm i --omit=dev'), lines: [3] },
    ],
    good: [
      { name: 'npm ci', text: df('FROM node:20-slim', 'COPY package*.json ./', 'RUN npm ci') },
      { name: 'no lock file copied', text: df('FROM node:20-slim', 'COPY package.json ./', 'RUN npm install') },
      { name: 'adding a package', text: df('FROM node:20-slim', 'COPY package*.json ./', 'RUN npm install express@4.19.2') },
    ],
  },
  'BH-DF-020': {
    bad: [
      { name: 'password in ENV', text: df('FROM alpine:3.19', 'ENV DB_PASSWORD=s3cr3t-Pa55'), lines: [2], title: /DB_PASSWORD/ },
      { name: 'token by shape in ARG', text: df('FROM alpine:3.19', 'ARG GH=ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'), lines: [2], title: /GitHub token/ },
      { name: 'AWS key id under any name', text: df('FROM alpine:3.19', 'ENV ID=AKIAIOSFODNN7QWERTY1'), lines: [2] },
      { name: 'secret build argument in the final stage', text: df('FROM node:20-slim', 'ARG NPM_TOKEN', 'RUN npm ci'), lines: [2], severity: 'medium' },
      { name: 'build argument copied into ENV', text: df('FROM node:20-slim', 'ARG NPM_TOKEN', 'ENV NPM_TOKEN=${NPM_TOKEN}'), lines: [3] },
      { name: 'second line of a multi-line ENV', text: df('FROM alpine:3.19', 'ENV APP=orders \\', '    API_KEY=abcd1234efgh5678'), lines: [3] },
      { name: 'password in a URL', text: df('FROM alpine:3.19', 'ENV REDIS_URL=redis://:hunter2secret@cache:6379/0'), lines: [2] },
    ],
    good: [
      { name: 'file path', text: df('FROM alpine:3.19', 'ENV DB_PASSWORD_FILE=/run/secrets/db') },
      { name: 'public key fingerprint', text: df('FROM alpine:3.19', 'ENV GPG_KEY=7169605F62C751356D054A26821A25D3B76D9E40') },
      { name: 'empty', text: df('FROM alpine:3.19', 'ENV DB_PASSWORD=') },
      { name: 'switch', text: df('FROM alpine:3.19', 'ENV SECRET_SCANNING=false') },
      { name: 'placeholder', text: df('FROM alpine:3.19', 'ENV API_TOKEN=changeme') },
      { name: 'variable in a URL', text: df('FROM alpine:3.19', 'ENV DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app') },
      {
        name: 'secret build argument in a build stage',
        text: df('FROM node:20 AS build', 'ARG NPM_TOKEN', 'RUN npm ci', 'FROM node:20-slim', 'COPY --from=build /app /app'),
      },
    ],
  },
  'BH-DF-021': {
    bad: [
      { name: 'SSH key', text: df('FROM alpine:3.19', 'COPY id_rsa /root/.ssh/id_rsa'), lines: [2] },
      { name: '.env', text: df('FROM alpine:3.19', 'COPY .env /app/.env'), lines: [2] },
      { name: '.npmrc is medium', text: df('FROM node:20-slim', 'COPY .npmrc /root/'), lines: [2], severity: 'medium' },
      { name: 'renamed on the way in', text: df('FROM alpine:3.19', 'COPY deploy-key /root/.ssh/id_ed25519'), lines: [2] },
    ],
    good: [
      { name: '.env.example', text: df('FROM alpine:3.19', 'COPY .env.example /app/') },
      { name: 'public key', text: df('FROM alpine:3.19', 'COPY id_rsa.pub /root/.ssh/authorized_keys') },
      { name: 'build stage only', text: df('FROM node:20 AS build', 'COPY .npmrc ./', 'RUN npm ci', 'FROM node:20-slim', 'COPY --from=build /app /app') },
      { name: 'apt signing key', text: df('FROM debian:12', 'COPY nodesource.gpg.key /etc/apt/keyrings/') },
    ],
  },
  'BH-DF-022': {
    bad: [
      { name: 'EXPOSE 22', text: df('FROM alpine:3.19', 'EXPOSE 22'), lines: [2] },
      { name: 'among other ports', text: df('FROM alpine:3.19', 'EXPOSE 80 22/tcp'), lines: [2] },
      { name: 'from a variable', text: df('FROM alpine:3.19', 'ARG SSH_PORT=22', 'EXPOSE ${SSH_PORT}'), lines: [3] },
    ],
    good: [
      { name: 'another port', text: df('FROM alpine:3.19', 'EXPOSE 2222 8022') },
      { name: 'UDP', text: df('FROM alpine:3.19', 'EXPOSE 22/udp') },
      { name: 'build stage', text: df('FROM alpine:3.19 AS build', 'EXPOSE 22', 'FROM alpine:3.19') },
    ],
  },
  'BH-DF-023': {
    bad: [{ name: 'none', text: df('FROM alpine:3.19', 'CMD ["sleep", "1"]'), lines: [1] }],
    good: [
      { name: 'HEALTHCHECK NONE', text: df('FROM alpine:3.19', 'HEALTHCHECK NONE') },
      { name: 'inherited from the stage it is built FROM', text: df('FROM alpine:3.19 AS base', 'HEALTHCHECK CMD ["true"]', 'FROM base') },
      { name: 'artefact image', text: df('FROM golang:1.22 AS build', 'FROM scratch AS export', 'COPY --from=build /out /') },
    ],
  },
  'BH-DF-024': {
    bad: [
      { name: 'chmod 777', text: df('FROM alpine:3.19', 'RUN chmod 777 /app'), lines: [2] },
      { name: 'chmod -R o+w', text: df('FROM alpine:3.19', 'RUN chmod -R o+w /data'), lines: [2] },
      { name: 'mkdir -m 0777', text: df('FROM alpine:3.19', 'RUN mkdir -m 0777 /cache'), lines: [2] },
      { name: 'COPY --chmod=666', text: df('FROM alpine:3.19', 'COPY --chmod=666 app.conf /etc/'), lines: [2] },
    ],
    good: [
      { name: 'sticky directory', text: df('FROM alpine:3.19', 'RUN chmod 1777 /scratch') },
      { name: 'symbolic with sticky bit', text: df('FROM alpine:3.19', 'RUN chmod a+rwxt /shared') },
      { name: '755', text: df('FROM alpine:3.19', 'RUN chmod 755 /app && chmod +x /entrypoint.sh') },
    ],
  },
  'BH-DF-025': {
    bad: [{ name: 'RUN cd … &&', text: df('FROM alpine:3.19', 'RUN cd /app && make'), lines: [2] }],
    good: [
      { name: 'make -C', text: df('FROM alpine:3.19', 'RUN make -C /app') },
      { name: 'cd in the middle of a build', text: df('FROM alpine:3.19', 'RUN tar xf src.tgz && cd src && make && cd .. && rm -rf src') },
      { name: 'subshell', text: df('FROM alpine:3.19', 'RUN (cd /tmp && wget https://example.com/x)') },
    ],
  },
  'BH-DF-026': {
    bad: [{ name: 'relative', text: df('FROM alpine:3.19', 'WORKDIR app'), lines: [2] }],
    good: [
      { name: 'absolute', text: df('FROM alpine:3.19', 'WORKDIR /app') },
      { name: 'relative after an absolute one', text: df('FROM alpine:3.19', 'WORKDIR /app', 'WORKDIR src') },
      { name: 'from an unknown variable', text: df('FROM alpine:3.19', 'WORKDIR $HOME/app') },
      { name: 'Windows path', text: df('FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'WORKDIR C:\\app') },
    ],
  },
  'BH-DF-027': {
    bad: [
      { name: 'shell-form CMD', text: df('FROM alpine:3.19', 'CMD node server.js'), lines: [2] },
      { name: 'shell-form ENTRYPOINT', text: df('FROM alpine:3.19', 'ENTRYPOINT /entrypoint.sh'), lines: [2] },
      { name: 'single quotes are not JSON', text: df('FROM alpine:3.19', "CMD ['node', 'server.js']"), lines: [2], severity: 'medium' },
    ],
    good: [
      { name: 'exec form', text: df('FROM alpine:3.19', 'ENTRYPOINT ["/entrypoint.sh"]', 'CMD ["serve"]') },
      { name: 'shell form only in a build stage', text: df('FROM alpine:3.19 AS build', 'CMD make', 'FROM alpine:3.19', 'CMD ["/app"]') },
    ],
  },
  'BH-DF-028': {
    bad: [
      { name: 'two CMD', text: df('FROM alpine:3.19', 'CMD ["a"]', 'CMD ["b"]'), lines: [2], title: /line 3 replaces it/ },
      { name: 'three ENTRYPOINT', text: df('FROM alpine:3.19', 'ENTRYPOINT ["a"]', 'ENTRYPOINT ["b"]', 'ENTRYPOINT ["c"]'), lines: [2, 3] },
      { name: 'two HEALTHCHECK', text: df('FROM alpine:3.19', 'HEALTHCHECK CMD ["a"]', 'HEALTHCHECK NONE'), lines: [2] },
    ],
    good: [{ name: 'one per stage', text: df('FROM alpine:3.19 AS a', 'CMD ["a"]', 'FROM alpine:3.19', 'CMD ["b"]') }],
  },
  'BH-DF-029': {
    bad: [
      { name: 'typo in the stage name', text: df('FROM golang:1.22 AS builder', 'FROM alpine:3.19', 'COPY --from=buidler /out /out'), lines: [3], title: /Docker Hub/ },
      { name: 'copy from itself by name', text: df('FROM alpine:3.19 AS app', 'COPY --from=app /x /y'), lines: [2] },
      { name: 'copy from itself by index', text: df('FROM alpine:3.19', 'FROM alpine:3.19', 'COPY --from=1 /x /y'), lines: [3] },
      { name: 'index past the last stage', text: df('FROM alpine:3.19', 'COPY --from=4 /x /y'), lines: [2] },
      { name: 'RUN --mount from an unknown stage', text: df('FROM alpine:3.19', 'RUN --mount=type=bind,from=assets,target=/a cp -r /a /srv'), lines: [2] },
    ],
    good: [
      { name: 'defined stage', text: df('FROM golang:1.22 AS build', 'FROM alpine:3.19', 'COPY --from=build /out /out') },
      { name: 'earlier index', text: df('FROM golang:1.22', 'FROM alpine:3.19', 'COPY --from=0 /out /out') },
      { name: 'stage defined later (BuildKit resolves it)', text: df('FROM alpine:3.19 AS a', 'COPY --from=b /x /y', 'FROM alpine:3.19 AS b') },
      { name: 'image reference', text: df('FROM alpine:3.19', 'COPY --from=nginx:1.25 /etc/nginx /etc/nginx') },
      { name: 'stage names are case-insensitive', text: df('FROM golang:1.22 AS Build', 'FROM alpine:3.19', 'COPY --from=build /out /out') },
    ],
  },
  'BH-DF-030': {
    bad: [{ name: 'same name twice', text: df('FROM alpine:3.19 AS build', 'FROM alpine:3.19 AS Build'), lines: [2] }],
    good: [{ name: 'distinct names', text: df('FROM alpine:3.19 AS build', 'FROM alpine:3.19 AS test') }],
  },
  'BH-DF-031': {
    bad: [{ name: 'MAINTAINER', text: df('FROM alpine:3.19', 'MAINTAINER ops@example.com'), lines: [2] }],
    good: [{ name: 'authors label', text: df('FROM alpine:3.19', 'LABEL org.opencontainers.image.authors="ops@example.com"') }],
  },
  'BH-DF-032': {
    bad: [
      { name: 'six-digit UID', text: df('FROM debian:12', 'RUN useradd -u 100000 app'), lines: [2], title: /29 MB/ },
      { name: '--uid=65532', text: df('FROM debian:12', 'RUN useradd --uid=65532 app'), lines: [2] },
      { name: 'UID from an ARG', text: df('FROM debian:12', 'ARG UID=70000', 'RUN useradd -u $UID app'), lines: [3] },
    ],
    good: [
      { name: '-l', text: df('FROM debian:12', 'RUN useradd -l -u 100000 app') },
      { name: 'clustered -lu', text: df('FROM debian:12', 'RUN useradd -lu 100000 app') },
      { name: '--no-log-init', text: df('FROM debian:12', 'RUN useradd --no-log-init -u 65532 app') },
      { name: 'small UID', text: df('FROM debian:12', 'RUN useradd -u 10001 app') },
    ],
  },
  'BH-DF-033': {
    bad: [
      { name: 'COPY . .', text: df('FROM alpine:3.19', 'COPY . .'), lines: [2], options: { hasDockerignore: false } },
      { name: 'COPY ./ /app', text: df('FROM alpine:3.19', 'COPY --chown=app ./ /app/'), lines: [2], options: { hasDockerignore: false } },
    ],
    good: [
      { name: '.dockerignore present', text: df('FROM alpine:3.19', 'COPY . .'), options: { hasDockerignore: true } },
      { name: 'unknown', text: df('FROM alpine:3.19', 'COPY . .') },
      { name: 'named sources', text: df('FROM alpine:3.19', 'COPY src ./src'), options: { hasDockerignore: false } },
      { name: 'from a stage', text: df('FROM alpine:3.19 AS b', 'FROM alpine:3.19', 'COPY --from=b . .'), options: { hasDockerignore: false } },
    ],
  },
  'BH-DF-034': {
    bad: [
      { name: 'unknown instruction', text: df('FROM alpine:3.19', 'COPPY . .'), lines: [2], title: /COPPY/ },
      { name: 'instruction before FROM', text: df('RUN echo hi', 'FROM alpine:3.19'), lines: [1] },
      { name: 'no FROM', text: df('RUN echo hi'), lines: [1] },
      { name: 'unterminated heredoc', text: df('FROM alpine:3.19', 'RUN <<EOF', 'echo hi', 'USER app'), lines: [2], title: /never closed/ },
      { name: 'ONBUILD FROM', text: df('FROM alpine:3.19', 'ONBUILD FROM busybox'), lines: [2] },
      { name: 'port out of range', text: df('FROM alpine:3.19', 'EXPOSE 70000'), lines: [2] },
      { name: 'several sources, destination not a directory', text: df('FROM alpine:3.19', 'COPY a.txt b.txt /dest'), lines: [2] },
      { name: 'SHELL not in JSON form', text: df('FROM alpine:3.19', 'SHELL /bin/bash -c'), lines: [2] },
      { name: 'bad escape directive', text: df('# escape=x', 'FROM alpine:3.19'), lines: [1] },
      { name: 'invalid image reference', text: df('FROM Alpine:3.19'), lines: [1] },
      { name: 'HEALTHCHECK without CMD', text: df('FROM alpine:3.19', 'HEALTHCHECK curl -f http://localhost/'), lines: [2] },
    ],
    good: [
      { name: 'backtick escape directive', text: df('# escape=`', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'RUN dir `', '  C:\\') },
      { name: 'several sources into a directory', text: df('FROM alpine:3.19', 'COPY a.txt b.txt /dest/') },
      { name: 'closed heredoc', text: df('FROM alpine:3.19', 'RUN <<EOF', 'echo hi', 'EOF') },
      { name: 'lower-case instructions', text: df('from alpine:3.19', 'run echo hi') },
    ],
  },
  'BH-DF-035': {
    bad: [
      { name: 'curl | gpg', text: df('FROM debian:12', 'RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /k.gpg'), lines: [2] },
      { name: 'wget | tar', text: df('FROM debian:12', 'RUN wget -qO- https://example.com/x.tgz | tar -xz -C /opt'), lines: [2] },
    ],
    good: [
      { name: 'pipefail SHELL', text: df('FROM debian:12', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN curl -fsSL https://example.com/x.tgz | tar -xz') },
      { name: 'set -o pipefail', text: df('FROM debian:12', 'RUN set -eo pipefail; curl -fsSL https://example.com/x.tgz | tar -xz') },
      { name: 'download to a file', text: df('FROM debian:12', 'RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz') },
      { name: 'pipe without a download', text: df('FROM debian:12', 'RUN find / -name "*.pyc" | xargs rm -f') },
    ],
  },
};

function findingsOf(c: Case, id: string) {
  const result = scanDockerfile(c.text, 'Dockerfile', c.options);
  expect(result.warnings).toEqual([]);
  return result.findings.filter((f) => f.id === id);
}

describe('Dockerfile checks', () => {
  it('has bad and good examples for every check', () => {
    expect(Object.keys(cases).sort()).toEqual(dockerfileChecks.map((c) => c.id));
    for (const { bad, good } of Object.values(cases)) {
      expect(bad.length).toBeGreaterThan(0);
      expect(good.length).toBeGreaterThan(0);
    }
  });

  for (const [id, { bad, good }] of Object.entries(cases)) {
    describe(id, () => {
      it.each(bad)('fires: $name', (c) => {
        const found = findingsOf(c, id);
        expect(found.map((f) => f.location.startLine)).toEqual(c.lines);
        for (const f of found) {
          expect(f.location.path).toBe('Dockerfile');
          if (c.severity) expect(f.severity).toBe(c.severity);
          if (c.title) expect(f.title).toMatch(c.title);
        }
      });
      it.each(good)('stays quiet: $name', (c) => {
        expect(findingsOf(c, id)).toEqual([]);
      });
    });
  }
});

# Base image with a CPython built from source, in the style of language base images.
FROM debian:bookworm-slim
ENV LANG=C.UTF-8 \
	PY_PREFIX=/opt/python
ENV PATH ${PY_PREFIX}/bin:$PATH
RUN set -eux; \
	apt-get update; \
	apt-get install -y --no-install-recommends \
		ca-certificates \
		libssl3 \
	; \
	rm -rf /var/lib/apt/lists/*
ENV PY_RELEASE 3.12.3
ENV SIGNING_FINGERPRINT 7169605F62C751356D054A26821A25D3B76D9E40
RUN set -eux; \
	buildDeps='gcc libc6-dev libssl-dev make xz-utils wget gnupg'; \
	apt-get update; \
	apt-get install -y --no-install-recommends $buildDeps; \
	wget -q -O /tmp/py.tar.xz "https://www.python.org/ftp/python/${PY_RELEASE}/Python-${PY_RELEASE}.tar.xz"; \
	wget -q -O /tmp/py.tar.xz.asc "https://www.python.org/ftp/python/${PY_RELEASE}/Python-${PY_RELEASE}.tar.xz.asc"; \
	export GNUPGHOME="$(mktemp -d)"; \
	gpg --batch --recv-keys "$SIGNING_FINGERPRINT"; \
	gpg --batch --verify /tmp/py.tar.xz.asc /tmp/py.tar.xz; \
	mkdir -p /usr/src/cpython; \
	tar -xJf /tmp/py.tar.xz -C /usr/src/cpython --strip-components=1; \
	cd /usr/src/cpython; \
	./configure --prefix="$PY_PREFIX" --enable-optimizations --with-lto; \
	make -j "$(nproc)"; \
	make install; \
	cd /; \
	find "$PY_PREFIX" \( -name '__pycache__' -o -name 'test' \) -type d -prune -exec rm -rf '{}' +; \
	find "$PY_PREFIX" -type f -name '*.so*' \
		| xargs -r ldd 2>/dev/null \
		| awk '$3 ~ /^\// { print $3 }' \
		| sort -u > /tmp/needed-libs; \
	apt-get purge -y --auto-remove $buildDeps; \
	rm -rf /var/lib/apt/lists/* /usr/src/cpython /tmp/py.tar.xz* "$GNUPGHOME"; \
	python3 --version
RUN set -eux; \
	for tool in python3 pip3 pydoc3; do \
		ln -s "$PY_PREFIX/bin/$tool" "/usr/local/bin/${tool%3}"; \
	done
CMD ["python3"]

# Dagu in a container: the release binary on a small glibc base (Bun's Linux runtime links
# glibc, so neither scratch nor alpine will do; debian:12-slim also gives steps a /bin/sh).
#
#   npm run release                         # writes dist/release/build/linux_<arch>/dagu
#   docker build -t dagu .                  # this machine's architecture
#   docker buildx build --platform linux/amd64,linux/arm64 -t dagu .
#   docker run --rm -v dagu:/var/lib/dagu -v "$PWD/examples:/dags" dagu start /dags/hello.yaml
#
# Not built by the project's CI (its machines have no container engine); the paths below are
# checked against the release layout by tests/e2e/distribution.test.ts.
FROM debian:12-slim

# Set by buildx/BuildKit from --platform: amd64 or arm64, the release's own arch names.
ARG TARGETARCH=amd64

RUN useradd --system --uid 1000 --user-group --home-dir /var/lib/dagu --create-home dagu

COPY --chmod=0755 dist/release/build/linux_${TARGETARCH}/dagu /usr/local/bin/dagu

ENV DAGU_HOME=/var/lib/dagu \
    DAGU_HOST=0.0.0.0 \
    DAGU_PORT=8080
USER dagu
WORKDIR /var/lib/dagu
VOLUME ["/var/lib/dagu"]
EXPOSE 8080

ENTRYPOINT ["/usr/local/bin/dagu"]
# The scheduler and web UI together; any other command works too (`docker run dagu start …`).
CMD ["start-all"]

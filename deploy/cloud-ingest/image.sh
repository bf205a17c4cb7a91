#!/usr/bin/env bash
# Builds cloud-ingest's container image without a Docker daemon and without pulling a base image (README.md,
# "Container image"): FROM scratch with buildah (Debian's package), holding a Java runtime jlink'ed from the build's
# JDK 17, the C libraries it links (from this machine's Debian), the jar and its lib/; it runs as uid 65532, not root.
# Writes an OCI archive:
#
#   deploy/cloud-ingest/image.sh [BUILT_DIR]     BUILT_DIR: cloud-ingest/target (the jar and lib/ of `mvn package`)
#     → BUILT_DIR/cloud-ingest-image.tar          load it: `skopeo copy oci-archive:… docker://registry/…`,
#                                                 `podman load -i …`, `ctr image import …`
#
# buildah keeps its layers in a private directory under BUILT_DIR (vfs driver: no overlay mounts needed), so the
# machine's container storage is untouched. The image's architecture is this machine's (the JVM and libc are native).
set -euo pipefail
built=$(cd "${1:-$(dirname "${BASH_SOURCE[0]}")/../../cloud-ingest/target}" && pwd)
[[ -f $built/cloud-ingest.jar && -d $built/lib ]] ||
  { echo "no cloud-ingest.jar and lib/ in $built: mvn package" >&2; exit 1; }
command -v buildah >/dev/null || { echo "buildah missing: apt-get install buildah" >&2; exit 1; }
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
version=$(unzip -p "$built/cloud-ingest.jar" META-INF/MANIFEST.MF |
  sed -n 's/^Implementation-Version: *//p' | tr -d '\r')
version=${version:-dev}
uid=65532

work="$built/image-work"
rm -rf "$work"
mkdir -p "$work/rootfs"
rootfs="$work/rootfs"
storage=(--root "$work/storage" --runroot "$work/run" --storage-driver vfs)
cleanup() { buildah "${storage[@]}" rm --all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# 1. The runtime: the modules the jar and its libraries use (jdeps; e.g. jdk.jfr, which Netty's events need), and
#    those loaded only by name or service lookup, which jdeps cannot see: jdk.crypto.ec (TLS with EC keys),
#    jdk.naming.dns, jdk.zipfs, java.instrument, jdk.localedata (ContainerImageIT runs the result).
modules=$("$java_home/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 \
  --class-path "$built/lib/*" "$built/cloud-ingest.jar")
modules+=,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs,java.instrument,jdk.localedata,java.management,java.logging
"$java_home/bin/jlink" --add-modules "$modules" --include-locales=en --strip-debug --no-header-files \
  --no-man-pages --compress=2 --output "$rootfs/opt/java"

# 2. The C libraries the runtime links (glibc, zlib, …), with the paths the dynamic linker looks in.
find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
  xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $1 !~ /:$/ {print $1}' | sort -u |
  while read -r lib; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done

# 3. The application, a user for it (Java asks for the user's name), a writable /tmp (a read-only root file system
#    mounts one there), /proc for the runtime to mount (the launcher finds its libraries through it) and the state
#    directory its keys default to.
mkdir -p "$rootfs/app" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/var/lib/vitalwire" "$work/state"
cp "$built/cloud-ingest.jar" "$rootfs/app/"
cp -r "$built/lib" "$rootfs/app/lib"
printf 'root:x:0:0:root:/root:/sbin/nologin\nvitalwire:x:%d:%d:vitalwire:/nonexistent:/sbin/nologin\n' "$uid" "$uid" \
  >"$rootfs/etc/passwd"
printf 'root:x:0:\nvitalwire:x:%d:\n' "$uid" >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
chmod 0700 "$work/state"
# Reproducible: the same inputs give the same layer (file times fixed).
find "$rootfs" "$work/state" -exec touch -h -d @0 {} +

# 4. The image: one layer, the runtime's configuration.
container=$(buildah "${storage[@]}" from scratch)
buildah "${storage[@]}" copy "$container" "$rootfs/" / >/dev/null
# buildah copy makes files root's; the state directory is the user's.
buildah "${storage[@]}" copy --chown "$uid:$uid" "$container" "$work/state" /var/lib/vitalwire/cloud-ingest >/dev/null
buildah "${storage[@]}" config \
  --user "$uid:$uid" --workingdir /app \
  --env JAVA_HOME=/opt/java --env PATH=/opt/java/bin:/usr/bin:/bin \
  --entrypoint '["/opt/java/bin/java", "-XX:MaxRAMPercentage=70", "-XX:+ExitOnOutOfMemoryError",
    "-jar", "/app/cloud-ingest.jar"]' \
  --cmd '' --port 8082 \
  --label org.opencontainers.image.title=vitalwire-cloud-ingest \
  --label org.opencontainers.image.version="$version" \
  "$container"
buildah "${storage[@]}" commit --quiet --format oci --timestamp 0 --rm "$container" \
  "oci-archive:$built/cloud-ingest-image.tar:vitalwire/cloud-ingest:$version" >/dev/null
size=$(du -h "$built/cloud-ingest-image.tar" | cut -f1)
echo "$built/cloud-ingest-image.tar: vitalwire/cloud-ingest:$version ($size)"

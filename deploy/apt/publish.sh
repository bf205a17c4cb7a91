#!/usr/bin/env bash
# Builds or updates the operator's signed apt repository of Vitalwire packages from built .deb files
# (deploy/apt/README.md): adds them to pool/, writes the Packages indexes and the Release file with Debian's
# apt-ftparchive (apt-utils), and signs Release with the operator's GPG key as InRelease and Release.gpg.
#
#   deploy/apt/publish.sh REPOSITORY_DIR KEY [DEB...]
#
# KEY: the signing key's fingerprint (or several, comma-separated, while a key is being replaced: apt accepts the
# Release when any signature is by a key the hub trusts). gpg finds it in $GNUPGHOME (default ~/.gnupg).
# Without DEB files it only re-signs (a new Valid-Until), which a cron job does before the old one runs out.
# Environment: SUITE (stable), COMPONENT (main), ARCHITECTURES ("amd64 arm64 armhf": a Pi on 64- or 32-bit OS and an
# x86 mini-PC; the packages are `all`), VALID_DAYS (30: hubs refuse a Release older than that, so a mirror cannot
# keep serving them an old, once-valid one), ORIGIN and LABEL (Vitalwire: what pinning and unattended-upgrades match).
set -euo pipefail

usage() { echo "usage: $0 REPOSITORY_DIR KEY_FINGERPRINT[,KEY...] [DEB...]" >&2; exit 2; }
(($# >= 2)) || usage
repo=$1 keys=$2
shift 2
suite=${SUITE:-stable} component=${COMPONENT:-main} architectures=${ARCHITECTURES:-amd64 arm64 armhf}
valid_days=${VALID_DAYS:-30} origin=${ORIGIN:-Vitalwire} label=${LABEL:-Vitalwire}
command -v apt-ftparchive >/dev/null || { echo "apt-ftparchive missing: apt-get install apt-utils" >&2; exit 1; }

mkdir -p "$repo"
repo=$(cd "$repo" && pwd)
exec 9>"$repo/.publish.lock"
flock -n 9 || { echo "another publish.sh is updating $repo" >&2; exit 1; }

# 1. The packages, in Debian's pool layout. A version once published never changes: a hub that has its index would
#    refuse a different file under the same name (hash mismatch), and the old file may already be installed.
for deb in "$@"; do
  name=$(dpkg-deb --field "$deb" Package) version=$(dpkg-deb --field "$deb" Version)
  arch=$(dpkg-deb --field "$deb" Architecture)
  pool="pool/$component/${name:0:1}/$name"
  target="$repo/$pool/${name}_${version/*:/}_${arch}.deb"
  mkdir -p "$repo/$pool"
  if [[ -e $target ]]; then
    cmp -s "$deb" "$target" ||
      { echo "$name $version is already published with other contents: bump the version" >&2; exit 1; }
  else
    cp "$deb" "$target.tmp" && mv "$target.tmp" "$target"
    echo "added $name $version ($arch)"
  fi
done

# 2. The indexes: one per architecture (apt on a hub reads its own architecture's; `all` packages are in each) and
#    binary-all. Written under by-hash/ too (Acquire-By-Hash), so a hub that runs apt-get update while this script
#    replaces them still gets the files its InRelease names.
cd "$repo"
dists="dists/$suite"
for arch in all $architectures; do
  dir="$dists/$component/binary-$arch"
  mkdir -p "$dir"
  apt-ftparchive -o APT::FTPArchive::MD5=false -o APT::FTPArchive::SHA1=false --arch "$arch" \
    packages "pool/$component" >"$dir/Packages.tmp"
  mv "$dir/Packages.tmp" "$dir/Packages"
  gzip -9nc "$dir/Packages" >"$dir/Packages.gz"
  for sum in SHA256; do
    mkdir -p "$dir/by-hash/$sum"
    for file in Packages Packages.gz; do
      cp "$dir/$file" "$dir/by-hash/$sum/$(sha256sum "$dir/$file" | cut -d' ' -f1)"
    done
  done
done

# 3. Release: the SHA256 of the indexes (the hash by-hash/ holds; no MD5, SHA1), not of by-hash/ itself (apt finds
#    those by their hash) nor of the previous Release; then signed.
apt-ftparchive \
  -o APT::FTPArchive::Release::Origin="$origin" -o APT::FTPArchive::Release::Label="$label" \
  -o APT::FTPArchive::Release::Suite="$suite" -o APT::FTPArchive::Release::Codename="$suite" \
  -o APT::FTPArchive::Release::Architectures="all $architectures" \
  -o APT::FTPArchive::Release::Components="$component" \
  -o APT::FTPArchive::Release::Acquire-By-Hash=yes \
  -o APT::FTPArchive::Release::ValidTime=$((valid_days * 86400)) \
  -o APT::FTPArchive::Release::Description="Vitalwire packages for hubs" \
  -o APT::FTPArchive::MD5=false -o APT::FTPArchive::SHA1=false -o APT::FTPArchive::SHA512=false \
  -o APT::FTPArchive::Release::Default-Patterns=false \
  -o APT::FTPArchive::Release::Patterns::=Packages -o APT::FTPArchive::Release::Patterns::=Packages.gz \
  release "$dists" >"$repo/.Release.tmp"
signers=()
IFS=, read -ra key_list <<<"$keys"
for key in "${key_list[@]}"; do signers+=(--local-user "$key"); done
gpg --batch --yes --digest-algo SHA512 "${signers[@]}" --clearsign -o "$repo/.InRelease.tmp" "$repo/.Release.tmp"
gpg --batch --yes --digest-algo SHA512 "${signers[@]}" --detach-sign --armor -o "$repo/.Release.gpg.tmp" \
  "$repo/.Release.tmp"
# InRelease last: it is what a hub reads first, and it names only files that are in place by now.
mv "$repo/.Release.tmp" "$dists/Release"
mv "$repo/.Release.gpg.tmp" "$dists/Release.gpg"
mv "$repo/.InRelease.tmp" "$dists/InRelease"
echo "signed $dists/InRelease by ${keys}, valid until $(sed -n 's/^Valid-Until: //p' "$dists/Release")"

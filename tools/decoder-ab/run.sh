#!/usr/bin/env bash
# The client's page decoding, before and after, in one JVM: factum-wire as of REV (default main)
# against this work tree's, on pages of 100 and 1,000 realistic events (DecoderAb.java says what
# is measured). Usage: tools/decoder-ab/run.sh [REV] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rev=${1:-main}
rounds=${2:-10}
export JAVA_HOME=${JAVA_HOME:-$("$root/bin/find-jdk")}
stage=$(mktemp -d "${TMPDIR:-/tmp}/decoder-ab.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# This tree's factum-wire (and factum-api) compiled, and their runtime classpath.
(
  cd "$root"
  ./mvnw -B -q -ntp -o -Dmaven.test.skip=true -Dspotless.skip=true -pl factum-wire -am \
    compile dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$stage/wire.classpath"
)
deps=$(cat "$stage/wire.classpath")
cp -r "$root/factum-wire/target/classes" "$stage/new"

# REV's factum-wire, compiled against the same dependencies.
mkdir -p "$stage/old-src" "$stage/old"
git -C "$root" archive "$rev" factum-wire/src/main/java | tar -x -C "$stage/old-src"
find "$stage/old-src" -name '*.java' >"$stage/old.sources"
"$JAVA_HOME/bin/javac" -nowarn --release 21 -d "$stage/old" -cp "$deps" @"$stage/old.sources"

"$JAVA_HOME/bin/java" -Xmx512m "$root/tools/decoder-ab/DecoderAb.java" \
  "$deps" "$stage/old" "$stage/new" "$rounds"

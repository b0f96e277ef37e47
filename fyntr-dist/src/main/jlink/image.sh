#!/bin/sh
# Builds the jlink image of -Pjlink (docs/install.md#a-jlink-image): a Java runtime with only the JDK modules the
# command's jars need, plus the jars themselves in app/ (lib/ is the runtime's own) and the distribution's launcher in
# bin/fyntr. The jars stay a module path instead of being linked in because Micrometer's are automatic modules, which
# jlink refuses.
#
#   image.sh JAVA_HOME MODULES_DIR LAUNCHER IMAGE_DIR
set -eu
java_home=$1
modules=$2
launcher=$3
image=$4

# What the jars use of the JDK (jdeps), and what is reached by reflection or only through module-info, which a
# class-level analysis cannot see: sun.misc.Signal (jdk.unsupported), the open-file limit (jdk.management), the
# /metrics server (jdk.httpserver).
# Every jar's classes are analysed, the automatic modules' too (their needs are declared nowhere). jdeps also prints
# warnings (split packages between a jar and its own automatic module) on stdout: the answer is its last line.
log="$(dirname "$modules")/jdeps.log"
if ! "$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 \
        --module-path "$modules" --add-modules ALL-MODULE-PATH "$modules"/*.jar >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
found=$(grep -v '^Warning' "$log" | tail -n 1)
jdk_modules="$found,java.base,java.management,jdk.management,jdk.unsupported,jdk.httpserver"

rm -rf "$image"
"$java_home/bin/jlink" --add-modules "$jdk_modules" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$image"
mkdir -p "$image/app"
cp "$modules"/*.jar "$image/app/"
cp "$launcher" "$image/bin/fyntr"
chmod 755 "$image/bin/fyntr"
echo "jlink image $image: JDK modules $jdk_modules"

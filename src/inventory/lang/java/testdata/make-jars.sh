#!/bin/sh
# Rebuilds the test archives beside this script from meta/ with the JDK's
# `jar` tool (and `zip` for the zip64 one). meta/<artifact>/META-INF holds the
# real MANIFEST.MF and pom.properties of those artifacts as published on Maven
# Central (no class files: the analyzer reads metadata only); shop,
# bulkhead-demo and shop-ear are made-up applications around them.
set -eu
cd "$(dirname "$0")"
out=archives
rm -rf "$out" && mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make() { jar --create --no-manifest --file "$1" -C "meta/$2" .; }

for a in commons-text-1.10.0 jackson-databind-2.20.1 asm-tree-9.6 opentest4j-1.3.0 javax.inject-1; do
  make "$out/$a.jar" "$a"
done

# A war: the application's pom.properties, libraries in WEB-INF/lib.
cp -r meta/shop "$tmp/shop"
mkdir -p "$tmp/shop/WEB-INF/lib"
cp "$out/commons-text-1.10.0.jar" "$out/asm-tree-9.6.jar" "$out/javax.inject-1.jar" "$tmp/shop/WEB-INF/lib/"
jar --create --no-manifest --file "$out/shop.war" -C "$tmp/shop" .

# An ear holding the war and a library: archives two levels deep.
cp -r meta/shop-ear "$tmp/ear"
mkdir -p "$tmp/ear/lib"
cp "$out/shop.war" "$tmp/ear/"
cp "$out/opentest4j-1.3.0.jar" "$tmp/ear/lib/"
jar --create --no-manifest --file "$out/shop.ear" -C "$tmp/ear" .

# A Spring Boot style fat jar: nested jars stored uncompressed in BOOT-INF/lib.
cp -r meta/bulkhead-demo "$tmp/boot"
mkdir -p "$tmp/boot/BOOT-INF/lib"
cp "$out/commons-text-1.10.0.jar" "$out/jackson-databind-2.20.1.jar" "$tmp/boot/BOOT-INF/lib/"
jar --create --no-manifest --no-compress --file "$out/bulkhead-demo-1.0.0.jar" -C "$tmp/boot" .
# The same with a launch script in front, as Spring Boot's "fully executable" jars have.
printf '#!/bin/bash\n# launch script\nexec java -jar "$0" "$@"\n' | cat - "$out/bulkhead-demo-1.0.0.jar" > "$out/bulkhead-demo-1.0.0-exec.jar"

# A zip64 archive (zip's -fz forces the zip64 end records).
(cd meta/commons-text-1.10.0 && zip -q -X -r -fz "$tmp/z.jar" META-INF)
mv "$tmp/z.jar" "$out/commons-text-1.10.0-zip64.jar"

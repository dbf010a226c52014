# Unpacks a fetched `.crate` file (a gzipped tarball holding NAME-VERSION/) as the crate's source.
mkdir -p "$out"
tar -xzf "$tarball" -C "$out" --strip-components=1

# A registry crate's source with crateOverrides' patches applied, in order (patch -p1).
cp -R "$src" "$out"
chmod -R u+w "$out"
cd "$out"
for p in $patches; do
  patch -p1 --batch < "$p"
done

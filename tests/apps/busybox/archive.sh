# GNU tar (plain and through gzip) and coreutils' cp -a of a tree in /tmp
# (ramfs): the copies must list the same names, types, modes, sizes, link
# targets and modification times as the original.
set -eu
make_tree() {
  mkdir -p /tmp/tree/a/b/c /tmp/tree/empty
  echo "first file" >/tmp/tree/a/one.txt
  seq 1 20000 >/tmp/tree/a/b/numbers
  printf 'x' >/tmp/tree/a/b/c/x
  chmod 600 /tmp/tree/a/one.txt
  chmod 750 /tmp/tree/a/b
  ln -s ../one.txt /tmp/tree/a/b/link
  ln /tmp/tree/a/b/numbers /tmp/tree/hardlink
  touch -d "2001-02-03 04:05:06" /tmp/tree/a/b/c/x
}
listing() {
  (cd "$1" && find . | sort | while read -r name; do
    if [ -L "$name" ]; then
      echo "$name link $(readlink "$name")"
    elif [ -d "$name" ]; then
      echo "$name dir $(stat -c %a "$name")"
    else
      echo "$name file $(stat -c '%a %s %Y %h' "$name") $(md5sum <"$name")"
    fi
  done)
}
same_tree() {
  listing "$1" >/tmp/want.lst
  listing "$2" >/tmp/got.lst
  if cmp -s /tmp/want.lst /tmp/got.lst; then echo "$3 ok"; else diff /tmp/want.lst /tmp/got.lst; exit 1; fi
}
make_tree
tar -cf /tmp/t.tar -C /tmp tree
mkdir -p /tmp/plain
tar -xf /tmp/t.tar -C /tmp/plain
same_tree /tmp/tree /tmp/plain/tree "tar"
tar -tvf /tmp/t.tar | grep -q "tree/a/b/link -> ../one.txt"
if tar -czf /tmp/t.tgz -C /tmp tree; then
  mkdir -p /tmp/gz
  tar -xzf /tmp/t.tgz -C /tmp/gz
  same_tree /tmp/tree /tmp/gz/tree "tar gzip"
fi
cp -a /tmp/tree /tmp/copy
same_tree /tmp/tree /tmp/copy "cp -a"
rm -r /tmp/tree /tmp/plain /tmp/copy
echo "archive done"

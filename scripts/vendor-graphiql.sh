#!/usr/bin/env bash
# Refresh the GraphiQL assets served from core/static/graphiql/ (no CDN at run time). Fetches the
# exact versions strawberry's page names from the npm registry and checks each file against the
# Subresource Integrity hash strawberry pins, so what we ship is byte-for-byte what it expects.
# Run when strawberry-graphql's graphiql.html changes versions; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
out=core/static/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
template=$(.venv/bin/python -c "import strawberry, pathlib; print(pathlib.Path(strawberry.__file__).parent / 'static/graphiql.html')")
mkdir -p "$out"
# package@version  file-in-package  name-under-static
while read -r package file name; do
  (cd "$work" && npm pack --silent "$package" >/dev/null)
  tarball=$(ls "$work"/*.tgz | head -1)
  tar -xzf "$tarball" -C "$work" "package/$file"
  cp "$work/package/$file" "$out/$name"
  rm -rf "$work"/package "$tarball"
  # strawberry's page names each asset by package path, with its SRI hash two lines below
  expected=$(grep -A2 "/${package}/${file}\"" "$template" | grep -o 'sha384-[^"]*')
  actual="sha384-$(openssl dgst -sha384 -binary "$out/$name" | base64 -w0)"
  [ "$expected" = "$actual" ] || { echo "integrity mismatch for $package/$file" >&2; exit 1; }
  echo "$name  $package  $actual"
done <<'LIST'
react@18.2.0 umd/react.production.min.js react.production.min.js
react-dom@18.2.0 umd/react-dom.production.min.js react-dom.production.min.js
js-cookie@3.0.5 dist/js.cookie.min.js js.cookie.min.js
graphiql@3.8.3 graphiql.min.css graphiql.min.css
graphiql@3.8.3 graphiql.min.js graphiql.min.js
@graphiql/plugin-explorer@1.0.2 dist/style.css plugin-explorer.css
@graphiql/plugin-explorer@1.0.2 dist/index.umd.js plugin-explorer.umd.js
LIST

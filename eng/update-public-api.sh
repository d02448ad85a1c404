#!/usr/bin/env bash
# Regenerates src/*/PublicAPI.Unshipped.txt (and PublicAPI/<tfm>/PublicAPI.Unshipped.txt where an API exists on some
# target frameworks only) from the code, after an intended public API change. Builds the src projects twice (a few
# minutes); review the diff of the PublicAPI*.txt files before committing. Shipped files are not touched: at a
# release, move the Unshipped lines to PublicAPI.Shipped.txt.
#
#   eng/update-public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --file eng/UpdatePublicApi.cs -- "$PWD"

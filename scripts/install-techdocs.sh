#!/bin/sh
# MkDocs for TechDocs builds, as Backstage's own builder has it: the real mkdocs-techdocs-core pinned in
# scripts/techdocs-requirements.txt, from PyPI into a virtualenv, where the runner reaches PyPI (GitHub-
# and Microsoft-hosted runners do). Where it cannot, MkDocs and Material from Debian's packages, which the
# toolkit pairs with its stand-in plugin (scripts/techdocs-core-shim); `techdocs build|publish` then says
# so loudly on every run. The virtualenv's bin/ is put on PATH for the job's later steps.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="${TECHDOCS_VENV:-${RUNNER_TEMP:-${AGENT_TEMPDIRECTORY:-/tmp}}/techdocs-venv}"

on_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$1" >> "$GITHUB_PATH"; fi
  if [ -n "${TF_BUILD:-}" ]; then echo "##vso[task.prependpath]$1"; fi
}

if python3 -m venv "$venv" >/dev/null 2>&1 &&
  "$venv/bin/pip" install --disable-pip-version-check --no-input --quiet --timeout 15 --retries 1 -r "$here/techdocs-requirements.txt"; then
  on_path "$venv/bin"
  version=$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('mkdocs-techdocs-core'))")
  echo "TechDocs: the real mkdocs-techdocs-core $version from PyPI, in $venv"
  exit 0
fi

message="PyPI is not reachable: MkDocs comes from Debian's packages and TechDocs builds use the toolkit's STAND-IN techdocs-core plugin, not the real one."
echo "TechDocs: $message" >&2
if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::warning title=TechDocs::$message"; fi
if [ -n "${TF_BUILD:-}" ]; then echo "##vso[task.logissue type=warning]$message"; fi
# The Python behind Debian's mkdocs (its shebang), which need not be the python3 first on PATH.
if command -v mkdocs >/dev/null 2>&1 &&
  "$(head -n 1 "$(command -v mkdocs)" | sed 's/^#! *//')" -c "from mkdocs.theme import Theme; Theme(name='material')" >/dev/null 2>&1; then
  echo "TechDocs: $(mkdocs --version) is already installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends mkdocs mkdocs-material

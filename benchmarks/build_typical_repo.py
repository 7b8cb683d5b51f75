#!/usr/bin/env python3
"""Build a deterministic "typical team repository" of .py files, a small share of which use MLflow.

The tree is meant as a benchmark input for flake8-mlflow-naming: mostly ordinary Python code (which
the plugin should pass over quickly) with ~5% of files that import MLflow.

Recipe (fully deterministic, no randomness):
  1. Plain candidates: every regular (non-symlink) *.py file under each --plain-src directory,
     skipping __pycache__/site-packages/dist-packages sub-directories (a site-packages directory can
     still be given explicitly as its own --plain-src), files larger than --max-bytes, files
     that contain the bytes b"mlflow" anywhere, and (unless --no-parse-check) files that
     ast.parse() rejects or that are not UTF-8.
  2. MLflow candidates: every *.py file under each --mlflow-src directory that passes the same
     size/parse checks and has an `import mlflow...` or `from mlflow... import` statement at the
     start of a line.
  3. Each candidate list is sorted by (source index, POSIX relative path) and sampled with an even
     stride: the i-th chosen file of k from n candidates is index (i * n) // k. So the selection
     spreads over the whole sorted list instead of taking only its alphabetical head.
  4. Files are copied to OUT/<label>/<relative path>, where <label> is the basename of the source
     directory (with a "_2", "_3", ... suffix when basenames repeat), and OUT/MANIFEST.tsv lists
     relpath, kind (plain|mlflow), size and sha256 of every file, sorted by relpath.

The same inputs (same files on disk, same Python version for the parse check) give a
byte-identical tree and manifest.

Example:
  python build_typical_repo.py --out /work/corpus/typical_repo \
      --plain-src /root/.pyenv/versions/3.11.7/lib/python3.11 \
      --plain-src /root/.pyenv/versions/3.11.7/lib/python3.11/site-packages \
      --mlflow-src /work/corpus/users \
      --total 2000 --mlflow-fraction 0.05
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

SKIP_DIRS = {"__pycache__", "site-packages", "dist-packages", ".git"}
MLFLOW_IMPORT = re.compile(rb"^[ \t]*(?:import[ \t]+mlflow\b|from[ \t]+mlflow(?:\.[\w.]+)?[ \t]+import\b)", re.M)


def iter_py_files(root: Path):
    """Yield POSIX relative paths of regular .py files under root, in sorted order."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            yield Path(full).relative_to(root).as_posix()


def parses(data: bytes) -> bool:
    try:
        ast.parse(data.decode("utf-8"))
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return False
    return True


def collect(sources: list[Path], want_mlflow: bool, max_bytes: int, parse_check: bool):
    out = []
    for idx, src in enumerate(sources):
        for rel in iter_py_files(src):
            full = src / rel
            if full.stat().st_size > max_bytes:
                continue
            data = full.read_bytes()
            if want_mlflow:
                if not MLFLOW_IMPORT.search(data):
                    continue
            elif b"mlflow" in data:
                continue
            if parse_check and not parses(data):
                continue
            out.append((idx, rel))
    out.sort()
    return out


def stride_sample(items: list, k: int) -> list:
    n = len(items)
    if k >= n:
        return list(items)
    return [items[(i * n) // k] for i in range(k)]


def labels_for(sources: list[Path], taken: dict[str, int]) -> list[str]:
    labels = []
    for src in sources:
        base = src.resolve().name or "root"
        taken[base] = taken.get(base, 0) + 1
        labels.append(base if taken[base] == 1 else f"{base}_{taken[base]}")
    return labels


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, help="output directory (replaced if it exists)")
    ap.add_argument("--plain-src", action="append", required=True, type=Path, help="source dir of ordinary .py files (repeatable)")
    ap.add_argument("--mlflow-src", action="append", required=True, type=Path, help="source dir of MLflow-using .py files (repeatable)")
    ap.add_argument("--total", type=int, default=2000, help="total number of .py files (default 2000)")
    ap.add_argument("--mlflow-fraction", type=float, default=0.05, help="share of files that use MLflow (default 0.05)")
    ap.add_argument("--max-bytes", type=int, default=1_000_000, help="skip files larger than this (default 1,000,000)")
    ap.add_argument("--no-parse-check", action="store_true", help="keep files that ast.parse() rejects")
    a = ap.parse_args(argv)

    for src in a.plain_src + a.mlflow_src:
        if not src.is_dir():
            ap.error(f"not a directory: {src}")

    n_mlflow = round(a.total * a.mlflow_fraction)
    n_plain = a.total - n_mlflow
    parse_check = not a.no_parse_check

    plain = stride_sample(collect(a.plain_src, False, a.max_bytes, parse_check), n_plain)
    ml = stride_sample(collect(a.mlflow_src, True, a.max_bytes, parse_check), n_mlflow)
    if len(plain) < n_plain or len(ml) < n_mlflow:
        print(f"warning: only {len(plain)} plain / {len(ml)} mlflow candidates available", file=sys.stderr)

    taken: dict[str, int] = {}
    plain_labels = labels_for(a.plain_src, taken)
    ml_labels = labels_for(a.mlflow_src, taken)

    if a.out.exists():
        shutil.rmtree(a.out)
    a.out.mkdir(parents=True)

    manifest = []
    for kind, chosen, sources, labels in (("plain", plain, a.plain_src, plain_labels), ("mlflow", ml, a.mlflow_src, ml_labels)):
        for idx, rel in chosen:
            dst_rel = f"{labels[idx]}/{rel}"
            dst = a.out / dst_rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            data = (sources[idx] / rel).read_bytes()
            dst.write_bytes(data)
            manifest.append((dst_rel, kind, len(data), hashlib.sha256(data).hexdigest()))

    manifest.sort()
    with open(a.out / "MANIFEST.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("path\tkind\tbytes\tsha256\n")
        for row in manifest:
            f.write("\t".join(map(str, row)) + "\n")

    n_ml = sum(1 for r in manifest if r[1] == "mlflow")
    print(f"wrote {len(manifest)} .py files to {a.out}: {len(manifest) - n_ml} plain, {n_ml} mlflow "
          f"({100.0 * n_ml / max(len(manifest), 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

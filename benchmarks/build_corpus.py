"""Build the real-code corpus from public repository snapshots already on this machine.

The snapshots are bare git directories under ``/work/.mirror/<owner>+<name>/repo`` (brought in
with the session tool ``fetch``; nothing here downloads). For every repository listed in
``corpus_repos.txt`` this copies the ``.py`` and ``.ipynb`` files of its newest commit that
mention ``mlflow`` into ``OUT/users/<owner>+<name>/``, and copies the installed ``mlflow``
package's own source (found with ``importlib.util.find_spec``, never imported) into
``OUT/mlflow_src``. A ``MANIFEST.tsv`` lists every file with its SHA-256, so two builds can be
compared; ``OUT/READY`` is written last.

    python benchmarks/build_corpus.py --out /work/corpus
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUFFIXES = (".py", ".ipynb")
MAX_BYTES = 1 << 20


def repositories(listing: Path) -> list[str]:
    """The ``owner/name`` lines of the listing, comments and blank lines skipped."""
    names = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def extract(git_dir: Path, into: Path) -> int:
    """Copy the MLflow-mentioning source files of ``git_dir``'s HEAD below ``into``; return how many.

    Blobs are read one by one (``git cat-file --batch``): a snapshot may list its largest files
    without holding them, and ``git archive`` would stop at the first such file."""
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run([*git, "ls-tree", "-r", "-l", "-z", "HEAD"], check=True, capture_output=True).stdout
    wanted = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        _mode, kind, sha, size = meta.split()
        name = path.decode("utf-8", "surrogateescape")
        if kind == b"blob" and name.endswith(SUFFIXES) and size.isdigit() and int(size) <= MAX_BYTES:
            wanted.append((sha.decode(), name))
    batch = subprocess.run([*git, "cat-file", "--batch"], input="".join(f"{sha}\n" for sha, _ in wanted).encode(),
                           check=True, capture_output=True).stdout
    count, offset = 0, 0
    for _sha, name in wanted:
        end = batch.index(b"\n", offset)
        header = batch[offset:end].split()
        offset = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        data = batch[offset:offset + size]
        offset += size + 1
        if b"mlflow" not in data:
            continue
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=Path("/work/corpus"))
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--repos", type=Path, default=HERE / "corpus_repos.txt")
    args = parser.parse_args(argv)
    users = args.out / "users"
    shutil.rmtree(args.out, ignore_errors=True)
    users.mkdir(parents=True)
    for name in repositories(args.repos):
        git_dir = args.mirror / name.replace("/", "+") / "repo"
        if not git_dir.is_dir():
            print(f"missing snapshot: {name} (fetch github:{name} first)", file=sys.stderr)
            continue
        print(f"{name}: {extract(git_dir, users / name.replace('/', '+'))} files")
    spec = importlib.util.find_spec("mlflow")
    if spec and spec.origin:
        shutil.copytree(Path(spec.origin).parent, args.out / "mlflow_src" / "mlflow",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.js", "*.map", "*.css", "*.html"))
    lines = []
    for path in sorted(p for p in args.out.rglob("*") if p.is_file()):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}\t{path.relative_to(args.out)}")
    (args.out / "MANIFEST.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (args.out / "READY").write_text("ok\n", encoding="utf-8")
    print(f"{len(lines)} files in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Extract dnmf's small bundled datasets from Debian packages.

Feature data come from the raw CSV files shipped by python3-sklearn (read directly,
scikit-learn is not imported); Zachary's karate club comes from python3-networkx.
Output, per dataset, in <out>/<name>/:
  X.mtx       Matrix Market coordinate, one row per sample, 1-based, nonzeros only,
              values exactly as written in the source CSV
  labels.txt  one 0-based integer label per line
  edges.txt   (graphs) "u v" per undirected edge, 0-based, u < v, sorted
Running it twice gives byte-identical files; every file is read back and checked.

Usage: python3 datasets/convert.py [OUT_DIR]      (default: this script's folder)
Needs: apt-get install python3-sklearn python3-networkx
"""
import csv
import gzip
import os
import subprocess
import sys

SKLEARN_DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data"


def package_version(package):
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                          check=True, capture_output=True, text=True).stdout


def read_sklearn_csv(filename, header):
    """Rows of (values as text, label). header: the first line carries n, d, names."""
    path = os.path.join(SKLEARN_DATA, filename)
    opener = gzip.open if filename.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        rows = list(csv.reader(f))
    if header:
        n, d = int(rows[0][0]), int(rows[0][1])
        rows = rows[1:]
    else:
        n, d = len(rows), len(rows[0]) - 1
    rows = [r for r in rows if r]
    assert len(rows) == n, f"{filename}: {len(rows)} rows, header says {n}"
    samples = [(r[:d], int(float(r[d]))) for r in rows]
    assert all(len(x) == d for x, _ in samples), f"{filename}: ragged rows"
    return path, samples, d


def write_features(out_dir, name, samples, d, source, field):
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    entries = [(i + 1, j + 1, v) for i, (x, _) in enumerate(samples)
               for j, v in enumerate(x) if float(v) != 0.0]
    with open(os.path.join(folder, "X.mtx"), "w", newline="\n") as f:
        f.write(f"%%MatrixMarket matrix coordinate {field} general\n")
        f.write(f"% dnmf bundled dataset: {name}\n")
        f.write(f"% rows = samples ({len(samples)}), columns = features ({d})\n")
        f.write(f"% source: {source}\n")
        f.write(f"{len(samples)} {d} {len(entries)}\n")
        for i, j, v in entries:
            f.write(f"{i} {j} {v}\n")
    write_labels(folder, [label for _, label in samples])


def write_labels(folder, labels):
    with open(os.path.join(folder, "labels.txt"), "w", newline="\n") as f:
        f.write("".join(f"{label}\n" for label in labels))


def karate(out_dir):
    import networkx  # Debian python3-networkx
    graph = networkx.karate_club_graph()
    folder = os.path.join(out_dir, "karate")
    os.makedirs(folder, exist_ok=True)
    edges = sorted((min(u, v), max(u, v)) for u, v in graph.edges())
    version = package_version("python3-networkx")
    with open(os.path.join(folder, "edges.txt"), "w", newline="\n") as f:
        f.write("# dnmf bundled dataset: karate (Zachary 1977), undirected, 0-based node ids\n")
        f.write(f"# source: Debian python3-networkx {version}, networkx.karate_club_graph()\n")
        f.write("".join(f"{u} {v}\n" for u, v in edges))
    clubs = {"Mr. Hi": 0, "Officer": 1}
    write_labels(folder, [clubs[graph.nodes[v]["club"]] for v in sorted(graph.nodes())])
    return len(graph), len(edges)


def check_features(out_dir, name, n, d, classes, field):
    """Reads the files back: shape, entry order, nonnegative finite values, labels."""
    folder = os.path.join(out_dir, name)
    with open(os.path.join(folder, "X.mtx")) as f:
        header = f.readline().split()
        lines = [line for line in f if not line.startswith("%")]
    assert header == ["%%MatrixMarket", "matrix", "coordinate", field, "general"], name
    rows, cols, nnz = map(int, lines[0].split())
    assert (rows, cols) == (n, d) and nnz == len(lines) - 1, name
    previous = (0, 0)
    for line in lines[1:]:
        i, j, v = line.split()
        position = (int(i), int(j))
        assert previous < position and 1 <= position[0] <= n and 1 <= position[1] <= d, line
        assert 0 < float(v) < float("inf"), line  # nonzero, nonnegative, not NaN/Inf
        assert field != "integer" or v.isdigit(), line
        previous = position
    labels = read_labels(folder)
    assert len(labels) == n and sorted(set(labels)) == list(range(classes)), name
    counts = "/".join(str(labels.count(c)) for c in range(classes))
    print(f"{name}: {n} x {d}, {nnz} nonzeros, {classes} classes ({counts})")


def check_graph(out_dir, name, n, m, classes):
    """Reads the files back: edges sorted, unique, u < v, ids in range; labels."""
    folder = os.path.join(out_dir, name)
    with open(os.path.join(folder, "edges.txt")) as f:
        edges = [tuple(map(int, line.split())) for line in f if not line.startswith("#")]
    assert len(edges) == m and edges == sorted(set(edges)), name
    assert all(0 <= u < v < n for u, v in edges), name
    labels = read_labels(folder)
    assert len(labels) == n and sorted(set(labels)) == list(range(classes)), name
    counts = "/".join(str(labels.count(c)) for c in range(classes))
    print(f"{name}: {n} nodes, {m} edges, {classes} classes ({counts})")
    return labels


def read_labels(folder):
    with open(os.path.join(folder, "labels.txt")) as f:
        return [int(line) for line in f]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    version = package_version("python3-sklearn")
    specs = [  # name, file, header line?, field, expected n, d, classes
        ("iris", "iris.csv", True, "real", 150, 4, 3),
        ("wine", "wine_data.csv", True, "real", 178, 13, 3),
        ("breast_cancer", "breast_cancer.csv", True, "real", 569, 30, 2),
        ("digits", "digits.csv.gz", False, "integer", 1797, 64, 10),
    ]
    for name, filename, header, field, n, d, classes in specs:
        path, samples, dims = read_sklearn_csv(filename, header)
        write_features(out_dir, name, samples, dims, f"Debian python3-sklearn {version}, {path}", field)
        check_features(out_dir, name, n, d, classes, field)
    nodes, edges = karate(out_dir)
    labels = check_graph(out_dir, "karate", nodes, edges, 2)
    assert (nodes, edges) == (34, 78) and labels.count(0) == labels.count(1) == 17


if __name__ == "__main__":
    main()

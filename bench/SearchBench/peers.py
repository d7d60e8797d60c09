"""Peer side of SearchBench: FAISS IndexFlatIP and hnswlib on the exact vectors Seer searched (read from .npy).

Usage: /usr/bin/python3 peers.py SPEC.json OUT.json
SPEC: {"datasets": [{"name", "base", "queries", "seer_exact_ids", "k", "hnsw": bool, "m", "ef_construction",
        "efs": [..], "build_threads"}]}
"""
import json
import sys
import time

import faiss
import hnswlib
import numpy as np


def timed(fn, repeat=1):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    spec = json.load(open(sys.argv[1]))
    results = []
    for d in spec["datasets"]:
        xb = np.load(d["base"], mmap_mode="r")
        xq = np.ascontiguousarray(np.load(d["queries"]))
        seer = np.load(d["seer_exact_ids"]).astype(np.int64)
        if d.get("max_queries"):  # the reference BLAS is too slow for every query on 1M vectors
            xq, seer = xq[: d["max_queries"]], seer[: d["max_queries"]]
        k = d["k"]
        repeat = 2 if xb.shape[0] * len(xq) <= 2e8 else 1
        r = {"name": d["name"], "faiss_version": faiss.__version__, "queries": len(xq)}
        index = faiss.IndexFlatIP(xb.shape[1])
        index.add(np.ascontiguousarray(xb))
        gt = None
        for threads in (1, 2):
            faiss.omp_set_num_threads(threads)
            index.search(xq[:16], k)  # warm-up
            cpu = time.process_time()
            seconds, (_, ids) = timed(lambda: index.search(xq, k), repeat=repeat)
            if threads == 1:  # queries per CPU-second of the process (best of the repeats is not known: use the mean)
                r["faiss_cpu_qps_1"] = len(xq) * repeat / (time.process_time() - cpu)
            r[f"faiss_qps_{threads}"] = len(xq) / seconds
            gt = ids
        r["exact_agreement"] = float(np.mean([len(set(seer[i]) & set(gt[i])) / k for i in range(len(xq))]))
        del index
        if d["hnsw"]:
            p = hnswlib.Index(space="ip", dim=xb.shape[1])
            p.init_index(max_elements=xb.shape[0], ef_construction=d["ef_construction"], M=d["m"], random_seed=42)
            p.set_num_threads(d["build_threads"])
            t = time.perf_counter()
            p.add_items(np.ascontiguousarray(xb), np.arange(xb.shape[0]))
            r["hnswlib_build_s"] = time.perf_counter() - t
            p.set_num_threads(1)
            r["hnswlib"] = []
            for ef in d["efs"]:
                p.set_ef(ef)
                p.knn_query(xq[:16], k=k)
                seconds, (labels, _) = timed(lambda: p.knn_query(xq, k=k), repeat=repeat)
                recall = float(np.mean([len(set(labels[i]) & set(gt[i])) / k for i in range(len(xq))]))
                r["hnswlib"].append({"ef": ef, "qps": len(xq) / seconds, "recall": recall})
            del p
        results.append(r)
        print(json.dumps(r), file=sys.stderr, flush=True)
    json.dump({"results": results}, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()

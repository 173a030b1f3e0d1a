"""Times torchvision.ops.nms (CPU) on a scene written by `go run ./bench/nms`.

Usage: /usr/bin/python3 bench/nms/torchvision_nms.py SCENE.bin THRESHOLD REPS KEEP_OUT

SCENE.bin holds n, then n boxes (x1, y1, x2, y2) and n scores, as little-endian int32 and float32.
Prints one line "torchvision <version> nms: median <ms> ms over <reps> runs, kept <k>" and writes the
kept indices, one per line, to KEEP_OUT so the Go side can check that both agree.
"""
import statistics
import struct
import sys
import time

import torch
import torchvision


def main():
    path, threshold, reps, keep_out = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack_from("<i", data, 0)
    flat = torch.frombuffer(bytearray(data[4:]), dtype=torch.float32)
    boxes = flat[: 4 * n].reshape(n, 4).clone()
    scores = flat[4 * n: 5 * n].clone()
    torch.set_num_threads(1)
    times = []
    keep = None
    for _ in range(reps):
        t0 = time.perf_counter()
        keep = torchvision.ops.nms(boxes, scores, threshold)
        times.append(time.perf_counter() - t0)
    with open(keep_out, "w") as f:
        f.write("\n".join(str(i) for i in keep.tolist()))
        f.write("\n")
    print(f"torchvision {torchvision.__version__} nms: median {1000 * statistics.median(times):.2f} ms "
          f"over {reps} runs, kept {len(keep)}")


if __name__ == "__main__":
    main()

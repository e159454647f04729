#!/usr/bin/env python3
"""bench/peers.py -- one headline run (task, init, T) in a peer system, for
bench/peers: the seed's NumPy algorithm or PyTorch, float64, one thread.

  peers.py numpy|torch TASK INIT T [--epochs N] [--seed S] [--batches-per-epoch N]

The seed (the seed document 004_*, shared/seeds/): vanilla tanh RNN, H 64, batch 50,
30 batches per epoch, 80 epochs, SGD with heavy-ball momentum 0.9, lr 0.01,
global gradient-norm clipping at 1.0, a fresh batch every step, one output
at the last step (0.5 * MSE for addition, softmax cross-entropy otherwise).
numpy: manual BPTT (the seed's algorithm, written from its description).
torch: nn.RNN(tanh) + nn.Linear, autograd, torch.optim.SGD(momentum=0.9),
clip_grad_norm_.  Prints one line: system task init T seconds cpu_seconds
final_loss.  The tasks' generators are simple versions of the seed's (same
input/output widths); the data does not change the work per step.
"""
import os
import resource
import sys
import time

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
import numpy as np  # noqa: E402

H, B, BPE, LR, MU, CLIP = 64, 50, 30, 0.01, 0.9, 1.0
WIDTH = {"addition": (2, 1), "temporal_order": (6, 4), "3bit_memorization": (5, 8)}


def batch(rng, task, T):
    """x (T, B, I) and target: (B,) floats for addition, else class labels."""
    I, O = WIDTH[task]
    x = np.zeros((T, B, I))
    if task == "addition":
        x[:, :, 0] = rng.random((T, B))
        a = rng.integers(0, T // 2, B)
        b = rng.integers(T // 2, T, B)
        x[a, np.arange(B), 1] = 1
        x[b, np.arange(B), 1] = 1
        return x, x[a, np.arange(B), 0] + x[b, np.arange(B), 0]
    if task == "temporal_order":
        x[np.arange(T)[:, None], np.arange(B)[None, :], rng.integers(2, 6, (T, B))] = 1
        y = rng.integers(0, 4, B)
        for k, pos in enumerate((rng.integers(T // 10, T // 5, B), rng.integers(T // 2, 3 * T // 5, B))):
            x[pos, np.arange(B), :] = 0
            x[pos, np.arange(B), (y >> k) & 1] = 1
        return x, y
    y = rng.integers(0, 8, B)  # 3bit_memorization
    for k in range(3):
        x[k, :, 0] = (y >> k) & 1
    x[3:T - 1, :, 1 + rng.integers(0, 3, 1)] = 1
    x[T - 1, :, 4] = 1
    return x, y


def init(rng, task, kind):
    I, O = WIDTH[task]
    if kind == "ortho":
        q, r = np.linalg.qr(rng.standard_normal((H, H)))
        Whh = q * np.sign(np.diag(r))
    else:
        Whh = 0.1 * rng.standard_normal((H, H))
    return [0.1 * rng.standard_normal((H, I)), Whh, np.zeros(H), rng.standard_normal((O, H)) / np.sqrt(H), np.zeros(O)]


def run_numpy(task, kind, T, epochs, seed):
    rng = np.random.default_rng(seed)
    p = init(rng, task, kind)
    v = [np.zeros_like(a) for a in p]
    loss = float("nan")
    for _ in range(epochs * BPE):
        x, y = batch(rng, task, T)
        Wih, Whh, bh, Why, by = p
        hs = [np.zeros((B, H))]
        for t in range(T):
            hs.append(np.tanh(x[t] @ Wih.T + hs[-1] @ Whh.T + bh))
        out = hs[-1] @ Why.T + by
        if task == "addition":
            d = out[:, 0] - y
            loss = 0.5 * np.mean(d * d)
            dout = (d / B)[:, None]
        else:
            e = np.exp(out - out.max(1, keepdims=True))
            pr = e / e.sum(1, keepdims=True)
            loss = -np.mean(np.log(pr[np.arange(B), y]))
            pr[np.arange(B), y] -= 1
            dout = pr / B
        g = [np.zeros_like(a) for a in p]
        g[3] = dout.T @ hs[-1]
        g[4] = dout.sum(0)
        dh = dout @ Why
        for t in range(T, 0, -1):
            dz = dh * (1 - hs[t] * hs[t])
            g[0] += dz.T @ x[t - 1]
            g[1] += dz.T @ hs[t - 1]
            g[2] += dz.sum(0)
            dh = dz @ Whh
        n = np.sqrt(sum(float((a * a).sum()) for a in g))
        s = CLIP / n if n > CLIP else 1.0
        for k in range(5):
            v[k] = MU * v[k] - LR * s * g[k]
            p[k] += v[k]
    return loss


def run_torch(task, kind, T, epochs, seed):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    I, O = WIDTH[task]
    rnn = torch.nn.RNN(I, H, nonlinearity="tanh", bias=True).double()
    head = torch.nn.Linear(H, O).double()
    p = init(rng, task, kind)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(p[0]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(p[1]))
        rnn.bias_ih_l0.zero_()
        rnn.bias_hh_l0.zero_()
        head.weight.copy_(torch.from_numpy(p[3]))
        head.bias.zero_()
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=LR, momentum=MU)
    loss = torch.tensor(float("nan"))
    for _ in range(epochs * BPE):
        x, y = batch(rng, task, T)
        xs = torch.from_numpy(x)
        out = head(rnn(xs)[0][-1])
        if task == "addition":
            loss = 0.5 * torch.mean((out[:, 0] - torch.from_numpy(y)) ** 2)
        else:
            loss = torch.nn.functional.cross_entropy(out, torch.from_numpy(y))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
    return float(loss)


def main(argv):
    global BPE
    opts = {"--epochs": "80", "--seed": "0", "--batches-per-epoch": str(BPE)}
    rest = []
    it = iter(argv)
    for a in it:
        if a in opts:
            opts[a] = next(it, "")
        else:
            rest.append(a)
    argv = rest
    if len(argv) < 4 or argv[0] not in ("numpy", "torch") or argv[1] not in WIDTH or argv[2] not in ("ortho", "random"):
        sys.stderr.write("usage: peers.py numpy|torch TASK INIT T [--epochs N] [--seed S]\n")
        return 2
    epochs, seed, BPE = int(opts["--epochs"]), int(opts["--seed"]), int(opts["--batches-per-epoch"])
    T = int(argv[3])
    t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    loss = (run_numpy if argv[0] == "numpy" else run_torch)(argv[1], argv[2], T, epochs, seed)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
    print(f"{argv[0]} {argv[1]} {argv[2]} {T} {time.monotonic() - t0:.3f} {cpu:.3f} {loss:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

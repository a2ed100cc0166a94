# Independent reference for the Markov removal effects (test/reports/attribution/markov.test.ts):
# builds the absorbing chain's full transition matrix over start, channels, conversion and null, and
# reads P(conversion from start) off the fundamental matrix N = (I - Q)^-1 with numpy. Removing a
# channel redirects every transition into it to null. Run once: python3 markov-reference.py > markov-reference.json
import json
import numpy as np

paths = [
    ["search > email > email > display", 12, 1800.0, 40],
    ["search", 30, 2400.0, 170],
    ["display > search", 8, 640.0, 60],
    ["email > search > email", 15, 1350.5, 25],
    ["social > display > social > search", 4, 420.0, 90],
    ["social", 0, 0.0, 210],
    ["email", 22, 1210.0, 88],
    ["display > social > email > search > display", 3, 330.0, 17],
    ["referral > search", 9, 1080.0, 6],
    ["referral", 5, 500.0, 5],
]
channels = sorted({c for p, *_ in paths for c in p.split(" > ")})

def p_conv(removed=None):
    # State order: start, channels..., conv, null.
    names = ["start"] + channels + ["conv", "null"]
    ix = {n: i for i, n in enumerate(names)}
    m = len(names)
    counts = np.zeros((m, m))
    for p, conv, _value, nulls in paths:
        seq = ["start"] + p.split(" > ")
        for a, b in zip(seq, seq[1:]):
            counts[ix[a], ix[b]] += conv + nulls
        counts[ix[seq[-1]], ix["conv"]] += conv
        counts[ix[seq[-1]], ix["null"]] += nulls
    if removed is not None:
        k = ix[removed]
        counts[:, ix["null"]] += counts[:, k]
        counts[:, k] = 0
        counts[k, :] = 0
        counts[k, ix["null"]] = 1
    P = counts / counts.sum(axis=1, keepdims=True).clip(min=1e-300)
    transient = list(range(0, 1 + len(channels)))
    Q = P[np.ix_(transient, transient)]
    R = P[np.ix_(transient, [ix["conv"]])]
    N = np.linalg.inv(np.eye(len(transient)) - Q)
    return float((N @ R)[0, 0])

base = p_conv()
effects = [1 - p_conv(c) / base for c in channels]
print(json.dumps({"paths": paths, "channels": channels, "conversion_probability": base, "removal_effects": effects}, indent=2))

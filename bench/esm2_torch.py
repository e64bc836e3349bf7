"""ESM2 of the same shapes in PyTorch, as a speed reference for `npm run bench -- train`.
Reads JSON on stdin (vocab_sizes, num_numeric, embedding, towers, dropout, lr, batch, steps, threads);
prints one JSON line with samples_per_s."""
import json
import sys
import time

import torch

a = json.load(sys.stdin)
torch.manual_seed(1)
if a['threads']:
    torch.set_num_threads(a['threads'])
C, N, E = len(a['vocab_sizes']), a['num_numeric'], a['embedding']
offsets = torch.tensor([sum(a['vocab_sizes'][:i]) for i in range(C)])
emb = torch.nn.Embedding(sum(a['vocab_sizes']), E)


def tower():
    layers, d = [], C * E + N
    for h in a['towers']:
        layers += [torch.nn.Linear(d, h), torch.nn.ReLU(), torch.nn.Dropout(a['dropout'])]
        d = h
    return torch.nn.Sequential(*layers, torch.nn.Linear(d, 1))


towers = torch.nn.ModuleList([tower() for _ in range(4)])
opt = torch.optim.Adam(list(emb.parameters()) + list(towers.parameters()), lr=a['lr'])
B = a['batch']
cat = torch.stack([torch.randint(0, v, (B,)) for v in a['vocab_sizes']], 1)
num = torch.randn(B, N)
click, dact, buy = (torch.rand(B) < 0.06).float(), (torch.rand(B) < 0.01).float(), (torch.rand(B) < 0.002).float()
bce = torch.nn.BCELoss()


def step():
    x = torch.cat([emb(cat + offsets).reshape(B, -1), num], 1)
    y1, y2, y3, y4 = (torch.sigmoid(t(x)).squeeze(1) for t in towers)
    pcvr = y2 * y3 + (1 - y2) * y4
    loss = bce(y1, click) + bce(y1 * y2, dact) + bce(y1 * pcvr, buy)
    opt.zero_grad()
    loss.backward()
    opt.step()


for _ in range(3):
    step()
t0 = time.time()
for _ in range(a['steps']):
    step()
print(json.dumps({'samples_per_s': a['steps'] * B / (time.time() - t0), 'torch': torch.__version__, 'threads': torch.get_num_threads()}))

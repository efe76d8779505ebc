"""xLSTM-7b (xlstm): the whole-checkpoint count of the corpus config, to the unit.

Pure mLSTM stack (no sLSTM, no attention, no short conv). Each block is
norm_mlstm (RMSNorm) -> mLSTM layer -> residual -> norm_ffn (RMSNorm) -> SwiGLU FFN -> residual;
then out_norm and an untied lm_head. q, k, v, the three gates all read the same normalised block input.
Sources: transformers models/xlstm (configuration_xlstm.py, modeling_xlstm.py: xLSTMLayer,
xLSTMFeedForward, xLSTMBlock, xLSTMModel) and NX-AI/xlstm xlstm/xlstm_large/model.py (mLSTMLayer,
FeedForward, xLSTMLargeBlockStack). Run: python3 xlstm.py

Config keys the model code never reads (left over from the training config): head_dim (= v_dim / num_heads
here), mlstm_round_up_to_multiple_of, add_post_blocks_norm, add_post_norm, add_qk_norm, add_embedding_dropout.
"""
import json

CORPUS = '/work/shared/corpus/'


def round_up(x, m):
    return int(((x + m - 1) // m) * m)          # round_up_to_next_multiple_of, as in both repos


def dims(c):
    d = c.get('embedding_dim') or c['hidden_size']   # the 7b config has only embedding_dim
    # xLSTMLayer / mLSTMLayer use int(d * factor), not rounded; xLSTMConfig.qk_dim / v_dim round up to 64
    # (used only for the cache). Equal whenever d * factor is a multiple of 64, as here (2048, 4096).
    qk = int(d * c.get('qk_dim_factor', 0.5))
    v = int(d * c.get('v_dim_factor', 1.0))
    ffn = round_up(d * c.get('ffn_proj_factor', 2.667), c.get('ffn_round_up_to_multiple_of', 64))
    return d, qk, v, ffn


def mlstm_layer(c):
    d, qk, v, _ = dims(c)
    H, b = c['num_heads'], c.get('use_bias', False)
    n = 2 * d * qk + d * v + (2 * qk + v if b else 0)    # q, k [qk, d]; v [v, d]
    n += d * v + (v if b else 0)                         # ogate_preact [v, d] (sigmoid output gate, per feature)
    n += 2 * (d * H + H)                                 # igate_preact, fgate_preact [H, d] + bias [H] (bias=True always)
    n += v + (v if b else 0)                             # multihead_norm.weight [v] (= H x v/H), bias only if use_bias
    n += v * d + (d if b else 0)                         # out_proj [d, v]
    return n


def ffn(c):
    d, _, _, f = dims(c)
    b = c.get('use_bias', False)
    if c.get('weight_mode', 'single') == 'fused':
        up = d * 2 * f + (2 * f if b else 0)             # proj_up_gate_z [2f, d]
    else:
        up = 2 * (d * f + (f if b else 0))               # proj_up_gate, proj_up [f, d]
    return up + f * d + (d if b else 0)                  # proj_down [d, f]


def block(c):
    d = dims(c)[0]
    norms = 2 * d * (2 if c.get('use_bias', False) else 1)   # norm_mlstm, norm_ffn (RMSNorm weight [d])
    return norms + mlstm_layer(c) + ffn(c)


def count(c):
    d, V = dims(c)[0], c['vocab_size']
    L = c.get('num_blocks') or c['num_hidden_layers']
    n = V * d                                            # backbone.embeddings [V, d]
    n += 0 if c.get('tie_word_embeddings', False) else V * d   # lm_head [V, d], bias=False
    n += d if c.get('add_out_norm', True) else 0         # backbone.out_norm [d]
    return n + L * block(c)


ck = json.load(open(CORPUS + 'checkpoints.json'))
name = 'NX-AI__xLSTM-7b.json'
c = json.load(open(CORPUS + 'configs/' + name))
d, qk, v, f = dims(c)
whole = count(c)
target = ck[name]['checkpoint_params']
print(f'd {d} qk_dim {qk} v_dim {v} ffn {f}; per block: mlstm {mlstm_layer(c):,} ffn {ffn(c):,} total {block(c):,}')
print(f'{name}: whole {whole:,} target {target:,} {"exact" if whole == target else "DIFF " + str(target - whole)}')

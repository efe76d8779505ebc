import json, math, sys
sys.path.insert(0,'.')
from qwen35 import vision, gdn, moe
C='/work/shared/corpus/configs/'; CK=json.load(open('/work/shared/corpus/checkpoints.json'))
f='Qwen__Qwen3.8-Flash-Next.json'; c=json.load(open(C+f)); t=c['text_config']
d,V,L,hc,r=t['hidden_size'],t['vocab_size'],t['num_hidden_layers'],t['hc_count'],t['hc_lowrank']
def is_prime(n):
    if n<2: return False
    if n%2==0: return n==2
    for k in range(3,math.isqrt(n)+1,2):
        if n%k==0: return False
    return True
def nth_prime_after(start,count):
    p=start
    for _ in range(count):
        p+=1
        while not is_prime(p): p+=1
    return p
def ngram_vocab(ple_index):
    heads=(t['ngram_size']-1)*t['heads_per_ngram']
    tot=sum(nth_prime_after(t['ngram_vocab_size_base']-1, ple_index*heads+i+1) for i in range(heads))
    m=t['make_ngram_vocab_size_divisible_by']
    return math.ceil(tot/m)*m, heads
def attn_qsa(t):
    H,Hkv,dh=t['num_attention_heads'],t['num_key_value_heads'],t['head_dim']
    a= d*2*H*dh + 2*d*Hkv*dh + H*dh*d + 2*dh
    ih=t['indexer_head_dim']
    a+= d*(t['indexer_n_heads']+t['indexer_kv_heads'])*ih + 2*ih
    return a
def gated_residual(combine=True):
    return hc*d + 2*hc*d*r + (hc*d*hc if combine else 0)
def ple(ple_index):
    pv,heads=ngram_vocab(ple_index); E=t['ple_embed_dim']
    emb=pv*(E//heads)
    return emb, emb + E*hc*d + E*d + 3*hc*d + hc*d*t['ple_conv_kernel_size'], t['ngram_size']+2*heads
text=0; ple_emb=0; ibuf=0
for i,lt in enumerate(t['layer_types']):
    text+= (gdn(t) if lt=='linear_attention' else attn_qsa(t)) + moe(t) + 2*gated_residual()
    if i+1 in t['ple_layer_ids']:
        e,p,b=ple(t['ple_layer_ids'].index(i+1)); text+=p; ple_emb+=e; ibuf+=b
text+= V*d + gated_residual(False) + V*d
vis=vision(c['vision_config'])
tgt=CK[f]['checkpoint_params']
print('ngram vocab',ngram_vocab(0),'ple emb',ple_emb,'int buffers',ibuf)
print('text',text,'vision',vis,'sum',text+vis+ibuf,'target',tgt,'residual (MTP?)',tgt-(text+vis+ibuf))
print('one moe',moe(t),'one qsa attn',attn_qsa(t),'gr',gated_residual())
# MTP (structure per freetoken Qwen4ExpMTPHead / llama.cpp nextn tensors): enorm [d], hnorm [hc*d],
# eh_proj [d, 2d], attn_hyper_connection + mlp_hyper_connection (with block_inject), one QSA attention
# (indexer stored), one MoE block, hyper_connection_mixer (no block_inject). No embedding/head copies.
mtp = t['mtp_num_hidden_layers']*(attn_qsa(t)+moe(t)+2*gated_residual()) + 2*d*d + d + hc*d + gated_residual(False)
tot=text+vis+mtp+ibuf
print('mtp',mtp,'whole checkpoint',tot,'target',tgt,'diff',tot-tgt,'learned (no int buffers)',tot-ibuf)

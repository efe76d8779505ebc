import json, math, itertools
cfg=json.load(open('/work/shared/corpus/configs/thinkingmachines__Inkling.json'))
c=cfg['text_config']; a=cfg['audio_config']; v=cfg['vision_config']; m=cfg['mtp_config']
d=c['hidden_size'];V=c['vocab_size'];L=c['num_hidden_layers'];K=c['sconv_kernel_size'];drel=c['d_rel']
E=c['n_routed_experts'];ns=c['n_shared_experts'];de=c['intermediate_size'];dff=c['dense_intermediate_size']
local=set(c['local_layer_ids'])
def attn(swa):
    H,Hkv,dh=(c['swa_num_attention_heads'],c['swa_num_key_value_heads'],c['swa_head_dim']) if swa else (c['num_attention_heads'],c['num_key_value_heads'],c['head_dim'])
    ext=c['sliding_window_size'] if swa else c['rel_extent']
    return (d*H*dh + 2*d*Hkv*dh + d*H*drel + H*dh*d   # q,k,v,r,o
            + 2*Hkv*dh*K                               # k_sconv, v_sconv (depthwise conv1d, no bias)
            + 2*dh                                     # q_norm, k_norm
            + drel*ext)                                # rel_logits_proj.proj
def dense_mlp(w): return 3*d*w+1                       # gate,up,down + global_scale
moe=(E+ns)*d+1+E + E*3*d*de + ns*3*d*de                # router weight(+shared rows), global_scale, e_score_correction_bias(buffer), experts, shared
def layer(swa, dense, w=dff):
    return attn(swa)+2*d+2*d*K+(dense_mlp(w) if dense else moe)   # 2 norms, attn_sconv, mlp_sconv
text=V*d+d + d + V*d          # embed_tokens + embed_norm, final norm, lm_head (padded vocab_size rows)
for i in range(L):
    text+=layer(i in local, i<c['dense_mlp_idx'])
print('text (vocab_size head)',text)
# audio
audio=a['n_mel_bins']*a['mel_vocab_size']*d + d
# vision hMLP
def pf(n):
    f=[]
    while n%2==0: f.append(2); n//=2
    p=3
    while p*p<=n:
        while n%p==0: f.append(p); n//=p
        p+=2
    if n>1: f.append(n)
    return f
def cumprod(x):
    o=[];s=1
    for y in x: s*=y;o.append(s)
    return o
P,T,C,NL=v['patch_size'],v['temporal_patch_size'],v['n_channels'],v['n_layers']
h=cumprod(pf(P)[::-1]); t=cumprod(pf(T)[::-1])
hch=[math.ceil(x*x*C/64)*64 for x in h]
tch=[math.ceil(h[-1]**2*C*x)*64 for x in t]
scales=[(1,1,1,C)]+[(1,x,x,ch) for x,ch in zip(h,hch)]+[(x,h[-1],h[-1],ch) for x,ch in zip(t,tch)]
sr=[s[0]*s[1]*s[2] for s in scales]
tot=P*P*T*C
ideal=[i*math.log(tot)/NL for i in range(NL+1)]
cost=[[abs(ideal[r]-math.log(sr[j])) for j in range(len(scales))] for r in range(NL+1)]
if NL+1>=len(scales): idx=[min(range(len(scales)),key=lambda j:cost[r][j]) for r in range(NL+1)]
else:
    best=min(itertools.permutations(range(len(scales)),NL+1),key=lambda p:sum(cost[r][p[r]] for r in range(NL+1)))
    idx=list(best)
idx[0]=0; idx[-1]=len(scales)-1
sc=[scales[i] for i in idx]
vis=0
for i,(s0,s1) in enumerate(zip(sc[:-1],sc[1:])):
    mult=(s1[0]//s0[0])*(s1[1]//s0[1])*(s1[2]//s0[2])
    out=d if i==NL-1 else s1[3]
    vis+=s0[3]*mult*out + (out if i!=NL-1 else 0)
    print(' vision layer',i,s0,'->',s1,'in',s0[3]*mult,'out',out)
vis+=d   # final_norm
print('audio',audio,'vision',vis)
main=text+audio+vis
Tot=952377623626
print('main+towers',main,'resid',Tot-main)
# MTP hypothesis: per layer a decoder layer with dense MLP
r=Tot-main
for w in (dff,de,de*ns):
  for nm in (8,):
    mt=sum(layer(i in set(m['local_layer_ids']),True,w) for i in range(nm))
    print('mtp dense width',w,'blocks',mt,'resid after',r-mt,(r-mt)/d)

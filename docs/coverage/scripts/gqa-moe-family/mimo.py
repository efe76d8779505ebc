import json,sys
def count(c, n_mtp):
    d=c['hidden_size'];V=c['vocab_size'];L=c['num_hidden_layers']
    E=c['n_routed_experts'];de=c['moe_intermediate_size'];dff=c['intermediate_size']
    def attn(swa):
        if swa: H,Hkv,dk,dv=c['swa_num_attention_heads'],c['swa_num_key_value_heads'],c['swa_head_dim'],c['swa_v_head_dim']
        else:   H,Hkv,dk,dv=c['num_attention_heads'],c['num_key_value_heads'],c['head_dim'],c['v_head_dim']
        p=d*(H*dk+Hkv*dk+Hkv*dv)+H*dv*d   # qkv_proj (fused or split: same count), o_proj
        sink=c['add_swa_attention_sink_bias'] if swa else c['add_full_attention_sink_bias']
        return p+(H if sink else 0)        # attention_sink_bias [H]
    main=2*V*d+d
    for i in range(L):
        swa=c['hybrid_layer_pattern'][i]==1
        moe=c['moe_layer_freq'][i]==1
        ffn=E*d+E+E*3*d*de if moe else 3*d*dff   # gate.weight(fp32), e_score_correction_bias, experts
        main+=attn(swa)+ffn+2*d
    # MTP layer: SWA attention (with sink), dense MLP, input_layernorm, pre_mlp_layernorm,
    # enorm, hnorm, final_layernorm, eh_proj [d, 2d]
    mtp=n_mtp*(attn(True)+3*d*dff+2*d+3*d+2*d*d)
    return main,mtp
c=json.load(open('/work/shared/corpus/configs/XiaomiMiMo__MiMo-V2.5-Pro.json'))
m,t=count(c,3); T=1023182841600
print('V2.5-Pro main',m,'mtp',t,'whole',m+t,'resid',T-(m+t))
c=json.load(open('/work/shared/corpus/configs/XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json'))
m,t=count(c,1)
print('V2-Flash main',m,'mtp(1)',t,'whole',m+t)

# google/gemma-4-E4B-it config fields as stored in BrendanJamesLynskey/llm-architectures-explained data/hf/google__gemma-4-E4B-it.json (Hub total 7,996,156,490)
cfg={"text_config":{"attention_k_eq_v":False,"enable_moe_block":False,"global_head_dim":512,"head_dim":256,"hidden_size":2560,"hidden_size_per_layer_input":256,
 "intermediate_size":10240,"layer_types":(["sliding_attention"]*5+["full_attention"])*7,"num_attention_heads":8,"num_global_key_value_heads":None,
 "num_hidden_layers":42,"num_key_value_heads":2,"num_kv_shared_layers":18,"tie_word_embeddings":True,"use_double_wide_mlp":False,"vocab_size":262144,"vocab_size_per_layer_input":262144},
 "vision_config":{"global_head_dim":64,"head_dim":64,"hidden_size":768,"intermediate_size":3072,"num_attention_heads":12,"num_hidden_layers":16,"num_key_value_heads":12,
 "patch_size":16,"pooling_kernel_size":3,"position_embedding_size":10240,"standardize":False,"use_clipped_linears":True},
 "audio_config":{"hidden_size":1024,"num_attention_heads":8,"num_hidden_layers":12,"output_proj_dims":1536,"subsampling_conv_channels":[128,32],"conv_kernel_size":5,"use_clipped_linears":True}}
HUB=7996156490

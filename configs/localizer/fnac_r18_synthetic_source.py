# The benchmark's localizer as the paper's is made: FNAC trained on another dataset (the paper uses FNAC trained on
# Flickr-SoundNet and keeps it frozen) -- here the synthetic source set (docs/synthetic_dataset.md: other classes,
# timbres at fixed pitches, white noise among them), the set the audio encoder is pretrained on. Everything else
# is fnac_r18_synthetic.py's; validation (what the main job and the studies check) is on the benchmark's val.txt.
_base_ = ['./fnac_r18_synthetic.py']
source_root = 'data/synthetic_av_source/'
train_dataloader = dict(dataset=dict(data_prefix=dict(video=source_root), classes_file=source_root + 'classes.txt',
                                     ann_file=source_root + 'train_all.txt'))

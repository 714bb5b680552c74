# GPU benchmark of docs/benchmarks.md: the paper-size method of configs/ucf51_asl_1shot.py (ViT-B/16 divided
# 8 x 224^2, ViT-B audio encoder, 2 fusion layers, frozen FNAC ResNet-18, FlexMatch) on the synthetic set rendered
# at UCF-101's 320 x 240 (`python tools/data/synthetic/generate.py data/synthetic_av_320 --gpu-preset
# --workers 8`), bf16 autocast, 300 iterations of 1 labeled + 5 unlabeled clips, no validation. It measures speed,
# memory and the data pipeline, not accuracy (the localizer is random unless model.localizer.checkpoint is set):
#   bash tools/dist_train.sh configs/benchmarks/ucf51_asl_1shot_synthetic320.py 1 --work-dir work_dirs/gpu_bench
#   python tools/analysis/analyze_logs.py work_dirs/gpu_bench --keys memory mask_ratio --last 100
_base_ = ['../_base_/semi_asl_vit_b.py', '../_base_/datasets/ucf51_av.py']
root = 'data/synthetic_av_320/'
num_classes = 6
max_iters = 300

_set = dict(data_prefix=dict(video=root), classes_file=root + 'classes.txt')
train_dataloader = dict(dataset=dict(datasets=[
    dict(_base_.labeled_dataset, ann_file=root + 'train_labeled_1shot.txt', **_set),
    dict(_base_.unlabeled_dataset, ann_file=root + 'train_unlabeled_1shot.txt', **_set)]))
val_dataloader = dict(dataset=dict(ann_file=root + 'val.txt', **_set))
test_dataloader = dict(dataset=dict(ann_file=root + 'test.txt', **_set))

model = dict(recognizer=dict(cls_head=dict(num_classes=num_classes)),
             threshold=dict(num_classes=num_classes))
optim_wrapper = dict(type='AmpOptimWrapper', dtype='bfloat16')
# A fixed length, not the family's 50 epochs: the measurement needs the same iterations whatever the set's size.
train_cfg = dict(_delete_=True, type='SemiIterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters + 1)
param_scheduler = []
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=max_iters, by_epoch=False, max_keep_ckpts=1))

# UCF-51 (the 51 UCF-101 classes with audio), split 1, as tools/data/ucf51/prepare_ucf51.py and
# `tools/data/make_split.py draw data/ucf51/ucf51_train_split_1_videos.txt --shots 1 5 --seed 0 --out-dir data/ucf51`
# write it (docs/data_preparation.md). Videos stay in data/ucf101/videos.
# The train_dataloader is the semi-supervised loader of av_paper_common.py on the 1-shot lists (k-shot configs
# replace both ann files); supervised_train_dataloader reads the whole training list.
_base_ = ['./av_paper_common.py']
data_root = 'data/ucf51/'
video_root = 'data/ucf101/videos'
classes_file = data_root + 'classes.txt'
num_classes = 51
train_ann_file = data_root + 'ucf51_train_split_1_videos.txt'
labeled_ann_file = data_root + 'train_labeled_1shot.txt'
unlabeled_ann_file = data_root + 'train_unlabeled_1shot.txt'
test_ann_file = data_root + 'ucf51_test_split_1_videos.txt'

train_data = dict(data_prefix=dict(video=video_root), classes_file=classes_file)
labeled_dataset = dict(ann_file=labeled_ann_file, **train_data)
unlabeled_dataset = dict(ann_file=unlabeled_ann_file, **train_data)
train_dataloader = dict(dataset=dict(datasets=[dict(_base_.labeled_dataset, **labeled_dataset),
                                               dict(_base_.unlabeled_dataset, **unlabeled_dataset)]))
supervised_train_dataloader = dict(dataset=dict(ann_file=train_ann_file, **train_data))
val_dataloader = dict(
    dataset=dict(ann_file=test_ann_file, data_prefix=dict(video=video_root), classes_file=classes_file))
test_dataloader = val_dataloader

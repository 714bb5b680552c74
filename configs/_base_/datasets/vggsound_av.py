# VGGSound (309 classes, unavailable videos dropped), as tools/data/vggsound/prepare_vggsound.py and
# `tools/data/make_split.py draw data/vggsound/vggsound_train_list_videos.txt --shots 1 5 --seed 0
# --out-dir data/vggsound` write it (docs/data_preparation.md); evaluation on the test list.
# The train_dataloader is the semi-supervised loader of av_paper_common.py on the 1-shot lists (k-shot configs
# replace both ann files); supervised_train_dataloader reads the whole training list.
_base_ = ['./av_paper_common.py']
data_root = 'data/vggsound/'
video_root = data_root + 'videos'
classes_file = data_root + 'classes.txt'
num_classes = 309
train_ann_file = data_root + 'vggsound_train_list_videos.txt'
labeled_ann_file = data_root + 'train_labeled_1shot.txt'
unlabeled_ann_file = data_root + 'train_unlabeled_1shot.txt'
test_ann_file = data_root + 'vggsound_test_list_videos.txt'

train_data = dict(data_prefix=dict(video=video_root), classes_file=classes_file)
labeled_dataset = dict(ann_file=labeled_ann_file, **train_data)
unlabeled_dataset = dict(ann_file=unlabeled_ann_file, **train_data)
train_dataloader = dict(dataset=dict(datasets=[dict(_base_.labeled_dataset, **labeled_dataset),
                                               dict(_base_.unlabeled_dataset, **unlabeled_dataset)]))
supervised_train_dataloader = dict(dataset=dict(ann_file=train_ann_file, **train_data))
val_dataloader = dict(
    dataset=dict(ann_file=test_ann_file, data_prefix=dict(video=video_root), classes_file=classes_file))
test_dataloader = val_dataloader

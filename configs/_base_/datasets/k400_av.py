# Kinetics-400 (clips without audio dropped), as tools/data/kinetics400/prepare_kinetics400.py and
# `tools/data/make_split.py draw data/kinetics400/kinetics400_train_list_videos.txt --shots 1 5 --seed 0
# --out-dir data/kinetics400` write it (docs/data_preparation.md). List paths are relative to the split's video
# folder (videos_train / videos_val); evaluation on the validation set.
# The train_dataloader is the semi-supervised loader of av_paper_common.py on the 1-shot lists (k-shot configs
# replace both ann files); supervised_train_dataloader reads the whole training list.
_base_ = ['./av_paper_common.py']
data_root = 'data/kinetics400/'
train_video_root = data_root + 'videos_train'
val_video_root = data_root + 'videos_val'
classes_file = data_root + 'classes.txt'
num_classes = 400
train_ann_file = data_root + 'kinetics400_train_list_videos.txt'
labeled_ann_file = data_root + 'train_labeled_1shot.txt'
unlabeled_ann_file = data_root + 'train_unlabeled_1shot.txt'
test_ann_file = data_root + 'kinetics400_val_list_videos.txt'

train_data = dict(data_prefix=dict(video=train_video_root), classes_file=classes_file)
labeled_dataset = dict(ann_file=labeled_ann_file, **train_data)
unlabeled_dataset = dict(ann_file=unlabeled_ann_file, **train_data)
train_dataloader = dict(dataset=dict(datasets=[dict(_base_.labeled_dataset, **labeled_dataset),
                                               dict(_base_.unlabeled_dataset, **unlabeled_dataset)]))
supervised_train_dataloader = dict(dataset=dict(ann_file=train_ann_file, **train_data))
val_dataloader = dict(
    dataset=dict(ann_file=test_ann_file, data_prefix=dict(video=val_video_root), classes_file=classes_file))
test_dataloader = val_dataloader

# VGGSound (309 classes, unavailable videos dropped), as tools/data/vggsound/prepare_vggsound.py and
# `tools/data/make_split.py draw data/vggsound/vggsound_train_list_videos.txt --shots 1 5 --seed 0
# --out-dir data/vggsound` write it (docs/data_preparation.md); evaluation on the test list. Semi-supervised
# configs take labeled_ann_file / unlabeled_ann_file (1-shot; replace 1shot by 5shot).
_base_ = ['./av_paper_pipelines.py']
data_root = 'data/vggsound/'
video_root = data_root + 'videos'
classes_file = data_root + 'classes.txt'
num_classes = 309
train_ann_file = data_root + 'vggsound_train_list_videos.txt'
labeled_ann_file = data_root + 'train_labeled_1shot.txt'
unlabeled_ann_file = data_root + 'train_unlabeled_1shot.txt'
test_ann_file = data_root + 'vggsound_test_list_videos.txt'

dataset_type = 'AVVideoDataset'
train_dataset = dict(type=dataset_type, ann_file=train_ann_file, data_prefix=dict(video=video_root),
                     classes_file=classes_file, pipeline={{_base_.train_pipeline}})
val_dataset = dict(type=dataset_type, ann_file=test_ann_file, data_prefix=dict(video=video_root),
                   classes_file=classes_file, pipeline={{_base_.val_pipeline}}, test_mode=True)
test_dataset = dict(val_dataset, pipeline={{_base_.test_pipeline}})

train_dataloader = dict(dataset=train_dataset)
val_dataloader = dict(dataset=val_dataset)
test_dataloader = dict(dataset=test_dataset)

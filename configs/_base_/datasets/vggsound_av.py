# VGGSound (309 classes, unavailable videos dropped), as tools/data/vggsound/prepare_vggsound.py and
# `tools/data/make_split.py draw data/vggsound/vggsound_train_list_videos.txt --shots 1 5 --seed 0
# --out-dir data/vggsound` write it (docs/data_preparation.md); evaluation on the test list. Semi-supervised
# configs take labeled_ann_file / unlabeled_ann_file (1-shot; replace 1shot by 5shot).
_base_ = ['./av_paper_common.py']
data_root = 'data/vggsound/'
video_root = data_root + 'videos'
classes_file = data_root + 'classes.txt'
num_classes = 309
train_ann_file = data_root + 'vggsound_train_list_videos.txt'
labeled_ann_file = data_root + 'train_labeled_1shot.txt'
unlabeled_ann_file = data_root + 'train_unlabeled_1shot.txt'
test_ann_file = data_root + 'vggsound_test_list_videos.txt'

train_dataloader = dict(
    dataset=dict(ann_file=train_ann_file, data_prefix=dict(video=video_root), classes_file=classes_file))
val_dataloader = dict(
    dataset=dict(ann_file=test_ann_file, data_prefix=dict(video=video_root), classes_file=classes_file))
test_dataloader = val_dataloader

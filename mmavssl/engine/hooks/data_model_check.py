"""``DataModelCheckHook``: the model's class and unlabeled-set sizes must match the dataset files."""
from typing import Iterator, List

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmavssl.datasets import AVVideoDataset, UnlabeledAVVideoDataset
from mmavssl.registry import HOOKS


def _leaf_datasets(dataset) -> Iterator:
    """The dataset and every dataset it wraps (``ConcatDataset.datasets``, ``RepeatDataset.dataset``, ...)."""
    yield dataset
    for child in getattr(dataset, 'datasets', None) or []:
        yield from _leaf_datasets(child)
    if getattr(dataset, 'dataset', None) is not None:
        yield from _leaf_datasets(dataset.dataset)


@HOOKS.register_module()
class DataModelCheckHook(Hook):
    """Stop before the first iteration when the model disagrees with the dataset files.

    * Every module with an integer ``num_classes`` (classification heads, thresholds) must match the number of
      class names of each dataset built with a ``classes_file``; a wrong head size trains without error but
      never predicts the missing classes.
    * Every module with an integer ``num_unlabeled`` (FlexMatch's per-sample state) must match the number of
      clips of the unlabeled dataset; otherwise slots that can never fill (or an index error later) follow.

    The error names the module, the dataset file and the value to use. Checked in ``before_train`` (the train
    dataloader) and ``before_val``/``before_test`` (their dataloaders, classes only).
    """

    priority = 'VERY_HIGH'

    def _check(self, runner, dataloader, check_unlabeled: bool) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        datasets = list(_leaf_datasets(dataloader.dataset))
        problems: List[str] = []
        for name, module in model.named_modules():
            classes = getattr(module, 'num_classes', None)
            for ds in datasets:
                if (isinstance(ds, AVVideoDataset) and ds.class_names is not None and isinstance(classes, int)
                        and classes != len(ds.class_names)):
                    problems.append(f'{name or type(model).__name__}.num_classes={classes} but {ds.classes_file} '
                                    f'lists {len(ds.class_names)} classes; set num_classes={len(ds.class_names)}')
            unlabeled = getattr(module, 'num_unlabeled', None)
            for ds in datasets:
                if check_unlabeled and isinstance(ds, UnlabeledAVVideoDataset) and isinstance(unlabeled, int) \
                        and unlabeled != len(ds):
                    problems.append(f'{name}.num_unlabeled={unlabeled} but {ds.ann_file} lists {len(ds)} clips; '
                                    f'set num_unlabeled={len(ds)}')
        if problems:
            raise ValueError('The model does not match the dataset: ' + '; '.join(dict.fromkeys(problems)) + '.')

    def before_train(self, runner) -> None:
        """Check the model against the training datasets."""
        self._check(runner, runner.train_dataloader, check_unlabeled=True)

    def before_val(self, runner) -> None:
        """Check the head sizes against the validation dataset."""
        self._check(runner, runner.val_dataloader, check_unlabeled=False)

    def before_test(self, runner) -> None:
        """Check the head sizes against the test dataset."""
        self._check(runner, runner.test_dataloader, check_unlabeled=False)

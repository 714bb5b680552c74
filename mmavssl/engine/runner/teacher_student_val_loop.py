"""Validation of both teacher and student of a semi-supervised model in one pass of the loop."""
from mmengine.model import is_model_wrapper
from mmengine.runner import ValLoop

from mmavssl.registry import LOOPS


@LOOPS.register_module()
class TeacherStudentValLoop(ValLoop):
    """Run validation with ``predict_on='teacher'`` and then ``'student'``; metrics get ``teacher/`` and
    ``student/`` prefixes (mmdet's loop of the same name). The model's ``semi_test_cfg['predict_on']`` is
    restored afterwards.
    """

    def run(self) -> dict:
        """Validate both models and return the prefixed metrics."""
        self.runner.call_hook('before_val')
        self.runner.call_hook('before_val_epoch')
        self.runner.model.eval()
        model = self.runner.model.module if is_model_wrapper(self.runner.model) else self.runner.model
        if not hasattr(model, 'semi_test_cfg'):
            raise TypeError(f'TeacherStudentValLoop needs a model with semi_test_cfg (SemiSupervisedAVRecognizer), '
                            f'got {type(model).__name__}; use ValLoop instead.')
        original = model.semi_test_cfg.get('predict_on', 'teacher')
        metrics = {}
        try:
            for predict_on in ('teacher', 'student'):
                model.semi_test_cfg['predict_on'] = predict_on
                for idx, data_batch in enumerate(self.dataloader):
                    self.run_iter(idx, data_batch)
                result = self.evaluator.evaluate(len(self.dataloader.dataset))
                metrics.update({f'{predict_on}/{k}': v for k, v in result.items()})
        finally:
            model.semi_test_cfg['predict_on'] = original
        self.runner.call_hook('after_val_epoch', metrics=metrics)
        self.runner.call_hook('after_val')
        return metrics

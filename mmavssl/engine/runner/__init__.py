"""Loops of mmavssl (registered in ``LOOPS``) and the tools' runner (``RUNNERS``)."""
from .quiet_runner import QuietRunner
from .semi_train_loop import SemiIterBasedTrainLoop
from .teacher_student_val_loop import TeacherStudentValLoop

__all__ = ['QuietRunner', 'SemiIterBasedTrainLoop', 'TeacherStudentValLoop']

"""Loops of mmavssl (registered in ``LOOPS``)."""
from .teacher_student_val_loop import TeacherStudentValLoop

__all__ = ['TeacherStudentValLoop']

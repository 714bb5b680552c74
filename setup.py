"""Packaging for mmavssl: requirements are read from ``requirements/*.txt``."""
from pathlib import Path
from typing import List

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> List[str]:
    """Return the non-comment lines of ``requirements/<name>.txt``.

    Args:
        name: Stem of the requirements file.

    Returns:
        Requirement specifiers, one per line of the file.
    """
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith('#')]


def read_version() -> str:
    """Return ``__version__`` from ``mmavssl/version.py`` without importing the package."""
    scope: dict = {}
    exec((HERE / 'mmavssl' / 'version.py').read_text(), scope)
    return scope['__version__']


setup(
    name='mmavssl',
    version=read_version(),
    description='Semi-supervised audio-visual video action recognition (OpenMMLab style)',
    long_description=(HERE / 'README.md').read_text(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmavssl', 'mmavssl.*']),
    python_requires='>=3.10',
    install_requires=read_requirements('runtime'),
    extras_require={
        'tests': read_requirements('tests'),
        'optional': read_requirements('optional'),
    },
    license='Apache-2.0',
    zip_safe=False,
)

"""Build kalog's one compiled module; everything else is in pyproject.toml.

`kalog.speed._linescan` is optional: without a C compiler the build goes on
without it, and kalog reads with its pure-Python passes (the same answers;
~1.4x the time of `kalog analyze` on the 10M-line benchmark file, the
passes themselves ~4x slower; `kalog --version` says which).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("kalog.speed._linescan", sources=["kalog/speed/_linescan.c"], optional=True),
    ]
)

"""Builds the project's one compiled module in place: ``python setup.py build_ext --inplace`` (make does it).

The project is not installed as a package; this file exists only for the C record screen
(genomes/vcf/_screen.c), which the WGS import needs for its speed target. Without it the
import falls back to the Python screen (genomes/vcf/screen.py), slower but the same.
"""
from setuptools import Extension, setup

setup(
    name="interpret-extensions",
    ext_modules=[
        Extension(
            "genomes.vcf._screen",
            ["genomes/vcf/_screen.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
        )
    ],
)

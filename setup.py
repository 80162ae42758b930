"""Packs the data folders (templates/, playbooks/, level_dossiers/) into the wheel.

They live at the top of the checkout because the product owner fixed those names; a wheel
install finds them in ir_app/_bundled (see ir_app.config.bundled_root).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_FOLDERS = ("templates", "playbooks", "level_dossiers")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for name in DATA_FOLDERS:
            source = Path(name)
            if source.is_dir():
                shutil.copytree(
                    source,
                    Path(self.build_lib, "ir_app", "_bundled", name),
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                )


setup(cmdclass={"build_py": BuildPyWithData})

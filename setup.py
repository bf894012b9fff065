"""Package layout that pyproject.toml cannot express: the top-level resources/ folder
(the example episode and icons, kept at the top of the repository where packaging/ and
the README use them) is installed as the package clipdesk.resources. Editable installs
map it back to resources/, wheels copy it, and PyInstaller collects it from the package,
so one lookup through importlib.resources works in all three."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(
            "desktop", include=["clipdesk", "clipdesk.*"], exclude=["*.__pycache__"]
        ),
        "clipdesk.resources",
    ],
    package_dir={"": "desktop", "clipdesk.resources": "resources"},
    package_data={
        "clipdesk": ["py.typed"],
        # The demo video is generated (54 MB), never packaged: see clipdesk.resource_files.
        "clipdesk.resources": ["example/*.md", "icons/*.svg", "icons/hicolor/*/apps/*.png"],
    },
)

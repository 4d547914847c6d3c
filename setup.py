"""The files of the distribution: what pyproject.toml cannot say.

The top-level data folders ``shapes/`` and ``vocabularies/`` ship inside the ``catalog``
package, as ``catalog/_shipped/shapes`` and ``catalog/_shipped/vocabularies`` (so there is no
top-level ``shapes`` in site-packages); catalog/paths.py finds them there in an installed wheel,
and at the top of the checkout otherwise. tests/test_wheel.py checks that a built wheel holds
every file of these folders and every data file of the packages.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

DATA = {"catalog._shipped.shapes": "shapes", "catalog._shipped.vocabularies": "vocabularies"}
PACKAGE_DATA = {
    "catalog": ["queries/*.rq", "checks/rules/*.rq", "contexts/*.jsonld", "ledger/migrations/*.mako",
                "ledger/migrations/*.py", "ledger/migrations/versions/*.py"],
    "api": ["pages/templates/*.html", "pages/examples/*.rq", "pages/static/*", "pages/static/lib/*",
            "pages/static/lib/images/*", "soap/*.wsdl"],
    "adapters": ["definitions/xroad/*", "mapping/*.json", "examples/*.yaml",
                 "examples/*/*"],
}


def data_packages() -> dict[str, str]:
    """Every folder under the data folders as a package of catalog._shipped, to its path."""
    out: dict[str, str] = {}
    for package, folder in DATA.items():
        for sub in [Path(folder), *sorted(p for p in Path(folder).rglob("*") if p.is_dir())]:
            out[".".join((package, *sub.relative_to(folder).parts))] = sub.as_posix()
    return out


shipped = data_packages()
setup(
    packages=[*find_namespace_packages(include=["catalog*", "adapters*", "api*"]), *shipped],
    package_dir=shipped,
    package_data=PACKAGE_DATA | dict.fromkeys(shipped, ["*.ttl", "*.trig", "*.md", "*.tsv",
                                                       "*.wsdl"]),
)

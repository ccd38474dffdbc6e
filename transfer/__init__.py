"""transfer: moves kotoutuminen.fi and the Partnership platform to the KEHA Centre.

The package is laid out by stage: ``extractors`` (crawl and export the sources), ``mappers``
(declarative mapping to the KEHA schema), ``loaders`` (idempotent loads with an id map),
``verification`` (reports and the go/no-go gate) and ``cutover`` (executable runbooks).
``sandbox`` replays both source systems on loopback for rehearsals and tests; ``pipeline``
is the only module that knows the order of the stages.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("transfer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
